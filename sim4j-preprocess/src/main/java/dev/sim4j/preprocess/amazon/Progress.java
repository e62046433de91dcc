package dev.sim4j.preprocess.amazon;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on the terminal (MB and lines per second, ETA), or nothing when output is not a terminal. */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final long startNanos = System.nanoTime();

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress of(boolean enabled, String task, long totalBytes) {
        if (!enabled || System.console() == null) {
            return new Progress(null);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(Math.max(1, totalBytes))
                .setUnit(" MB", 1 << 20)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
        return new Progress(bar);
    }

    void update(long bytes, long lines) {
        if (bar != null) {
            bar.stepTo(bytes);
            double seconds = Math.max(1e-3, (System.nanoTime() - startNanos) / 1e9);
            bar.setExtraMessage(String.format(" %,d lines, %,.0f lines/s", lines, lines / seconds));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
