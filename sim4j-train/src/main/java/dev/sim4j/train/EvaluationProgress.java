package dev.sim4j.train;

import dev.sim4j.data.dataset.Dataset;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;

/**
 * The progress bar of one evaluation pass on the terminal (standard error): task {@code eval <mapping>}, rows scored
 * out of the mapping's rows, elapsed and remaining time and rows per second, e.g.
 * {@code eval test  40% [================>                        ] 0.40M/1.00M 0:05<0:07 81,234 rows/s}, laid out by
 * {@link ProgressLine}. Like {@link EpochProgress} it shows nothing when disabled or without a terminal (and then does
 * not count the mapping's rows either). Feed it as the {@link ModelEvaluation.Listener} of
 * {@link ModelEvaluation#evaluate(dev.sim4j.model.sim.CtrModel, Dataset, String, int,
 * dev.sim4j.train.metrics.Evaluator, ModelEvaluation.Listener)}; close it when the pass ends.
 */
public final class EvaluationProgress implements ModelEvaluation.Listener, AutoCloseable {
    private final ProgressBar bar;
    private final long startNanos = System.nanoTime();

    private EvaluationProgress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * A bar for scoring every row of {@code mapping}, or one that shows nothing when {@code enabled} is false or there
     * is no terminal.
     */
    public static EvaluationProgress start(boolean enabled, Dataset dataset, String mapping) {
        if (!enabled || !ProgressLine.onTerminal()) {
            return new EvaluationProgress(null);
        }
        return new EvaluationProgress(ProgressLine.start("eval " + mapping, dataset.countRows(mapping)));
    }

    /** Whether this one draws anything. */
    boolean visible() {
        return bar != null;
    }

    @Override
    public void rowsScored(long rows) {
        if (bar != null) {
            bar.stepTo(rows);
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            bar.setExtraMessage(message(seconds > 0 ? rows / seconds : 0));
        }
    }

    /** The text after the bar: the scoring rate. */
    static String message(double rowsPerSecond) {
        return String.format(Locale.ROOT, "%,.0f rows/s", rowsPerSecond);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
