package dev.sim4j.train;

import java.io.Console;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

/**
 * The one-line layout of sim4j's terminal progress bars, e.g.
 * {@code epoch 1/3  51% [==========>          ]  97/192 0:05<0:04 loss 0.6968, 2,486 samples/s}: task, percentage,
 * bar, done / total, elapsed and remaining time, then the extra message. The line never exceeds the width it is given
 * (the terminal's width less one column, as measured by the progressbar library), and the bar keeps at least
 * {@value #MIN_BAR} columns: when the line is too long the extra message loses its last ", "-separated parts, then
 * the remaining time, before the bar shrinks. progressbar's own renderer trims the message's end and lets the bar
 * shrink to a single column instead, which is what an 80-column terminal showed.
 */
final class ProgressLine implements ProgressBarRenderer {
    /** The narrowest bar kept while there are other parts to drop. */
    static final int MIN_BAR = 10;
    /** The widest bar: more tells nothing more and pushes the figures away on a wide terminal. */
    static final int MAX_BAR = 40;

    @Override
    public String render(ProgressState state, int width) {
        return render(state.getTaskName(), state.getCurrent(), state.getMax(), state.getTotalElapsed(),
                state.getExtraMessage(), width);
    }

    /**
     * The line for {@code current} of {@code max} done after {@code elapsed}, at most {@code width} characters;
     * {@code extra} (may be empty) is shown after the times.
     */
    static String render(String task, long current, long max, Duration elapsed, String extra, int width) {
        if (width <= 0) {
            return "";
        }
        long total = Math.max(1, max);
        long done = Math.max(0, Math.min(current, total));
        String head = task + " " + String.format(Locale.ROOT, "%3d%%", done * 100 / total) + " [";
        String counts = counts(done, total);
        String remaining = done == 0 ? "?" : time(elapsed.multipliedBy(total - done).dividedBy(done));
        List<String> parts = new ArrayList<>(Arrays.asList(extra == null || extra.isBlank()
                ? new String[0] : extra.split(", ")));
        boolean showRemaining = true;
        while (true) {
            String tail = "] " + counts + " " + time(elapsed) + (showRemaining ? "<" + remaining : "")
                    + (parts.isEmpty() ? "" : " " + String.join(", ", parts));
            int room = width - head.length() - tail.length();
            if (room >= MIN_BAR || (parts.isEmpty() && !showRemaining)) {
                String line = head + bar(done, total, Math.min(MAX_BAR, Math.max(1, room))) + tail;
                return line.length() <= width ? line : line.substring(0, width);
            }
            if (!parts.isEmpty()) {
                parts.removeLast();
            } else {
                showRemaining = false;
            }
        }
    }

    /** {@code =====>     } filling {@code width} columns in proportion to {@code done / total}. */
    private static String bar(long done, long total, int width) {
        int full = (int) (done * width / total);
        StringBuilder b = new StringBuilder(width);
        b.repeat('=', full);
        if (full < width) {
            b.append('>');
            b.repeat(' ', width - full - 1);
        }
        return b.toString();
    }

    /** {@code done/total}, in millions with two decimals when the total has more than 5 digits (rows, not steps). */
    static String counts(long done, long total) {
        if (total < 100_000) {
            String t = Long.toString(total);
            return " ".repeat(Math.max(0, t.length() - Long.toString(done).length())) + done + "/" + t;
        }
        return String.format(Locale.ROOT, "%.2fM/%.2fM", done / 1e6, total / 1e6);
    }

    /** m:ss, or h:mm:ss from an hour on. */
    static String time(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** A bar on standard error with this layout, redrawn at most every 250 ms. */
    static ProgressBar start(String task, long max) {
        return builder(task, max).setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }

    /** The bar's settings, less where it is drawn (tests draw it into a list). */
    static ProgressBarBuilder builder(String task, long max) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(Math.max(1, max))
                .setRenderer(new ProgressLine())
                .setUpdateIntervalMillis(250);
    }

    /** Whether there is a terminal to draw on. */
    static boolean onTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }
}
