package dev.sim4j.cli.train;

import dev.sim4j.cli.VersionProvider;
import dev.sim4j.data.dataset.Dataset;
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
import dev.sim4j.train.TrainingOptions;
import dev.sim4j.train.TrainingRun;
import dev.sim4j.train.optim.Optimizers;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sim4j quickstart}: the whole path on a small synthetic dump, in a few minutes on a laptop: synthesise,
 * preprocess, train SIM on the CPU, evaluate, write the report, and say where everything is.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Synthesise a small Amazon-style dump, preprocess it, train SIM on the CPU (2 epochs), evaluate it and "
                + "write the HTML report; prints where everything is.")
public final class QuickstartCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--dir", defaultValue = "sim4j-quickstart", paramLabel = "DIR",
            description = "Folder for everything (must not exist or be empty; default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(names = "--users", defaultValue = "1000", paramLabel = "N", description = "Synthetic users (default: ${DEFAULT-VALUE}).")
    private int users;

    @Option(names = "--epochs", defaultValue = "2", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int epochs;

    @Option(names = "--model", defaultValue = "sim", paramLabel = "MODEL", description = "sim, dien or din (default: ${DEFAULT-VALUE}).")
    private String model;

    @picocli.CommandLine.Mixin
    private CpuOptions cpu = new CpuOptions();

    @Override
    public Integer call() throws Exception {
        ModelType type;
        try {
            type = ModelType.valueOf(model.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--model must be sim, dien or din");
        }
        if (Files.isDirectory(dir)) {
            try (var s = Files.list(dir)) {
                if (s.findAny().isPresent()) {
                    throw new ParameterException(spec.commandLine(), dir + " is not empty; give another --dir or remove it");
                }
            }
        }
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
        try (CpuBackend backend = cpu.backend()) {
            CtrModel net = Models.create(ModelConfig.defaults(type, (int) stats.users(), (int) stats.items(),
                    (int) stats.categories()), backend, 12345L);
            TrainingOptions options = new TrainingOptions(epochs, 1024, 8192, 0.01, "adam", 0, 12345L, results,
                    results.resolve("checkpoints"), false, false);
            r = new TrainingRun(net, Optimizers.create("adam", 0.01, 0), ds, options, VersionProvider.version(), out).run();
        }
        out.printf("4/4 done in %.0f s: test AUC %.4f (exact %.4f), test loss %.4f%n", (System.nanoTime() - start) / 1e9,
                r.last().testAuc(), r.last().testAucExact(), r.last().testLoss());
        out.printf("%n  raw dump:    %s%n  dataset:     %s%n  metrics log: %s%n  report:      %s%n  weights:     %s%n",
                raw, data, r.metrics(), r.report(), r.lastCheckpoint().resolve("weights.safetensors"));
        out.printf("%nNext: open the report in a browser; evaluate with%n  sim4j evaluate --dataset %s --checkpoint %s%n",
                data, r.lastCheckpoint());
        return 0;
    }
}
