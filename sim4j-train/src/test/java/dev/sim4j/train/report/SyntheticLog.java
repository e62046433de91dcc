package dev.sim4j.train.report;

import dev.sim4j.train.metrics.Evaluator;
import dev.sim4j.train.metrics.Metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A plausible three-epoch SIM run, generated from a seed, for the log and report tests. */
final class SyntheticLog {
    private SyntheticLog() {
    }

    static List<LogRecord> records(long seed) {
        Random rnd = new Random(seed);
        List<LogRecord> out = new ArrayList<>();
        int stepsPerEpoch = 40;
        double throughput = 0;
        EpochRecord last = null;
        for (int epoch = 1; epoch <= 3; epoch++) {
            for (int s = 0; s < stepsPerEpoch; s++) {
                long step = (long) (epoch - 1) * stepsPerEpoch + s + 1;
                double cls = 0.45 + 0.25 * Math.exp(-step / 30.0) + 0.01 * rnd.nextGaussian();
                double aux = 1.2 + 0.3 * Math.exp(-step / 20.0) + 0.02 * rnd.nextGaussian();
                out.add(new StepRecord(step, epoch, cls, aux, cls + aux, 1.1e6 + 5e4 * rnd.nextGaussian()));
            }
            Metrics train = evaluate(rnd, 0.8 + 0.3 * epoch);
            Metrics test = evaluate(rnd, 0.7 + 0.25 * epoch);
            Evaluator forRoc = new Evaluator();
            feed(forRoc, rnd, 0.7 + 0.25 * epoch);
            out.add(EvaluationRecord.of(epoch, "test", test, forRoc.roc()));
            double tp = 1.05e6 + 2e4 * epoch;
            throughput += tp;
            last = EpochRecord.of(epoch, tp, 120.5 - epoch, train, test, new Latency(118.2, 121.9, 123.4, 130.7));
            out.add(last);
        }
        out.add(SummaryRecord.of(400.25, throughput / 3, last));
        return out;
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
