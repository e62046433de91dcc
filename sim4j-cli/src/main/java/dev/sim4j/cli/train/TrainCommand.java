package dev.sim4j.cli.train;

import dev.sim4j.cli.ExitCode;
import dev.sim4j.cli.OptionChecks;
import dev.sim4j.cli.VersionProvider;
import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.FeatureSpecValidator;
import dev.sim4j.data.spec.FeatureSpecYaml;
import dev.sim4j.data.spec.ModelChannels;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.layers.AugruForm;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelCheckpoint;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.train.StepMemory;
import dev.sim4j.train.CheckpointLocator;
import dev.sim4j.train.RunInterruptedException;
import dev.sim4j.train.Trainer;
import dev.sim4j.train.TrainingOptions;
import dev.sim4j.train.TrainingRun;
import dev.sim4j.train.optim.Optimizers;
import dev.sim4j.train.report.EpochRecord;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j train}: trains SIM, DIEN or DIN on a dataset on the CPU, with the reference's defaults. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train SIM, DIEN or DIN on a dataset's train mapping on the CPU; evaluate on test (and train) after "
                + "each epoch; write metrics.jsonl, report.html and one checkpoint per epoch.",
            "The reference's underscore spellings (--dataset_dir, --model_type, --global_batch_size, ...) work too; "
                + "its flags without a meaning here are refused with what to use instead (docs/training.md).",
            "Ctrl-C stops cleanly: the report of what finished is written and the command that continues "
                + "(--resume) is printed."})
public final class TrainCommand implements Callable<Integer> {
    /** The largest element count of one tensor: the CPU backend holds a tensor in one Java array. */
    static final long MAX_TENSOR = Integer.MAX_VALUE - 8;
    /** Below this many rows per pass a batch is too small to train with: the embedding size is what is too large. */
    private static final long MIN_SENSIBLE_BATCH = 64;

    @Spec
    private CommandSpec spec;

    @Option(names = {"--dataset", "--dataset_dir"}, required = true, paramLabel = "DIR", description = "Dataset folder (feature_spec.yaml).")
    private Path dataset;

    @Option(names = "--feature_spec", defaultValue = FeatureSpec.FILE_NAME, paramLabel = "FILE",
            description = "The feature spec file inside the dataset folder (default: ${DEFAULT-VALUE}).")
    private String featureSpec;

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

    @Option(names = {"--dropout", "--dropout_rate"}, defaultValue = "-1", paramLabel = "RATE", description = "Before each MLP's last layer: 0 <= RATE < 1; < 0 disables (default: ${DEFAULT-VALUE}).")
    private double dropout;

    @Option(names = "--augru-form", defaultValue = "code", paramLabel = "FORM", description = "code (the reference) or paper (default: ${DEFAULT-VALUE}).")
    private String augruForm;

    @Option(names = "--seed", defaultValue = "12345", paramLabel = "S", description = "Default: ${DEFAULT-VALUE}.")
    private long seed;

    @picocli.CommandLine.Mixin
    private DeviceOptions cpu = new DeviceOptions();

    @Option(names = {"--results-dir", "--results_dir"}, defaultValue = "results", paramLabel = "DIR",
            description = "metrics.jsonl, report.html and (by default) the checkpoints; must be empty or new, unless "
                    + "--resume or --overwrite (default: ${DEFAULT-VALUE}).")
    private Path resultsDir;

    @Option(names = {"--checkpoint-dir", "--checkpoint_dir", "--save_checkpoint_path"}, paramLabel = "DIR",
            description = "Default: RESULTS_DIR/checkpoints.")
    private Path checkpointDir;

    @Option(names = {"--init-weights", "--load_checkpoint_path"}, paramLabel = "CKPT",
            description = "Start from a checkpoint's weights instead of a seeded init: an epoch_N folder, a "
                    + "--checkpoint-dir or --results-dir (its newest epoch_N) or a weights.safetensors file.")
    private Path initWeights;

    @Option(names = "--no-train-eval", description = "Skip the evaluation on the whole train mapping after each epoch.")
    private boolean noTrainEval;

