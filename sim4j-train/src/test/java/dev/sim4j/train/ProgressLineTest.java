package dev.sim4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarConsumer;
import org.junit.jupiter.api.Test;

/** The progress bars' line stays within the terminal's width and keeps a bar one can read. */
class ProgressLineTest {
    /** progressbar renders one column short of the terminal's width: 79 on an 80-column terminal. */
    private static final int WIDTH_80 = 79;
    private static final Pattern BAR = Pattern.compile("\\[(=*>? *)]");

    private static int barWidth(String line) {
        Matcher m = BAR.matcher(line);
        assertThat(m.find()).as("a bar in '%s'", line).isTrue();
        return m.group(1).length();
    }

    @Test
    void aTrainingEpochFitsAnEightyColumnTerminalWithARoomyBar() {
        String line = ProgressLine.render("epoch 1/3", 97, 192, Duration.ofSeconds(5),
                EpochProgress.message(0.696812, 2486.2), WIDTH_80);
        assertThat(line).isEqualTo("epoch 1/3  50% [=======>       ]  97/192 0:05<0:04 loss 0.6968, 2,486 samples/s");
        assertThat(line.length()).isLessThanOrEqualTo(WIDTH_80);
        assertThat(barWidth(line)).isGreaterThanOrEqualTo(ProgressLine.MIN_BAR);
    }

    @Test
    void longFiguresGiveUpTheirLastPartsBeforeTheBarShrinks() {
        String line = ProgressLine.render("epoch 10/10", 4999, 5000, Duration.ofSeconds(5025),
                EpochProgress.message(0.696812, 123456.7), WIDTH_80);
        assertThat(line).hasSizeLessThanOrEqualTo(WIDTH_80).contains("1:23:45<0:01", "loss 0.6968")
                .doesNotContain("samples/s");
        assertThat(barWidth(line)).isGreaterThanOrEqualTo(ProgressLine.MIN_BAR);

        String narrow = ProgressLine.render("epoch 10/10", 4999, 5000, Duration.ofSeconds(5025),
                EpochProgress.message(0.696812, 123456.7), 50);
        assertThat(narrow).hasSizeLessThanOrEqualTo(50).doesNotContain("loss").doesNotContain("<");
        assertThat(barWidth(narrow)).isGreaterThanOrEqualTo(ProgressLine.MIN_BAR);
        // too narrow for anything but a cut line: still never wider than asked
        assertThat(ProgressLine.render("epoch 10/10", 1, 5000, Duration.ZERO, "x", 20)).hasSize(20);
    }

    @Test
    void everyWidthAndStageStaysWithinTheLine() {
        for (int width = 1; width <= 200; width++) {
            for (long done : new long[] {0, 1, 2_500_000, 12_345_678}) {
                String line = ProgressLine.render("eval train", done, 12_345_678, Duration.ofSeconds(3 * done / 1000),
                        EvaluationProgress.message(81234.4), width);
                assertThat(line.length()).as("width %d, done %d", width, done).isLessThanOrEqualTo(width);
            }
        }
        String wide = ProgressLine.render("eval test", 400_000, 1_000_000, Duration.ofSeconds(5),
                EvaluationProgress.message(81234.4), 200);
        assertThat(wide).isEqualTo("eval test  40% [================>                       ] 0.40M/1.00M 0:05<0:07 "
                + "81,234 rows/s");
        assertThat(barWidth(wide)).isEqualTo(ProgressLine.MAX_BAR);
    }

    @Test
    void timesAndCounts() {
        assertThat(ProgressLine.time(Duration.ofSeconds(59))).isEqualTo("0:59");
        assertThat(ProgressLine.time(Duration.ofSeconds(3599))).isEqualTo("59:59");
        assertThat(ProgressLine.time(Duration.ofSeconds(3600))).isEqualTo("1:00:00");
        assertThat(ProgressLine.counts(7, 192)).isEqualTo("  7/192");
        assertThat(ProgressLine.counts(1_234_567, 9_876_543)).isEqualTo("1.23M/9.88M");
        assertThat(ProgressLine.render("t", 0, 10, Duration.ZERO, "", 79)).contains("0/10 0:00<?");
    }

    /** What progressbar itself draws with the bars' settings on an 80-column terminal. */
    @Test
    void theLibraryDrawsTheLineAtTheTerminalsWidth() {
        List<String> drawn = new ArrayList<>();
        ProgressBarConsumer terminal80 = new ProgressBarConsumer() {
            @Override
            public int getMaxRenderedLength() {
                return WIDTH_80;
            }

            @Override
            public void accept(String line) {
                drawn.add(line);
            }

            @Override
            public void close() {
            }
        };
        try (ProgressBar bar = ProgressLine.builder("epoch 12/12", 12_000).setConsumer(terminal80).build()) {
            bar.stepTo(6_000);
            bar.setExtraMessage(EpochProgress.message(0.7123, 98765.4));
            bar.refresh();
            bar.stepTo(12_000);
        }
        assertThat(drawn).isNotEmpty().allSatisfy(line -> {
            assertThat(line.length()).isLessThanOrEqualTo(WIDTH_80);
            assertThat(barWidth(line)).isGreaterThanOrEqualTo(ProgressLine.MIN_BAR);
        });
        assertThat(drawn.getLast()).startsWith("epoch 12/12 100% [").contains("12000/12000");
    }
}
