package dev.sim4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sim4j.data.DataException;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.checkpoint.ModelWeights;
import dev.sim4j.model.checkpoint.NamedArray;
import dev.sim4j.model.checkpoint.SafetensorsReader;
import dev.sim4j.model.checkpoint.SafetensorsWriter;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelCheckpoint;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.train.metrics.Evaluator;
import dev.sim4j.train.metrics.Metrics;
import dev.sim4j.train.optim.LossScaleOptimizer;
import dev.sim4j.train.optim.Optimizer;
import dev.sim4j.train.report.EpochRecord;
import dev.sim4j.train.report.EvaluationRecord;
import dev.sim4j.train.report.HtmlReport;
import dev.sim4j.train.report.Latency;
import dev.sim4j.train.report.LogContents;
import dev.sim4j.train.report.MetricsLog;
import dev.sim4j.train.report.MetricsLogException;
import dev.sim4j.train.report.MetricsLogReader;
import dev.sim4j.train.report.RunRecord;
import dev.sim4j.train.report.SummaryRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A whole training run: per epoch, train, evaluate (test, and train when asked), log the reference's metrics,
 * write a checkpoint; at the end a summary record and the HTML report. Checkpoints go to
 * {@code checkpointDir/epoch_N/} ({@code weights.safetensors}, {@code optimizer.safetensors}, {@code provenance.json})
 * through a temporary folder renamed into place, so there is never a half-written checkpoint.
 *
 * <p>{@link #prepare()} checks, before any model exists and before anything is written, what the run will do: the
 * batch size against the train rows, and the folders: a fresh run needs empty ones (or {@code overwrite}, which
 * removes the previous run's files and nothing else); a resume needs the checkpoint's provenance and the log's run
 * record to match the settings asked for. {@link #run} then trains. While it runs, a shutdown hook turns Ctrl-C or
 * SIGTERM into a clean stop: no temporary checkpoint left, the report of what finished written, and the command that
 * continues printed.
 */
public final class TrainingRun {
    private final Dataset dataset;
    private final ModelConfig config;
    private final TrainingOptions options;
    private final Context context;
    private final Provenance provenance = new Provenance();
    private final Path metricsFile;
    private final Path reportFile;
    private Plan plan;
    private ObjectNode settings;
    private boolean residentInput;
    private int hostReaders = 1;
    /** Open during {@link #train}, when batches are built on the backend; else null. */
    private ResidentSequences resident;
    /** The last epoch checkpointed by this run or the one it resumed (read by the shutdown hook). */
    private volatile int checkpointed;

    /**
     * Where a run reports and how it names itself.
     *
     * @param version       the sim4j version, written into the checkpoints and the log
     * @param command       the command line as typed, for the log's run record
     * @param resumeCommand the command that continues this run, printed when it is interrupted
     * @param out           progress and results
     * @param err           warnings and the interruption notice
     */
    public record Context(String version, String command, String resumeCommand, PrintWriter out, PrintWriter err) {
    }

    /**
     * What a run will do, known before any model exists.
     *
     * @param trainRows     rows of the train mapping
     * @param stepsPerEpoch optimizer steps per epoch
     * @param droppedRows   rows left out of every epoch (the last incomplete batch, when it is dropped)
     * @param resumeAfter   the epoch of the checkpoint a resume continues after (0: the run starts at epoch 1)
     * @param finished      a resume with nothing left to train: the checkpoints already cover the epochs asked for
     * @param toRemove      the previous run's files that {@code overwrite} removes before training
     */
    public record Plan(long trainRows, long stepsPerEpoch, long droppedRows, int resumeAfter, boolean finished,
                       List<Path> toRemove) {
        public Plan {
            toRemove = List.copyOf(toRemove);
        }
    }

    /**
     * The final epoch's record and where the results are.
     *
     * @param last               the last epoch's record (null when no epoch was ever trained)
     * @param metrics            the metrics log
     * @param report             the HTML report
     * @param lastCheckpoint     the last epoch's checkpoint folder (null when there is none)
     * @param seconds            wall time of this call, evaluations and checkpoints included
     * @param epochsTrained      epochs this call trained (fewer than asked for after a resume; 0 when nothing was left)
     * @param throughput         mean training samples per second over those epochs (0 when none)
     * @param classificationLoss mean per-batch classification loss of the last epoch trained (NaN when none)
     * @param auxLoss            mean per-batch auxiliary loss of that epoch; null for DIN or when none was trained
     * @param summary            the run's summary record over all its epochs, those before a resume included (null
     *                           when no epoch was ever trained)
     */
    public record Result(EpochRecord last, Path metrics, Path report, Path lastCheckpoint, double seconds,
                         int epochsTrained, double throughput, double classificationLoss, Double auxLoss,
                         SummaryRecord summary) {
    }

    public TrainingRun(Dataset dataset, ModelConfig config, TrainingOptions options, Context context) {
        this.dataset = dataset;
        this.config = config;
        this.options = options;
        this.context = context;
        this.metricsFile = options.resultsDir().resolve(RunFolders.METRICS);
        this.reportFile = options.resultsDir().resolve(RunFolders.REPORT);
    }

    /**
     * Builds the batches on the model's backend from the dataset's sequence store ({@link ResidentSequences}) when
     * the train and test mappings are rebuilt from one (the same rows, so the same weights and metrics); otherwise,
     * and by default, the data pipeline reads them on the host. A GPU run turns this on: there the host cannot
     * materialise the rows as fast as the device trains on them.
     */
    public TrainingRun residentInput(boolean on) {
        residentInput = on;
        return this;
    }

    /** Reads host batches on {@code threads} background threads (see {@link Trainer#hostReaders}). */
    public TrainingRun hostReaders(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("reader threads must be at least 1, not " + threads);
        }
        hostReaders = threads;
        return this;
    }

    /**
     * Checks what can be checked without a model and without writing anything, once: the dataset fits the model, the
     * batch size fits the train rows, the folders are empty or this run's. Throws {@link DataException} (data, batch
     * size) or {@link OutputException} (folders; a resume whose settings differ, with the differences listed).
     */
    public Plan prepare() {
        if (plan != null) {
            return plan;
        }
        BatchTensors.requireCompatible(dataset.channels(), config, dataset.dir().toString());
        long rows = dataset.countRows("train");
        int batch = options.batchSize();
        if (rows == 0) {
            throw new DataException(dataset.dir() + ": the train mapping has no rows; nothing to train on");
        }
        if (options.dropRemainder() && batch > rows) {
            throw new DataException(dataset.dir() + ": the batch size " + batch + " is larger than the " + rows
                    + " rows of the train mapping (the last incomplete batch is dropped, so nothing would be "
                    + "trained); choose --global-batch-size <= " + rows + ", or --no-drop-remainder to train them as "
                    + "one smaller batch");
        }
        long steps = options.dropRemainder() ? rows / batch : (rows + batch - 1) / batch;
        long dropped = options.dropRemainder() ? rows % batch : 0;
        settings = provenance.settings(config, options, dataset.dir(), specHash());
        RunFolders.Contents contents = RunFolders.scan(options.resultsDir(), options.checkpointDir());
        int resumeAfter = 0;
        List<Path> toRemove = List.of();
        if (options.resume()) {
            resumeAfter = checkResume(contents);
        } else if (!contents.isEmpty()) {
            if (!options.overwrite()) {
                throw notEmpty(contents);
            }
            toRemove = contents.own();
        }
        plan = new Plan(rows, steps, dropped, resumeAfter, options.resume() && resumeAfter >= options.epochs(),
                toRemove);
        return plan;
    }

    private OutputException notEmpty(RunFolders.Contents c) {
        Path results = options.resultsDir();
        String where = "--results-dir " + results
                + (options.checkpointDir().toAbsolutePath().normalize().startsWith(results.toAbsolutePath().normalize())
                ? "" : " / --checkpoint-dir " + options.checkpointDir());
        if (!c.own().isEmpty()) {
            return new OutputException(where + " already holds another run (" + RunFolders.names(results, c.own(), 6)
                    + "); choose a new folder, add --resume to continue that run, or --overwrite to replace it "
                    + "(only sim4j's own files are removed"
                    + (c.others().isEmpty() ? "" : "; other files are kept: " + RunFolders.names(results, c.others(), 4))
                    + ")");
        }
        return new OutputException(where + " is not empty (" + RunFolders.names(results, c.others(), 6)
                + "); choose an empty or new folder, or --overwrite to write this run's files beside them (they are "
                + "kept)");
    }

    /**
     * The last complete checkpoint a resume continues after (0: none, the run starts again), once its provenance and
     * the log's run record are found to match the settings asked for.
     */
    private int checkResume(RunFolders.Contents contents) {
        List<String> differences = new ArrayList<>();
        int last = contents.lastComplete();
        Path source = null;
        if (last > 0) {
            source = contents.checkpoints().get(last).resolve("provenance.json");
            JsonNode saved;
            try {
                saved = provenance.read(source);
            } catch (IOException e) {
                throw new OutputException(source + ": cannot read the checkpoint's provenance (" + e.getMessage()
                        + "); --resume needs it to check the run's settings", e);
            }
            Provenance.differences(saved, settings).forEach(d -> differences.add(d.describe("in the checkpoint")));
        }
        Optional<RunRecord> logged = loggedRun();
        if (logged.isPresent()) {
            if (source == null) {
                source = metricsFile;
            }
            for (Provenance.Difference d : Provenance.differences(provenance.tree(logged.get()),
                    provenance.tree(runRecord()))) {
                if (differences.stream().noneMatch(x -> x.startsWith(d.setting() + ":"))) {
                    differences.add(d.describe("in " + RunFolders.METRICS));
                }
            }
        }
        if (!differences.isEmpty()) {
            throw new OutputException("--resume: " + source + " was trained with other settings than this command "
                    + "asks for:\n  " + String.join("\n  ", differences) + "\nresume with the run's settings (only "
                    + "--epochs may grow), or start a new run in another --results-dir (or --overwrite this one)");
        }
        return last;
    }

    private Optional<RunRecord> loggedRun() {
        if (!Files.isRegularFile(metricsFile)) {
            return Optional.empty();
        }
        try {
            List<RunRecord> runs = new MetricsLogReader().read(metricsFile).runs();
            return runs.isEmpty() ? Optional.empty() : Optional.of(runs.getFirst());
        } catch (MetricsLogException e) {
            throw new OutputException(metricsFile + ": not a readable metrics log (" + e.getMessage() + "); "
                    + "--resume continues a run from its own log; use another --results-dir or --overwrite", e);
        }
    }

    /** The log's first record: what this run is, its hyperparameters under the reference's names where it has one. */
    private RunRecord runRecord() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("epochs", options.epochs());
        h.put("global_batch_size", options.batchSize());
        h.put("micro_batch_size", options.microBatchSize());
        h.put("learning_rate", options.learningRate());
        h.put("optimizer", options.optimizer());
        h.put("weight_decay", options.weightDecay());
        h.put("embedding_dim", config.embeddingDim());
        h.put("stage_one_mlp", config.stageOneMlp());
        h.put("stage_two_mlp", config.stageTwoMlp());
        h.put("aux_mlp", config.auxMlp());
        h.put("long_seq_length", config.longLength());
        h.put("top_k", config.topK());
        h.put("dropout", config.dropout());
        h.put("augru_form", config.augruForm().name().toLowerCase(Locale.ROOT));
        h.put("drop_remainder", options.dropRemainder());
        return new RunRecord(config.type().name().toLowerCase(Locale.ROOT), context.version(),
                dataset.dir().toAbsolutePath().normalize().toString(), options.seed(), context.command(), h);
    }

    /** Trains {@code model} (built from this run's configuration) with {@code optimizer}, as {@link #prepare} planned. */
    public Result run(CtrModel model, Optimizer requested) {
        if (!model.config().equals(config)) {
            throw new IllegalArgumentException("the model's configuration is not the run's: " + model.config());
        }
        // float16 activations train with dynamic loss scaling, as the reference's mixed precision does.
        Optimizer optimizer = LossScaleOptimizer.whereNeeded(requested,
                model.parameters().all().getFirst().value().backend());
        Plan p = prepare();
        long start = System.nanoTime();
        Optional<Result> untouched = alreadyFinished();
        if (untouched.isPresent()) {
            return untouched.get();
        }
        try (ShutdownGuard guard = new ShutdownGuard(this::interrupted)) {
            try {
                return train(model, optimizer, p, guard, start);
            } catch (TrainingDivergedException e) {
                writeReportAfter(guard);
                throw diverged(e, optimizer);
            }
        }
    }

    /**
     * For a resume with nothing left to train whose log has its summary: the run as it is, left untouched (no model
     * needed). Empty otherwise; a finished run that did not get as far as its summary is completed by {@link #run}.
     */
    public Optional<Result> alreadyFinished() {
        long start = System.nanoTime();
        if (!prepare().finished()) {
            return Optional.empty();
        }
        LogContents log = Files.isRegularFile(metricsFile) ? new MetricsLogReader().read(metricsFile) : null;
        if (log == null || log.summary().isEmpty()) {
            return Optional.empty();
        }
        List<EpochRecord> epochs = log.epochs();
        EpochRecord last = epochs.isEmpty() ? null : epochs.getLast();
        return Optional.of(new Result(last, metricsFile, reportFile, checkpoint(plan.resumeAfter()),
                (System.nanoTime() - start) / 1e9, 0, 0, Double.NaN, null, log.summary().get()));
    }

    private Result train(CtrModel model, Optimizer optimizer, Plan p, ShutdownGuard guard, long start) {
        PrintWriter out = context.out();
        if (!p.toRemove().isEmpty()) {
            guard.atomically(() -> {
                List<Path> removed = RunFolders.clear(p.toRemove());
                out.printf("--overwrite: removed the previous run's %s%n",
                        RunFolders.names(options.resultsDir(), removed, 12));
            });
        }
        mkdirs(options.resultsDir());
        Trainer trainer = new Trainer(model, optimizer, options.microBatchSize()).hostReaders(hostReaders);
        if (residentInput) {
            Backend be = model.parameters().all().getFirst().value().backend();
            resident = ResidentSequences.open(dataset, be, config, "train", "test").orElse(null);
            if (resident != null) {
                context.err().printf("input: rows built on %s from %s%n", be.name(), resident.storeFile());
            } else {
                context.err().printf("input: rows read on the host (%s is not one sequence store for train and "
                        + "test)%n", dataset.dir());
            }
            context.err().flush();
            trainer.residentInput(resident);
        }
        try {
            return trainEpochs(model, optimizer, trainer, p, guard, start);
        } finally {
            trainer.residentInput(null);
            if (resident != null) {
                resident.close();
                resident = null;
            }
        }
    }

    private Result trainEpochs(CtrModel model, Optimizer optimizer, Trainer trainer, Plan p, ShutdownGuard guard,
                               long start) {
        PrintWriter out = context.out();
        List<EpochRecord> epochs = new ArrayList<>();
        int done = p.resumeAfter();
        long step = 0;
        if (done > 0) {
            guard.atomically(() -> {
                load(model, optimizer, done);
                cutLog(done);
            });
            checkpointed = done;
            step = optimizer.steps();
            if (Files.isRegularFile(metricsFile)) {
                epochs.addAll(new MetricsLogReader().read(metricsFile).epochs());
            }
            out.printf("resuming after epoch %d (%,d optimizer steps) from %s%n", done, step, checkpoint(done));
        } else if (options.resume()) {
            out.printf("nothing to resume from in %s: starting at epoch 1%n", options.checkpointDir());
        }
        EpochRecord last = epochs.isEmpty() ? null : epochs.getLast();
        // A batch larger than the rows (kept, not dropped) is one batch of all rows: read it as that, not as
        // buffers for rows that do not exist.
        int batch = (int) Math.min(options.batchSize(), p.trainRows());
        double throughputSum = 0;
        double classificationLoss = Double.NaN;
        Double auxLoss = null;
        SummaryRecord summary = null;
        // A resumed run keeps its log's run record; one resumed without its log starts a new log with one.
        boolean newLog = done == 0 || !Files.isRegularFile(metricsFile);
        try (MetricsLog log = newLog ? MetricsLog.create(metricsFile) : MetricsLog.append(metricsFile)) {
            if (newLog) {
                log.write(runRecord());
            }
            for (int epoch = done + 1; epoch <= options.epochs(); epoch++) {
                guard.check();
                Trainer.EpochResult r;
                try (EpochProgress progress = EpochProgress.start(options.progress(), epoch, options.epochs(),
                        p.stepsPerEpoch())) {
                    Trainer.StepListener listener = (steps, samples, loss, sps) -> {
                        guard.check();
                        progress.stepDone(steps, samples, loss, sps);
                    };
                    r = trainer.trainEpoch(dataset, "train", batch, options.dropRemainder(), epoch, step, log, 1,
                            listener);
                }
                classificationLoss = r.meanClassificationLoss();
                auxLoss = config.type() == ModelType.DIN ? null : r.meanAuxLoss();
                step += r.steps();
                Metrics train = null;
                if (options.evaluateTrain()) {
                    guard.check();
                    train = evaluate(model, "train", epoch, log);
                }
                guard.check();
                Metrics test = evaluate(model, "test", epoch, log);
                EpochRecord record = EpochRecord.of(epoch, r.samplesPerSecond(), r.seconds(), train, test,
                        latency(r.stepMillis()));
                log.write(record);
                epochs.add(record);
                last = record;
                throughputSum += r.samplesPerSecond();
                int e = epoch;
                guard.atomically(() -> writeCheckpoint(model, optimizer, e, record));
                checkpointed = epoch;
                out.printf("epoch %d/%d: %,.0f samples/s, %.1f s, train loss %.4f%s, test loss %.4f, test AUC %.4f "
                                + "(exact %.4f)%n", epoch, options.epochs(), r.samplesPerSecond(), r.seconds(),
                        classificationLoss, auxLoss == null ? "" : String.format(Locale.ROOT, ", aux loss %.4f", auxLoss),
                        test.loss(), test.auc(), test.exactAuc());
                out.flush();
            }
            if (last != null) {
                summary = summary(epochs, last);
            }
            SummaryRecord s = summary;
            guard.finish(() -> {
                if (s != null) {
                    log.write(s);
                }
                writeReport();
            });
        }
        int trained = Math.max(0, options.epochs() - done);
        return new Result(last, metricsFile, reportFile, checkpoint(checkpointed), (System.nanoTime() - start) / 1e9,
                trained, trained > 0 ? throughputSum / trained : 0, classificationLoss, auxLoss, summary);
    }

    /**
     * The reference's summary over all the run's epochs: {@code time_to_train} is the sum of the epochs' training
     * times (as the reference computes it; evaluation excluded), the throughput the mean of theirs, including epochs
     * trained before a resume.
     */
    private static SummaryRecord summary(List<EpochRecord> epochs, EpochRecord last) {
        double time = 0;
        double throughput = 0;
        int n = 0;
        for (EpochRecord e : epochs) {
            if (e.time() != null) {
                time += e.time();
            }
            if (e.throughput() != null) {
                throughput += e.throughput();
                n++;
            }
        }
        return SummaryRecord.of(time, n > 0 ? throughput / n : 0, last);
    }

    /** Runs in the shutdown hook: no temporary files left, the report of what finished, how to continue. */
    private void interrupted() {
        PrintWriter err = context.err();
        String report;
        try {
            deleteTemporaries();
            if (Files.isRegularFile(metricsFile)) {
                writeReport();
                report = "the report of what finished is " + reportFile;
            } else {
                report = "nothing was logged yet";
            }
        } catch (RuntimeException | IOException e) {
            report = "could not write the report (" + e.getMessage() + ")";
        }
        int epoch = checkpointed;
        err.println();
        err.println("interrupted; continue with --resume:");
        err.println("  " + context.resumeCommand());
        err.println(epoch > 0 ? (epoch == 1 ? "epoch 1 is" : "epochs 1-" + epoch + " are") + " checkpointed ("
                + checkpoint(epoch) + "); " + report
                : "no epoch had finished, so the resume starts at epoch 1; " + report);
        err.flush();
    }

    private void deleteTemporaries() throws IOException {
        RunFolders.Contents c = RunFolders.scan(options.resultsDir(), options.checkpointDir());
        for (Path p : c.own()) {
            if (p.getFileName().toString().startsWith(".")) {
                RunFolders.deleteTree(p);
            }
        }
    }

    private void writeReportAfter(ShutdownGuard guard) {
        try {
            guard.atomically(this::writeReport);
        } catch (RunInterruptedException e) {
            throw e;
        } catch (RuntimeException e) {
            context.err().println("warning: could not write " + reportFile + ": " + e.getMessage());
        }
    }

    private TrainingDivergedException diverged(TrainingDivergedException e, Optimizer optimizer) {
        int good = checkpointed;
        String lower = "a lower --lr (e.g. " + options.learningRate() / 10 + ")";
        String next = good > 0
                ? "The last good checkpoint, " + checkpoint(good) + " (epoch " + good + "), is kept. Train again with "
                + lower + " and --overwrite, or start from its weights with --init-weights "
                + checkpoint(good).resolve("weights.safetensors") + " in a new --results-dir."
                : "No epoch had finished, so there is no checkpoint. Train again with " + lower + " and --overwrite.";
        return new TrainingDivergedException("training diverged: the loss became " + e.loss() + " at step "
                + e.step() + " (epoch " + e.epoch() + " of " + options.epochs() + ") with learning rate "
                + options.learningRate() + " (" + optimizer.name() + "); stopped there. " + next + " " + reportFile
                + " shows the losses up to there.", e.step(), e.epoch(), e.loss());
    }

    private void writeReport() {
        new HtmlReport("sim4j training: " + config.type().name().toLowerCase(Locale.ROOT) + " on "
                + dataset.dir().getFileName()).write(metricsFile, reportFile);
    }

    private Path checkpoint(int epoch) {
        return epoch > 0 ? options.checkpointDir().resolve("epoch_" + epoch) : null;
    }

    /** Loads epoch {@code epoch}'s weights, optimizer moments and step count. */
    private void load(CtrModel model, Optimizer optimizer, int epoch) {
        Path dir = checkpoint(epoch);
        ModelCheckpoint.load(model, dir.resolve("weights.safetensors"));
        var saved = SafetensorsReader.read(dir.resolve("optimizer.safetensors"));
        if (!optimizer.name().equals(saved.metadata().get("optimizer"))) {
            throw new DataException(dir + ": the checkpoint was trained with " + saved.metadata().get("optimizer")
                    + ", this run asks for " + optimizer.name() + "; resume with --optimizer "
                    + saved.metadata().get("optimizer"));
        }
        Backend be = model.parameters().all().getFirst().value().backend();
        Map<String, Tensor> state = optimizer.state(model.parameters());
        for (var e : state.entrySet()) {
            var array = saved.tensors().get(e.getKey());
            if (array == null && e.getKey().startsWith("loss_scale.")) {
                throw new DataException(dir.resolve("optimizer.safetensors") + ": no tensor " + e.getKey()
                        + ": the checkpoint was trained without float16 loss scaling; resume it with the precision "
                        + "flags it was trained with (--amp without --amp-dtype fp16, or no --amp)");
            }
            if (array == null) {
                throw new DataException(dir.resolve("optimizer.safetensors") + ": no tensor " + e.getKey());
            }
            be.write(e.getValue(), array.toFloats());
        }
        optimizer.restoreSteps(Long.parseLong(saved.metadata().get("steps")));
    }

    /**
     * Cuts the metrics log back to the end of epoch {@code epoch} (its epoch record), dropping the records of an
     * epoch that was interrupted and a summary; the run record at its top stays.
     */
    private void cutLog(int epoch) {
        if (!Files.isRegularFile(metricsFile)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(metricsFile);
            ObjectMapper json = new ObjectMapper();
            int keep = 0;
            for (int i = 0; i < lines.size(); i++) {
                JsonNode n;
                try {
                    n = json.readTree(lines.get(i));
                } catch (IOException e) {
                    continue; // a line cut off by a kill
                }
                if (n == null || !n.isObject()) {
                    continue;
                }
                String type = n.path("type").asText();
                if ((type.equals("run") && keep == 0) || (type.equals("epoch") && n.path("epoch").asInt() == epoch)) {
                    keep = i + 1;
                }
            }
            Path tmp = metricsFile.resolveSibling("." + metricsFile.getFileName() + ".tmp");
            Files.write(tmp, lines.subList(0, keep));
            Files.move(tmp, metricsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new OutputException(metricsFile + ": cannot rewrite for the resumed run: " + e.getMessage(), e);
        }
    }

    private Metrics evaluate(CtrModel model, String mapping, int epoch, MetricsLog log) {
        Evaluator ev;
        try (EvaluationProgress bar = EvaluationProgress.start(options.progress(), dataset, mapping)) {
            ev = ModelEvaluation.evaluate(model, dataset, mapping, options.evalBatchSize(), new Evaluator(), bar,
                    resident, hostReaders);
        }
        Metrics m = ev.metrics();
        log.write(EvaluationRecord.of(epoch, mapping, m, ev.roc()));
        return m;
    }

    private static Latency latency(double[] ms) {
        if (ms.length == 0) {
            return null;
        }
        double[] s = ms.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0);
        return new Latency(mean, percentile(s, 0.90), percentile(s, 0.95), percentile(s, 0.99));
    }

    private static double percentile(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private void writeCheckpoint(CtrModel model, Optimizer optimizer, int epoch, EpochRecord metrics) {
        Path dir = checkpoint(epoch);
        Path tmp = options.checkpointDir().resolve(".epoch_" + epoch + ".tmp");
        boolean moved = false;
        try {
            RunFolders.deleteTree(tmp);
            Files.createDirectories(tmp);
            ModelCheckpoint.save(model, tmp.resolve("weights.safetensors"), context.version());
            Backend be = model.parameters().all().getFirst().value().backend();
            Map<String, Tensor> state = optimizer.state(model.parameters());
            Map<String, NamedArray> arrays = new LinkedHashMap<>();
            state.forEach((name, t) -> arrays.put(name, NamedArray.ofFloats(be.toFloats(t), t.shape())));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("optimizer", optimizer.name());
            meta.put("steps", Long.toString(optimizer.steps()));
            meta.put(ModelWeights.SIM4J_VERSION, context.version());
            SafetensorsWriter.write(tmp.resolve("optimizer.safetensors"), meta, arrays);
            provenance.write(tmp.resolve("provenance.json"), settings, context.version(), epoch, optimizer.steps(),
                    metrics);
            if (Files.exists(dir)) {
                // Only a resume that re-trains an epoch gets here (a fresh run starts in empty folders).
                for (String f : RunFolders.CHECKPOINT_FILES) {
                    Files.deleteIfExists(dir.resolve(f));
                }
                Files.delete(dir);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } catch (IOException e) {
            throw new OutputException(dir + ": cannot write the checkpoint: " + e.getMessage(), e);
        } finally {
            if (!moved) {
                try {
                    RunFolders.deleteTree(tmp);
                } catch (IOException e) {
                    context.err().println("warning: could not remove " + tmp + ": " + e.getMessage());
                }
            }
        }
    }

    private String specHash() {
        Path file = dataset.dir().resolve(options.featureSpec());
        try {
            return specHash(file);
        } catch (IOException e) {
            throw new DataException(file + ": cannot read the feature spec: " + e.getMessage(), e);
        }
    }

    /** The SHA-256 of a feature spec file, as provenance.json records it. */
    static String specHash(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new OutputException(dir + ": cannot create: " + e.getMessage(), e);
        }
    }
}