    @Option(names = "--resume", description = "Continue from the last checkpoint in the checkpoint folder (weights, "
            + "optimizer state, step count) with the next epoch; ends with the weights of an uninterrupted run. The "
            + "run's settings must be the checkpoint's (only --epochs may grow).")
    private boolean resume;

    @Option(names = "--overwrite", description = "Replace the run in --results-dir / --checkpoint-dir: its "
            + "metrics.jsonl, report.html and epoch_N checkpoints are removed first (other files are kept).")
    private boolean overwrite;

    @Option(names = {"--drop-remainder", "--drop_remainder"}, description = "Drop the last incomplete batch of every "
            + "epoch, as the reference's training does (the default).")
    private boolean dropRemainder;

    @Option(names = "--no-drop-remainder", description = "Train the last incomplete batch of every epoch as a smaller "
            + "step instead of dropping it.")
    private boolean noDropRemainder;

    @Option(names = {"--no-progress", "--no_progress"}, description = "No progress bar per epoch (it is drawn on "
            + "standard error only when there is a terminal).")
    private boolean noProgress;

    // The reference's main.py flags without a meaning for sim4j train: refused in validate() with what to use instead.
    @Option(names = "--mode", hidden = true)
    private String mode;
    @Option(names = "--benchmark", hidden = true)
    private boolean benchmark;
    @Option(names = "--benchmark_steps", hidden = true)
    private String benchmarkSteps;
    @Option(names = "--benchmark_warmup_steps", hidden = true)
    private String benchmarkWarmupSteps;
    @Option(names = "--log_filename", hidden = true)
    private String logFilename;
    @Option(names = "--affinity", hidden = true)
    private String affinity;
    @Option(names = "--repeat_count", hidden = true)
    private String repeatCount;
    @Option(names = {"--inter_op_parallelism", "--intra_op_parallelism"}, hidden = true)
    private String opParallelism;
    @Option(names = {"--prefetch_train_size", "--prefetch_test_size", "--train_dataset_size"}, hidden = true)
    private String prefetch;
    /** The reference's switch for its tf.data cache; sim4j never caches a dataset, so it holds already. */
    @Option(names = "--disable_cache", hidden = true)
    private boolean disableCache;

    /**
     * What {@link #validate()} found: everything the run needs, all checked.
     *
     * @param initWeights the checkpoint {@code --init-weights} stands for (null when not given)
     */
    private record Checked(Dataset dataset, ModelConfig config, TrainingOptions options, TrainingRun run,
                           TrainingRun.Plan plan, CheckpointLocator.Checkpoint initWeights) {
    }

    @Override
    public Integer call() {
        Checked c = validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelConfig config = c.config();
        TrainingRun.Plan plan = c.plan();
        if (!plan.finished() && plan.droppedRows() * 100 > plan.trainRows()) {
            err.printf("warning: %s %,d leaves the last %,d of the %,d train rows (%.1f %%) out of every epoch (the "
                            + "last incomplete batch is dropped, as in the reference); use --no-drop-remainder to "
                            + "train them as a smaller last batch, or a batch size that divides the rows more evenly%n",
                    checks().flag("--global-batch-size"), batchSize, plan.droppedRows(), plan.trainRows(),
                    100.0 * plan.droppedRows() / plan.trainRows());
            err.flush();
        }
        var finished = c.run().alreadyFinished();
        if (finished.isPresent()) {
            summary(out, finished.get());
            return 0;
        }
        if (!cpu.cuda()) {
            // The estimate is of the Java heap; on a GPU the step's tensors live in device memory.
            StepMemory.training(config, c.options(), c.dataset()).requireFits();
        }
        TrainingRun.Result r;
        try (Backend backend = cpu.backend(spec.commandLine().getErr())) {
            CtrModel net = Models.create(config, backend, seed);
            if (c.initWeights() != null) {
                try {
                    ModelCheckpoint.load(net, c.initWeights().weights());
                } catch (RuntimeException e) {
                    throw new DataException(c.initWeights().weights() + ": cannot start from these weights: "
                            + e.getMessage(), e);
                }
                out.println("starting from the weights of " + c.initWeights().message().replaceFirst("^checkpoint: ", ""));
            }
            if (!plan.finished()) {
                out.printf("training %s on %s: %,d users, %,d items, %,d categories; %,d train rows, batch %,d%s, "
                                + "%,d steps per epoch, %s lr %s, %d epoch(s)%n",
                        config.type().name().toLowerCase(Locale.ROOT), dataset, config.users(), config.items(),
                        config.categories(), plan.trainRows(), batchSize,
                        batchSize > microBatchSize ? " (micro-batches of " + microBatchSize + ")" : "",
                        plan.stepsPerEpoch(), optimizer, lr, epochs);
            }
            r = c.run().residentInput(cpu.residentInput()).hostReaders(cpu.hostReaders(c.dataset())).run(net, Optimizers.create(optimizer, lr, weightDecay));
        } catch (RunInterruptedException e) {
            // The run's shutdown hook has cleaned up and printed how to continue; the JVM is exiting.
            return ExitCode.INTERRUPTED.code();
        }
        summary(out, r);
        return 0;
    }

