package dev.sim4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.checkpoint.ModelWeights;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelCheckpoint;
import dev.sim4j.train.metrics.Evaluator;
import dev.sim4j.train.metrics.Metrics;
import dev.sim4j.train.optim.Optimizer;
import dev.sim4j.train.report.EpochRecord;
import dev.sim4j.train.report.EvaluationRecord;
import dev.sim4j.train.report.HtmlReport;
import dev.sim4j.train.report.Latency;
import dev.sim4j.train.report.MetricsLog;
import dev.sim4j.train.report.SummaryRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A whole training run: per epoch, train, evaluate (test, and train when asked), log the reference's metrics,
 * write a checkpoint; at the end a summary record and the HTML report. Checkpoints go to
 * {@code checkpointDir/epoch_N/} ({@code weights.safetensors}, {@code optimizer.safetensors}, {@code provenance.json})
 * through a temporary folder renamed into place, so there is never a half-written checkpoint.
 */
public final class TrainingRun {
    private final CtrModel model;
    private final Optimizer optimizer;
    private final Dataset dataset;
    private final TrainingOptions options;
    private final String version;
    private final PrintWriter out;

    /**
     * The final epoch's record and where the results are.
     *
     * @param last           the last epoch's record (null when a resumed run had no epoch left to train)
     * @param metrics        the metrics log
     * @param report         the HTML report
     * @param lastCheckpoint the last epoch's checkpoint folder (null when nothing was trained or resumed)
     * @param seconds        wall time of the whole run, evaluations and checkpoints included
     * @param epochsTrained  epochs this run trained (fewer than asked for after a resume)
     * @param throughput     mean training samples per second over those epochs (0 when none)
     * @param trainBatchLoss mean per-batch total loss of the last epoch trained (NaN when none)
     */
    public record Result(EpochRecord last, Path metrics, Path report, Path lastCheckpoint, double seconds,
                         int epochsTrained, double throughput, double trainBatchLoss) {
    }

    public TrainingRun(CtrModel model, Optimizer optimizer, Dataset dataset, TrainingOptions options, String version,
                       PrintWriter out) {
        this.model = model;
        this.optimizer = optimizer;
        this.dataset = dataset;
        this.options = options;
        this.version = version;
        this.out = out;
    }

    public Result run() {
        BatchTensors.requireCompatible(dataset.channels(), model.config(), dataset.dir().toString());
        long trainRows = dataset.countRows("train");
        if (options.batchSize() > trainRows) {
            throw new DataException(dataset.dir() + ": the batch size " + options.batchSize() + " is larger than the "
                    + trainRows + " rows of the train mapping (the last incomplete batch is dropped, so nothing would be "
                    + "trained); choose --global-batch-size <= " + trainRows);
        }
        mkdirs(options.resultsDir());
        Path metricsFile = options.resultsDir().resolve("metrics.jsonl");
        long start = System.nanoTime();
        Trainer trainer = new Trainer(model, optimizer, options.microBatchSize());
        EpochRecord last = null;
        Path lastCheckpoint = null;
        double throughputSum = 0;
        double trainBatchLoss = Double.NaN;
        long stepsPerEpoch = trainRows / options.batchSize();
        long step = 0;
        int done = 0;
        if (options.resume()) {
            done = resume(metricsFile);
            if (done > 0) {
                lastCheckpoint = options.checkpointDir().resolve("epoch_" + done);
                step = optimizer.steps();
                out.printf("resuming after epoch %d (%,d optimizer steps) from %s%n", done, step, lastCheckpoint);
            }
        }
        try (MetricsLog log = done > 0 ? MetricsLog.append(metricsFile) : MetricsLog.create(metricsFile)) {
            for (int epoch = done + 1; epoch <= options.epochs(); epoch++) {
                Trainer.EpochResult r;
                try (EpochProgress progress = EpochProgress.start(options.progress(), epoch, options.epochs(),
                        stepsPerEpoch)) {
                    r = trainer.trainEpoch(dataset, "train", options.batchSize(), epoch, step, log, 1, progress);
                }
                trainBatchLoss = r.meanTotalLoss();
                step += r.steps();
                Metrics train = null;
                if (options.evaluateTrain()) {
                    train = evaluate("train", epoch, log);
                }
                Metrics test = evaluate("test", epoch, log);
                last = EpochRecord.of(epoch, r.samplesPerSecond(), r.seconds(), train, test, latency(r.stepMillis()));
                log.write(last);
                throughputSum += r.samplesPerSecond();
                lastCheckpoint = checkpoint(epoch, last);
                out.printf("epoch %d/%d: %,.0f samples/s, %.1f s, train loss %.4f, test AUC %.4f (exact %.4f), test loss %.4f%n",
                        epoch, options.epochs(), r.samplesPerSecond(), r.seconds(), r.meanTotalLoss(), test.auc(),
                        test.exactAuc(), test.loss());
                out.flush();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (last != null) {
                log.write(SummaryRecord.of(seconds, throughputSum / (options.epochs() - done), last));
            }
        }
        Path report = options.resultsDir().resolve("report.html");
        new HtmlReport("sim4j training: " + model.config().type().name().toLowerCase(java.util.Locale.ROOT) + " on " + dataset.dir().getFileName()).write(metricsFile, report);
        int trained = options.epochs() - done;
        return new Result(last, metricsFile, report, lastCheckpoint, (System.nanoTime() - start) / 1e9,
                Math.max(0, trained), trained > 0 ? throughputSum / trained : 0, trainBatchLoss);
    }

    /**
     * Loads the last complete checkpoint (weights, optimizer moments and step count) and cuts the metrics log back to
     * the end of that epoch, dropping the steps of an epoch that was interrupted. Returns the epoch to continue after
     * (0: nothing to resume from).
     */
    private int resume(Path metricsFile) {
        int last = 0;
        if (Files.isDirectory(options.checkpointDir())) {
            try (Stream<Path> s = Files.list(options.checkpointDir())) {
                for (Path p : s.toList()) {
                    String name = p.getFileName().toString();
                    if (name.matches("epoch_\\d+") && Files.isRegularFile(p.resolve("optimizer.safetensors"))) {
                        last = Math.max(last, Integer.parseInt(name.substring(6)));
                    }
                }
            } catch (IOException e) {
                throw new DataException(options.checkpointDir() + ": cannot list: " + e.getMessage(), e);
            }
        }
        if (last == 0) {
            return 0;
        }
        Path dir = options.checkpointDir().resolve("epoch_" + last);
        ModelCheckpoint.load(model, dir.resolve("weights.safetensors"));
        var saved = dev.sim4j.model.checkpoint.SafetensorsReader.read(dir.resolve("optimizer.safetensors"));
        if (!optimizer.name().equals(saved.metadata().get("optimizer"))) {
            throw new DataException(dir + ": the checkpoint was trained with " + saved.metadata().get("optimizer")
                    + ", this run asks for " + optimizer.name() + "; resume with --optimizer "
                    + saved.metadata().get("optimizer"));
        }
        Backend be = model.parameters().all().getFirst().value().backend();
        Map<String, Tensor> state = optimizer.state(model.parameters());
        for (var e : state.entrySet()) {
            var array = saved.tensors().get(e.getKey());
            if (array == null) {
                throw new DataException(dir.resolve("optimizer.safetensors") + ": no tensor " + e.getKey());
            }
            be.write(e.getValue(), array.toFloats());
        }
        optimizer.restoreSteps(Long.parseLong(saved.metadata().get("steps")));
        cutLog(metricsFile, last);
        return last;
    }

    private static void cutLog(Path metricsFile, int epoch) {
        if (!Files.isRegularFile(metricsFile)) {
            return;
        }
        try {
            java.util.List<String> lines = Files.readAllLines(metricsFile);
            int keep = 0;
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.contains("\"type\":\"epoch\"") && l.contains("\"epoch\":" + epoch + ",")) {
                    keep = i + 1;
                }
            }
            Path tmp = metricsFile.resolveSibling("." + metricsFile.getFileName() + ".tmp");
            Files.write(tmp, lines.subList(0, keep));
            Files.move(tmp, metricsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DataException(metricsFile + ": cannot rewrite for the resumed run: " + e.getMessage(), e);
        }
    }

