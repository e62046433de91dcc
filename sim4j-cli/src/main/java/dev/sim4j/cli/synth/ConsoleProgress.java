package dev.sim4j.cli.synth;

import dev.sim4j.preprocess.synth.SynthProgress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar per task; none when there is no console (pipes, tests, CI logs stay clean). */
final class ConsoleProgress implements SynthProgress, AutoCloseable {
    private ProgressBar bar;
    private String task;

    private ConsoleProgress() {
    }

    /** A progress bar, or null when {@code System.console()} is null. */
    static ConsoleProgress create() {
        return System.console() == null ? null : new ConsoleProgress();
    }

    @Override
    public synchronized void update(String task, long done, long total) {
        if (!task.equals(this.task)) {
            close();
            this.task = task;
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setUnit(task.equals("reviews") ? " users" : " items", 1).continuousUpdate().build();
        }
        bar.stepTo(done);
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