    /**
     * Checks every option, once and before any work: values (usage errors naming the flag as typed), then the dataset
     * (bad data), the options that depend on it (history length, tensor sizes), then the output folders (empty or
     * this run's, writable). Returns the checked run.
     */
    private Checked validate() {
        OptionChecks c = checks();
        cpu.checkFlags();
        refuseReferenceOnlyFlags(c);
        c.oneOf("--model", model.toLowerCase(Locale.ROOT), List.of("sim", "dien", "din"));
        c.oneOf("--augru-form", augruForm.toLowerCase(Locale.ROOT), List.of("code", "paper"));
        c.oneOf("--optimizer", optimizer, Optimizers.NAMES);
        c.positive("--epochs", epochs);
        c.positive("--global-batch-size", batchSize);
        c.positive("--micro-batch-size", microBatchSize);
        c.positive("--eval-batch-size", evalBatchSize);
        c.finitePositive("--lr", lr);
        c.finiteNonNegative("--weight-decay", weightDecay);
        c.positive("--embedding-dim", embeddingDim);
        c.positiveSizes("--stage-one-mlp", stageOneMlp);
        c.positiveSizes("--stage-two-mlp", stageTwoMlp);
        c.positiveSizes("--aux-mlp", auxMlp);
        c.finite("--dropout", dropout);
        if (dropout >= 1) {
            throw c.fail("--dropout", "a rate must be below 1 (0 <= RATE < 1; a negative value disables dropout), got "
                    + dropout);
        }
        if (dropRemainder && noDropRemainder) {
            throw c.fail("--no-drop-remainder", "contradicts " + c.flag("--drop-remainder") + "; give one of them");
        }
        if (resume && overwrite) {
            throw c.fail("--overwrite", "contradicts --resume: --resume continues the run in the folder, --overwrite "
                    + "replaces it; give one of them");
        }
        if (resume && initWeights != null) {
            throw c.fail("--init-weights", "contradicts --resume, which starts from the last checkpoint's weights; give "
                    + "one of them");
        }
        if (checkpointDir != null && checkpointDir.toString().isEmpty()) {
            throw c.fail("--checkpoint-dir", "give a folder (sim4j always writes one checkpoint per epoch)");
        }
        Dataset ds = openDataset(c);
        CheckpointLocator.Checkpoint init = null;
        if (initWeights != null) {
            try {
                init = CheckpointLocator.locate(initWeights);
            } catch (DataException e) {
                throw new DataException(c.flag("--init-weights") + " " + e.getMessage(), e);
            }
        }
        ModelConfig config = modelConfig(c, ds);
        TrainingOptions options = trainingOptions();
        TrainingRun run = new TrainingRun(ds, config, options, new TrainingRun.Context(VersionProvider.version(),
                commandLine(List.of()), resumeCommand(), spec.commandLine().getOut(), spec.commandLine().getErr()));
        TrainingRun.Plan plan = run.prepare();
        // The whole global batch is read and uploaded at once: its [B, L + T] id columns must fit one array too.
        long rows = Math.min(batchSize, plan.trainRows());
        if (rows * config.historyLength() > MAX_TENSOR) {
            throw c.fail("--global-batch-size", String.format(Locale.ROOT, "%,d rows of %,d history ids would need "
                    + "%,d values in one array, more than it can hold (%,d); choose at most %,d", rows,
                    config.historyLength(), rows * config.historyLength(), MAX_TENSOR,
                    MAX_TENSOR / config.historyLength()));
        }
        c.writableDir("--results-dir", resultsDir);
        c.writableDir("--checkpoint-dir", options.checkpointDir());
        return new Checked(ds, config, options, run, plan, init);
    }