    private Metrics evaluate(String mapping, int epoch, MetricsLog log) {
        Evaluator ev = ModelEvaluation.evaluate(model, dataset, mapping, options.evalBatchSize(), new Evaluator());
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

    private Path checkpoint(int epoch, EpochRecord metrics) {
        Path dir = options.checkpointDir().resolve("epoch_" + epoch);
        Path tmp = options.checkpointDir().resolve(".epoch_" + epoch + ".tmp");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            ModelCheckpoint.save(model, tmp.resolve("weights.safetensors"), version);
            Backend be = model.parameters().all().getFirst().value().backend();
            Map<String, Tensor> state = optimizer.state(model.parameters());
            Map<String, dev.sim4j.model.checkpoint.NamedArray> arrays = new LinkedHashMap<>();
            state.forEach((name, t) -> arrays.put(name, dev.sim4j.model.checkpoint.NamedArray.ofFloats(be.toFloats(t), t.shape())));
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("optimizer", optimizer.name());
            meta.put("steps", Long.toString(optimizer.steps()));
            meta.put(ModelWeights.SIM4J_VERSION, version);
            dev.sim4j.model.checkpoint.SafetensorsWriter.write(tmp.resolve("optimizer.safetensors"), meta, arrays);
            writeProvenance(tmp.resolve("provenance.json"), epoch, metrics);
            deleteTree(dir);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            return dir;
        } catch (IOException e) {
            throw new DataException(dir + ": cannot write the checkpoint: " + e.getMessage(), e);
        }
    }

    private void writeProvenance(Path file, int epoch, EpochRecord metrics) throws IOException {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("sim4j_version", version);
        p.put("model", model.config());
        p.put("epoch", epoch);
        p.put("options", Map.of("epochs", options.epochs(), "batch_size", options.batchSize(), "eval_batch_size",
                options.evalBatchSize(), "learning_rate", options.learningRate(), "optimizer", options.optimizer(),
                "weight_decay", options.weightDecay(), "seed", options.seed()));
        p.put("optimizer_steps", optimizer.steps());
        p.put("dataset", dataset.dir().toAbsolutePath().toString());
        p.put("dataset_spec_sha256", specHash(dataset.dir().resolve(FeatureSpec.FILE_NAME)));
        p.put("metrics", metrics);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), p);
    }

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
            throw new DataException(dir + ": cannot create: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
