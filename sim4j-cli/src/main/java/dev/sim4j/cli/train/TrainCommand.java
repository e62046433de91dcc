package dev.sim4j.cli.train;

import dev.sim4j.cli.VersionProvider;
import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.spec.ModelChannels;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.layers.AugruForm;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelCheckpoint;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.train.Trainer;
import dev.sim4j.train.TrainingOptions;
import dev.sim4j.train.TrainingRun;
import dev.sim4j.train.optim.Optimizers;
import dev.sim4j.train.report.EpochRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code sim4j train}: trains SIM, DIEN or DIN on a dataset on the CPU, with the reference's defaults. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train SIM, DIEN or DIN on a dataset's train mapping on the CPU; evaluate on test (and train) after "
                + "each epoch; write metrics.jsonl, report.html and one checkpoint per epoch.",
            "The reference's underscore spellings (--dataset_dir, --model_type, --global_batch_size, ...) work too."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"--dataset", "--dataset_dir"}, required = true, paramLabel = "DIR", description = "Dataset folder (feature_spec.yaml).")
    private Path dataset;

    @Option(names = {"--model", "--model_type"}, defaultValue = "sim", paramLabel = "MODEL", description = "sim, dien or din (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = "--epochs", defaultValue = "3", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int epochs;

    @Option(names = {"--global-batch-size", "--global_batch_size"}, defaultValue = "131072", paramLabel = "N",
            description = "Rows per training step (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Option(names = {"--micro-batch-size", "--micro_batch_size"}, defaultValue = "" + Trainer.DEFAULT_MICRO_BATCH,
            paramLabel = "N", description = "Rows per forward/backward pass; a larger global batch runs as several "
            + "passes whose gradients are averaged before one optimizer update, so it fits in memory "
            + "(default: ${DEFAULT-VALUE}).")
    private int microBatchSize;

    @Option(names = {"--eval-batch-size", "--eval_batch_size"}, defaultValue = "8192", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int evalBatchSize;

    @Option(names = {"--lr", "--learning_rate"}, defaultValue = "0.01", paramLabel = "LR", description = "Default: ${DEFAULT-VALUE}.")
    private double lr;

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "NAME", description = "adam, lazy_adam or sgd (default: ${DEFAULT-VALUE}).")
    private String optimizer;

    @Option(names = {"--weight-decay", "--weight_decay"}, defaultValue = "0", paramLabel = "W", description = "Default: ${DEFAULT-VALUE}.")
    private double weightDecay;

    @Option(names = {"--embedding-dim", "--embedding_dim"}, defaultValue = "16", paramLabel = "E", description = "Default: ${DEFAULT-VALUE}.")
    private int embeddingDim;

    @Option(names = {"--stage-one-mlp", "--stage_one_mlp_dims"}, defaultValue = "200", split = ",", paramLabel = "SIZES", description = "Default: ${DEFAULT-VALUE}.")
    private List<Integer> stageOneMlp;

    @Option(names = {"--stage-two-mlp", "--stage_two_mlp_dims"}, defaultValue = "200,80", split = ",", paramLabel = "SIZES", description = "Default: ${DEFAULT-VALUE}.")
    private List<Integer> stageTwoMlp;

    @Option(names = {"--aux-mlp", "--aux_mlp_dims"}, defaultValue = "100,50", split = ",", paramLabel = "SIZES", description = "Default: ${DEFAULT-VALUE}.")
    private List<Integer> auxMlp;

    @Option(names = {"--long-seq-length", "--long_seq_length"}, defaultValue = "90", paramLabel = "L", description = "Default: ${DEFAULT-VALUE}.")
    private int longSeqLength;

    @Option(names = {"--top-k", "--top_k"}, defaultValue = "50", paramLabel = "K", description = "Default: ${DEFAULT-VALUE}.")
    private int topK;

    @Option(names = "--dropout", defaultValue = "-1", paramLabel = "RATE", description = "Before each MLP's last layer; < 0 disables (default: ${DEFAULT-VALUE}).")
    private double dropout;

    @Option(names = "--augru-form", defaultValue = "code", paramLabel = "FORM", description = "code (the reference) or paper (default: ${DEFAULT-VALUE}).")
    private String augruForm;

    @Option(names = "--seed", defaultValue = "12345", paramLabel = "S", description = "Default: ${DEFAULT-VALUE}.")
    private long seed;

    @picocli.CommandLine.Mixin
    private CpuOptions cpu = new CpuOptions();

    @Option(names = {"--results-dir", "--results_dir"}, defaultValue = "results", paramLabel = "DIR", description = "Default: ${DEFAULT-VALUE}.")
    private Path resultsDir;

    @Option(names = {"--checkpoint-dir", "--checkpoint_dir"}, paramLabel = "DIR", description = "Default: RESULTS_DIR/checkpoints.")
    private Path checkpointDir;

    @Option(names = "--init-weights", paramLabel = "FILE", description = "Start from these safetensors weights instead of a seeded init.")
    private Path initWeights;

    @Option(names = "--no-train-eval", description = "Skip the evaluation on the whole train mapping after each epoch.")
    private boolean noTrainEval;

    @Option(names = "--resume", description = "Continue from the last checkpoint in the checkpoint folder (weights, "
            + "optimizer state, step count) with the next epoch; ends with the weights of an uninterrupted run.")
    private boolean resume;

    @Option(names = {"--no-progress", "--no_progress"}, description = "No progress bar per epoch (it is drawn on "
            + "standard error only when there is a terminal).")
    private boolean noProgress;

    @Override
    public Integer call() {
        ModelType type;
        AugruForm form;
        try {
            type = ModelType.valueOf(model.toUpperCase(Locale.ROOT));
            form = AugruForm.valueOf(augruForm.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--model must be sim, dien or din and --augru-form code or paper");
        }
        if (!Optimizers.NAMES.contains(optimizer)) {
            throw new ParameterException(spec.commandLine(), "--optimizer must be one of " + Optimizers.NAMES);
        }
        Dataset ds = Dataset.open(dataset);
        ModelChannels ch = ds.channels();
        int users = (int) cardinality(ch.user().getFirst().cardinality(), "user");
        int items = (int) cardinality(ch.targetItem().getFirst().cardinality(), "item");
        int cats = (int) cardinality(ch.targetItem().get(1).cardinality(), "category");
        ModelConfig config;
        TrainingOptions options;
        try {
            config = new ModelConfig(type, embeddingDim, stageOneMlp, stageTwoMlp, auxMlp, longSeqLength, topK,
                    ch.historyLength(), dropout, form, users, items, cats);
            options = trainingOptions();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        try (CpuBackend backend = cpu.backend()) {
            CtrModel net = Models.create(config, backend, seed);
            if (initWeights != null) {
                try {
                    ModelCheckpoint.load(net, dev.sim4j.train.CheckpointLocator.locate(initWeights).weights());
                } catch (RuntimeException e) {
                    throw new DataException(initWeights + ": cannot start from these weights: " + e.getMessage(), e);
                }
            }
            out.printf("training %s on %s: %,d users, %,d items, %,d categories; batch %,d%s, %s lr %s, %d epoch(s)%n",
                    model, dataset, users, items, cats, batchSize,
                    batchSize > microBatchSize ? " (micro-batches of " + microBatchSize + ")" : "", optimizer, lr,
                    epochs);
            TrainingRun.Result r = new TrainingRun(net, Optimizers.create(optimizer, lr, weightDecay), ds, options,
                    VersionProvider.version(), out).run();
            summary(out, r);
        }
        return 0;
    }

    /** The training options the flags ask for; IllegalArgumentException when they are out of range. */
    TrainingOptions trainingOptions() {
        return new TrainingOptions(epochs, batchSize, evalBatchSize, lr, optimizer, weightDecay, seed, resultsDir,
                checkpointDir != null ? checkpointDir : resultsDir.resolve("checkpoints"), !noTrainEval, resume,
                !noProgress, microBatchSize);
    }

    /** The human summary at the end: what was trained, how fast, how well, and where the results are. */
    private void summary(PrintWriter out, TrainingRun.Result r) {
        EpochRecord last = r.last();
        out.printf("%ndone in %.1f s: %s, %d epoch(s) trained", r.seconds(), model.toLowerCase(Locale.ROOT),
                r.epochsTrained());
        if (r.epochsTrained() > 0) {
            out.printf(", %,.0f samples/s mean", r.throughput());
        }
        out.println();
        if (last != null) {
            if (last.trainAuc() != null) {
                out.printf("  train:      AUC %.4f (exact %.4f), loss %.4f%n", last.trainAuc(), last.trainAucExact(),
                        last.trainLoss());
            } else if (!Double.isNaN(r.trainBatchLoss())) {
                out.printf("  train:      not evaluated (--no-train-eval); mean batch loss in the last epoch %.4f%n",
                        r.trainBatchLoss());
            }
            out.printf("  test:       AUC %.4f (exact %.4f), loss %.4f%n", last.testAuc(), last.testAucExact(),
                    last.testLoss());
        } else {
            out.printf("  nothing left to train: the checkpoints already cover --epochs %d%n", epochs);
        }
        out.printf("  metrics:    %s%n  report:     %s%n", r.metrics(), r.report());
        if (r.lastCheckpoint() != null) {
            out.printf("  checkpoint: %s (weights.safetensors)%n", r.lastCheckpoint());
        }
        out.flush();
    }

    private long cardinality(java.util.OptionalLong c, String what) {
        return c.orElseThrow(() -> new DataException(dataset + ": the " + what + " feature has no cardinality"));
    }
}
