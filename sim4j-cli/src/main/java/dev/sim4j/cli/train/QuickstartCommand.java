package dev.sim4j.cli.train;

import dev.sim4j.cli.ExitCode;
import dev.sim4j.cli.OptionChecks;
import dev.sim4j.cli.VersionProvider;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.preprocess.amazon.AmazonPreprocessor;
import dev.sim4j.preprocess.amazon.PreprocessOptions;
import dev.sim4j.preprocess.amazon.PreprocessStats;
import dev.sim4j.preprocess.synth.AmazonSynth;
import dev.sim4j.preprocess.synth.SynthConfig;
import dev.sim4j.train.StepMemory;
import dev.sim4j.train.RunInterruptedException;
import dev.sim4j.train.TrainingOptions;
import dev.sim4j.train.TrainingRun;
import dev.sim4j.train.optim.Optimizers;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sim4j quickstart}: the whole path on a small synthetic dump, in a few minutes on a laptop: synthesise,
 * preprocess, train SIM on the CPU, evaluate, write the report, and say where everything is.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Synthesise a small Amazon-style dump, preprocess it, train SIM on the CPU (2 epochs), evaluate it and "
                + "write the HTML report; prints where everything is.")
public final class QuickstartCommand implements Callable<Integer> {
    /** Rows per training step. */
    private static final int BATCH = 1024;
    /**
     * Fewest synthetic users: enough train rows for a few batches after preprocessing (20 users give about 2,500 rows,
     * 9 the 1,024 of one batch), so that a small --users fails here and not after synthesis and preprocessing.
     */
    static final int MIN_USERS = 20;

    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", defaultValue = "sim4j-quickstart", paramLabel = "DIR",
            description = "Folder for everything (must not exist or be empty; default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(names = "--users", defaultValue = "1000", paramLabel = "N", description = "Synthetic users, at least "
            + MIN_USERS + " (default: ${DEFAULT-VALUE}).")
    private int users;

    @Option(names = "--epochs", defaultValue = "2", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int epochs;

    @Option(names = "--model", defaultValue = "sim", paramLabel = "MODEL", description = "sim, dien or din (default: ${DEFAULT-VALUE}).")
    private String model;

    @picocli.CommandLine.Mixin
    private DeviceOptions cpu = new DeviceOptions();

    @Override
    public Integer call() throws Exception {
        ModelType type = validate();
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        Path raw = dir.resolve("raw");
        Path data = dir.resolve("dataset");
        Path results = dir.resolve("results");

        SynthConfig d = SynthConfig.defaults();
        SynthConfig synth = new SynthConfig(users, d.items(), d.categories(), d.seed(), d.shortShare(), d.shortMean(),
                d.longMean(), d.maxReviews(), d.itemZipf(), d.categoryZipf(), d.interestGapMin(), d.interestGapMax(),
                d.driftRun(), d.noise(), d.missingMetaShare(), d.noCategoryShare(), d.unreviewedShare(), d.threads(), 1);
        out.printf("1/4 synthesising %,d users' reviews into %s%n", users, raw);
        out.flush();
        new AmazonSynth(synth).write(raw, false, (task, done, total) -> { });

        out.printf("2/4 preprocessing into %s%n", data);
        out.flush();
        PreprocessStats stats = AmazonPreprocessor.run(PreprocessOptions.defaults(raw.resolve(AmazonSynth.REVIEWS_FILE),
                raw.resolve(AmazonSynth.META_FILE), data));
        out.printf("    %,d users, %,d items, %,d categories; %,d train and %,d test rows%n", stats.users(), stats.items(),
                stats.categories(), stats.rows().get("train"), stats.rows().get("test"));

        out.printf("3/4 training %s for %d epoch(s) on the CPU%n", type.name().toLowerCase(java.util.Locale.ROOT), epochs);
        out.flush();
        Dataset ds = Dataset.open(data);
        TrainingRun.Result r;
        ModelConfig config = ModelConfig.defaults(type, (int) stats.users(), (int) stats.items(), (int) stats.categories());
        TrainingOptions options = new TrainingOptions(epochs, BATCH, 8192, 0.01, "adam", 0, 12345L, results,
                results.resolve("checkpoints"), false, false);
        String name = type.name().toLowerCase(java.util.Locale.ROOT);
        // The train command that is this step, so that an interrupted quickstart continues with --resume.
        String train = "sim4j train --dataset " + data + " --model " + name + " --epochs " + epochs
                + " --global-batch-size " + BATCH + " --no-train-eval --results-dir " + results
                + (cpu.threads() == null ? "" : " --threads " + cpu.threads());
        TrainingRun run = new TrainingRun(ds, config, options, new TrainingRun.Context(VersionProvider.version(),
                train, train + " --resume", out, spec.commandLine().getErr()));
        StepMemory.training(config, options, ds).requireFits();
        try (Backend backend = cpu.backend(spec.commandLine().getErr())) {
            CtrModel net = Models.create(config, backend, 12345L);
            r = run.run(net, Optimizers.create("adam", 0.01, 0));
        } catch (RunInterruptedException e) {
            // The run's shutdown hook has cleaned up and printed how to continue; the JVM is exiting.
            return ExitCode.INTERRUPTED.code();
        }
        out.printf("4/4 done in %.0f s: test AUC %.4f (exact %.4f), test loss %.4f%n", (System.nanoTime() - start) / 1e9,
                r.last().testAuc(), r.last().testAucExact(), r.last().testLoss());
        out.printf("%n  raw dump:    %s%n  dataset:     %s%n  metrics log: %s%n  report:      %s%n  weights:     %s%n",
                raw, data, r.metrics(), r.report(), r.lastCheckpoint().resolve("weights.safetensors"));
        out.printf("%nNext: open the report in a browser; evaluate with%n  sim4j evaluate --dataset %s --checkpoint %s%n",
                data, r.lastCheckpoint());
        return 0;
    }

    /** Checks every option before the work (synthesis and preprocessing take a while): usage, then the folder. */
    private ModelType validate() throws IOException {
        OptionChecks c = OptionChecks.of(spec);
        c.oneOf("--model", model.toLowerCase(java.util.Locale.ROOT), java.util.List.of("sim", "dien", "din"));
        c.atLeast("--users", users, MIN_USERS);
        c.positive("--epochs", epochs);
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new OutputException("--dir " + dir + " is not empty; give another --dir or remove it");
                }
            }
        }
        c.writableDir("--dir", dir);
        return ModelType.valueOf(model.toUpperCase(java.util.Locale.ROOT));
    }
}
