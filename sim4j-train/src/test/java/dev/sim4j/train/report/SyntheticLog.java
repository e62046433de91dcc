package dev.sim4j.train.report;

import dev.sim4j.train.metrics.Evaluator;
import dev.sim4j.train.metrics.Metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A plausible three-epoch run, generated from a seed, for the log and report tests: by default SIM with a run
 * record, train and test evaluations after every epoch and none before training; the setters change that.
 */
final class SyntheticLog {
    private final long seed;
    private String model = "sim";
    private boolean runRecord = true;
    private boolean trainEval = true;
    private boolean evaluateBeforeTraining;

    SyntheticLog(long seed) {
        this.seed = seed;
    }

    /** The default run's records. */
    static List<LogRecord> records(long seed) {
        return new SyntheticLog(seed).records();
    }

    /** sim, dien or din; DIN logs no auxiliary loss. */
    SyntheticLog model(String name) {
        this.model = name;
        return this;
    }

    /** Whether the log starts with a run record (logs of sim4j before it had one do not). */
    SyntheticLog runRecord(boolean on) {
        this.runRecord = on;
        return this;
    }

    /** Whether the train mapping is evaluated after each epoch (off: {@code --no-train-eval}). */
    SyntheticLog trainEval(boolean on) {
        this.trainEval = on;
        return this;
    }

    /** Whether the log has evaluations at epoch 0, before the first step. */
    SyntheticLog evaluateBeforeTraining(boolean on) {
        this.evaluateBeforeTraining = on;
        return this;
    }

    /** The run record the log starts with: values typed as Jackson reads them back. */
    RunRecord run() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("epochs", 3);
        h.put("global_batch_size", 131072);
        h.put("micro_batch_size", 4096);
        h.put("learning_rate", 0.01);
        h.put("optimizer", "adam");
        h.put("weight_decay", 0.0);
        h.put("embedding_dim", 16);
        h.put("stage_two_mlp", List.of(200, 80));
        h.put("dropout", -1.0);
        h.put("drop_remainder", true);
        return new RunRecord(model, "0.1.0", "/data/amazon <books> & co", 12345L,
                "sim4j train --dataset '/data/amazon <books> & co' --model " + model, h);
    }

    List<LogRecord> records() {
        Random rnd = new Random(seed);
        boolean aux = !"din".equals(model);
        List<LogRecord> out = new ArrayList<>();
        if (runRecord) {
            out.add(run());
        }
        if (evaluateBeforeTraining) {
            Metrics test = evaluate(rnd, 0.0);
            if (trainEval) {
                out.add(EvaluationRecord.of(0, "train", evaluate(rnd, 0.0), roc(rnd, 0.0)));
            }
            out.add(EvaluationRecord.of(0, "test", test, roc(rnd, 0.0)));
        }
        int stepsPerEpoch = 40;
        double throughput = 0;
        EpochRecord last = null;
        for (int epoch = 1; epoch <= 3; epoch++) {
            for (int s = 0; s < stepsPerEpoch; s++) {
                long step = (long) (epoch - 1) * stepsPerEpoch + s + 1;
                double cls = 0.45 + 0.25 * Math.exp(-step / 30.0) + 0.01 * rnd.nextGaussian();
                Double auxLoss = aux ? 1.2 + 0.3 * Math.exp(-step / 20.0) + 0.02 * rnd.nextGaussian() : null;
                out.add(new StepRecord(step, epoch, cls, auxLoss, cls + (aux ? auxLoss : 0),
                        1.1e6 + 5e4 * rnd.nextGaussian()));
            }
            Metrics train = trainEval ? evaluate(rnd, 0.8 + 0.3 * epoch) : null;
            Metrics test = evaluate(rnd, 0.7 + 0.25 * epoch);
            out.add(EvaluationRecord.of(epoch, "test", test, roc(rnd, 0.7 + 0.25 * epoch)));
            double tp = 1.05e6 + 2e4 * epoch;
            throughput += tp;
            last = EpochRecord.of(epoch, tp, 120.5 - epoch, train, test, new Latency(118.2, 121.9, 123.4, 130.7));
            out.add(last);
        }
        out.add(SummaryRecord.of(400.25, throughput / 3, last));
        return out;
    }

    private static dev.sim4j.train.metrics.RocCurve roc(Random rnd, double separation) {
        Evaluator forRoc = new Evaluator();
        feed(forRoc, rnd, separation);
        return forRoc.roc();
    }

    private static Metrics evaluate(Random rnd, double separation) {
        Evaluator e = new Evaluator();
        feed(e, rnd, separation);
        return e.metrics();
    }

    private static void feed(Evaluator e, Random rnd, double separation) {
        int n = 4000;
        float[] logits = new float[n];
        float[] probs = new float[n];
        float[] labels = new float[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rnd.nextBoolean() ? 1 : 0;
            logits[i] = (float) (rnd.nextGaussian() + separation * (labels[i] - 0.5));
            probs[i] = (float) (1 / (1 + Math.exp(-logits[i])));
        }
        e.add(logits, probs, labels);
    }
}