    private OptionChecks checks() {
        return OptionChecks.of(spec);
    }

    /** The reference's flags that make no sense for sim4j train: a usage error saying what to use instead. */
    private void refuseReferenceOnlyFlags(OptionChecks c) {
        if (benchmark || benchmarkSteps != null || benchmarkWarmupSteps != null || "inference".equals(mode)) {
            String flag = benchmark ? "--benchmark" : benchmarkSteps != null ? "--benchmark_steps"
                    : benchmarkWarmupSteps != null ? "--benchmark_warmup_steps" : "--mode";
            throw c.fail(flag, "sim4j train only trains; time steps with sim4j benchmark instead: " + benchmarkCommand());
        }
        if (mode != null && !mode.equals("train")) {
            throw c.fail("--mode", "must be train (the reference's default) or inference, got '" + mode + "'");
        }
        if (logFilename != null && !logFilename.equals("metrics.jsonl")) {
            throw c.fail("--log_filename", "sim4j always writes RESULTS_DIR/metrics.jsonl (JSON lines with the "
                    + "reference's keys); choose the folder with --results-dir");
        }
        if (affinity != null) {
            throw c.fail("--affinity", "sim4j pins no threads to GPUs or sockets; choose the CPU threads with --threads");
        }
        if (repeatCount != null) {
            throw c.fail("--repeat_count", "use --epochs to train over the rows more than once");
        }
        if (opParallelism != null) {
            throw c.fail("--inter_op_parallelism", "use --threads N (the CPU backend's threads)");
        }
        if (prefetch != null) {
            throw c.fail("--prefetch_train_size", "not needed: sim4j's data pipeline prefetches batches on its own "
                    + "thread and counts the train rows itself");
        }
    }

    /** The sim4j benchmark command that does what the reference's benchmark flags ask for. */
    private String benchmarkCommand() {
        List<String> b = new ArrayList<>(List.of("sim4j", "benchmark", "--dataset", dataset.toString(), "--model",
                model, "--mode", "inference".equals(mode) ? "inference" : "train", "--batch-size",
                Integer.toString(batchSize)));
        if (benchmarkWarmupSteps != null) {
            b.addAll(List.of("--warmup-steps", benchmarkWarmupSteps));
        }
        if (benchmarkSteps != null) {
            b.addAll(List.of("--steps", benchmarkSteps));
        }
        return quote(b);
    }

    /** Opens the dataset through its feature spec (feature_spec.yaml, or the --feature_spec file in the folder). */
    private Dataset openDataset(OptionChecks c) {
        if (featureSpec.equals(FeatureSpec.FILE_NAME)) {
            return Dataset.open(dataset);
        }
        Path name = Path.of(featureSpec);
        if (name.isAbsolute() || name.getNameCount() != 1) {
            throw c.fail("--feature_spec", "the name of a spec file inside the dataset folder (as in the reference), "
                    + "got " + featureSpec + "; give the folder with --dataset");
        }
        Path file = dataset.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw c.fail("--feature_spec", file + ": no such file in the dataset folder");
        }
        FeatureSpec s = FeatureSpecYaml.read(file);
        FeatureSpecValidator.requireValid(s, dataset);
        return new Dataset(dataset, s);
    }

    /**
     * The model configuration the flags ask for on this dataset: the sequence lengths must fit its histories, and
     * every tensor the model and a training step allocate must fit one Java array (a usage error naming the flag
     * that makes it too large).
     */
    private ModelConfig modelConfig(OptionChecks c, Dataset ds) {
        ModelChannels ch = ds.channels();
        int users = (int) cardinality(ch.user().getFirst().cardinality(), "user");
        int items = (int) cardinality(ch.targetItem().getFirst().cardinality(), "item");
        int cats = (int) cardinality(ch.targetItem().get(1).cardinality(), "category");
        int history = ch.historyLength();
        if (longSeqLength < 1 || longSeqLength > history - 2) {
            throw c.fail("--long-seq-length", "must be between 1 and " + (history - 2) + " for this dataset (its "
                    + "histories hold " + history + " items: the long part, then at least 2 short ones), got "
                    + longSeqLength);
        }
        if (topK < 1 || topK > longSeqLength) {
            throw c.fail("--top-k", "must be between 1 and the long sequence length " + longSeqLength + " ("
                    + c.flag("--long-seq-length") + "), got " + topK);
        }
        ModelType type = ModelType.valueOf(model.toUpperCase(Locale.ROOT));
        checkSizes(c, type, Math.max(users, Math.max(items, cats)) + 1L, history);
        return new ModelConfig(type, embeddingDim, stageOneMlp, stageTwoMlp, auxMlp, longSeqLength, topK, history,
                dropout, AugruForm.valueOf(augruForm.toUpperCase(Locale.ROOT)), users, items, cats);
    }

    /**
     * Every tensor must fit in {@link #MAX_TENSOR} elements: the embedding tables (rows x E), the dense kernels
     * (in x out, the DIEN block's growing with (6E)^2) and a batch's activations (rows x the widest per-row tensor:
     * the history vectors [L + T, 2E], for SIM and DIEN the attention input over the short part [T, 4H]).
     */
    private void checkSizes(OptionChecks c, ModelType type, long tableRows, int history) {
        long e = embeddingDim;
        long h = 6 * e;
        boolean dien = type != ModelType.DIN;
        if (tableRows * e > MAX_TENSOR) {
            throw c.fail("--embedding-dim", String.format(Locale.ROOT, "%,d: the largest embedding table would hold "
                    + "%,d x %,d = %,d values, more than one tensor can hold (%,d); choose at most %,d", e, tableRows,
                    e, tableRows * e, MAX_TENSOR, MAX_TENSOR / tableRows));
        }
        if (dien && 2 * h * 2 * h > MAX_TENSOR) {
            throw c.fail("--embedding-dim", String.format(Locale.ROOT, "%,d: the DIEN block's AUGRU kernel [2H, 2H] "
                    + "with H = 6E would hold %,d values, more than one tensor can hold (%,d); choose at most %,d", e,
                    2 * h * 2 * h, MAX_TENSOR, (long) Math.sqrt(MAX_TENSOR / 144.0)));
        }
        long stageTwoIn = switch (type) {
            case SIM -> 3 * 2 * e + h + e;
            case DIEN -> 2 * e + h + e;
            case DIN -> 2 * 2 * e + e;
        };
        checkMlp(c, "--stage-two-mlp", stageTwoIn, stageTwoMlp);
        if (type == ModelType.SIM) {
            checkMlp(c, "--stage-one-mlp", 2 * 2 * e + e, stageOneMlp);
        }
        if (dien) {
            checkMlp(c, "--aux-mlp", h + 2 * e, auxMlp);
        }
        long perRow = history * 2 * e;
        if (dien) {
            perRow = Math.max(perRow, (history - longSeqLength) * 4 * h);
        }
        for (List<Integer> sizes : List.of(stageOneMlp, stageTwoMlp, auxMlp)) {
            for (int s : sizes) {
                perRow = Math.max(perRow, s);
            }
        }
        long micro = Math.min(microBatchSize, batchSize);
        // Blame the embedding size when not even a small batch would fit, the batch size otherwise.
        if (perRow * Math.min(micro, MIN_SENSIBLE_BATCH) > MAX_TENSOR) {
            throw c.fail("--embedding-dim", String.format(Locale.ROOT, "%,d: a batch's activations would need "
                    + "%,d values per row, so at most %,d rows would fit one tensor (%,d values); choose a smaller "
                    + "embedding dim", e, perRow, MAX_TENSOR / perRow, MAX_TENSOR));
        }
        if (micro * perRow > MAX_TENSOR) {
            throw c.fail(batchSize <= microBatchSize ? "--global-batch-size" : "--micro-batch-size",
                    String.format(Locale.ROOT, "%,d rows would need activations of %,d x %,d values, more than one "
                            + "tensor can hold (%,d); choose at most %,d rows per pass", micro, micro, perRow,
                            MAX_TENSOR, MAX_TENSOR / perRow));
        }
        if ((long) evalBatchSize * perRow > MAX_TENSOR) {
            throw c.fail("--eval-batch-size", String.format(Locale.ROOT, "%,d rows would need activations of %,d x "
                    + "%,d values, more than one tensor can hold (%,d); choose at most %,d", evalBatchSize,
                    evalBatchSize, perRow, MAX_TENSOR, MAX_TENSOR / perRow));
        }
    }

    private static void checkMlp(OptionChecks c, String flag, long in, List<Integer> sizes) {
        long width = in;
        for (int s : sizes) {
            if (width * s > MAX_TENSOR) {
                throw c.fail(flag, String.format(Locale.ROOT, "a layer of %,d x %,d = %,d weights is more than one "
                        + "tensor can hold (%,d); choose smaller sizes (or a smaller --embedding-dim)", width, s,
                        width * s, MAX_TENSOR));
            }
            width = s;
        }
    }

    /** The training options the flags ask for; IllegalArgumentException when they are out of range. */
    TrainingOptions trainingOptions() {
        return new TrainingOptions(epochs, batchSize, evalBatchSize, lr, optimizer, weightDecay, seed, resultsDir,
                checkpointDir != null ? checkpointDir : resultsDir.resolve("checkpoints"), !noTrainEval, resume,
                !noProgress, microBatchSize, !noDropRemainder, overwrite, featureSpec);
    }

    /** This command line as typed ({@code sim4j train ...}), without the arguments in {@code leaveOut}. */
    private String commandLine(List<String> leaveOut) {
        List<String> args = new ArrayList<>();
        var pr = spec.commandLine().getParseResult();
        List<String> typed = pr != null ? pr.originalArgs() : List.of();
        if (typed.isEmpty() || !typed.contains("train")) {
            args.add("train");
        }
        for (int i = 0; i < typed.size(); i++) {
            String a = typed.get(i);
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (leaveOut.contains(name)) {
                boolean takesValue = !a.contains("=") && spec.findOption(name) != null
                        && spec.findOption(name).arity().max() > 0;
                if (takesValue) {
                    i++;
                }
                continue;
            }
            args.add(a);
        }
        List<String> all = new ArrayList<>(List.of("sim4j"));
        all.addAll(args);
        return quote(all);
    }

    /** The command that continues this run: the same one, with --resume instead of --overwrite or --init-weights. */
    private String resumeCommand() {
        String c = commandLine(List.of("--overwrite", "--resume", "--init-weights", "--load_checkpoint_path"));
        return c + " --resume";
    }

    private static String quote(List<String> words) {
        List<String> out = new ArrayList<>();
        for (String w : words) {
            out.add(w.matches("[A-Za-z0-9_./:=,@%+-]+") ? w : "'" + w.replace("'", "'\\''") + "'");
        }
        return String.join(" ", out);
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
        if (r.summary() != null) {
            out.printf("  all %d epoch(s): time to train %.1f s (training only, as the reference counts it), "
                    + "%,.0f samples/s mean%n", r.summary().epochs(), r.summary().timeToTrain(), r.summary().throughput());
        }
        if (last != null) {
            if (last.trainAuc() != null) {
                out.printf("  train:      AUC %.4f (exact %.4f), loss %.4f%n", last.trainAuc(), last.trainAucExact(),
                        last.trainLoss());
            } else if (!Double.isNaN(r.classificationLoss())) {
                out.printf("  train:      not evaluated (--no-train-eval); train loss %.4f%s (mean batch loss of the "
                                + "last epoch)%n", r.classificationLoss(),
                        r.auxLoss() == null ? "" : String.format(Locale.ROOT, ", aux loss %.4f", r.auxLoss()));
            }
            out.printf("  test:       AUC %.4f (exact %.4f), loss %.4f%n", last.testAuc(), last.testAucExact(),
                    last.testLoss());
        }
        if (r.epochsTrained() == 0) {
            out.printf("  nothing left to train: the checkpoints already cover --epochs %d; to train longer, resume "
                    + "with a larger --epochs%n", epochs);
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
