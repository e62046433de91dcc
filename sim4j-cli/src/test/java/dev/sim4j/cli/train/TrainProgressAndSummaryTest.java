package dev.sim4j.cli.train;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sim4j train --no-progress} and the human summary at the end of a run. */
class TrainProgressAndSummaryTest {
    static TrainCommand parse(String... args) {
        TrainCommand cmd = new TrainCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    @Test
    void noProgressTurnsTheProgressBarOff() {
        assertThat(parse("--dataset", "d").trainingOptions().progress()).isTrue();
        assertThat(parse("--dataset", "d", "--no-progress").trainingOptions().progress()).isFalse();
        assertThat(parse("--dataset_dir", "d", "--no_progress").trainingOptions().progress()).isFalse();
        // The flag changes nothing else.
        var with = parse("--dataset", "d", "--epochs", "2", "--no-progress").trainingOptions();
        var without = parse("--dataset", "d", "--epochs", "2").trainingOptions();
        assertThat(with.epochs()).isEqualTo(without.epochs());
        assertThat(with.evaluateTrain()).isEqualTo(without.evaluateTrain());
    }

    @Test
    void aRunEndsWithASummaryOfModelTimeThroughputMetricsAndFiles(@TempDir Path tmp) {
        Path data = CliRun.smallDataset(tmp);
        Path results = tmp.resolve("results");
        CliRun r = run("train", "--dataset", data.toString(), "--model", "DIN", "--epochs", "1",
                "--global-batch-size", "512", "--results-dir", results.toString(), "--threads", "2", "--no-progress");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("epoch 1/1: ")
                .containsPattern("done in [0-9.]+ s: din, 1 epoch\\(s\\) trained, [0-9,]+ samples/s mean")
                .containsPattern("train: +AUC 0\\.\\d{4} \\(exact 0\\.\\d{4}\\), loss \\d\\.\\d{4}")
                .containsPattern("test: +AUC 0\\.\\d{4} \\(exact 0\\.\\d{4}\\), loss \\d\\.\\d{4}")
                .contains("metrics:    " + results.resolve("metrics.jsonl"), "report:     " + results.resolve("report.html"),
                        "checkpoint: " + results.resolve("checkpoints").resolve("epoch_1"));

        CliRun noTrainEval = run("train", "--dataset", data.toString(), "--model", "din", "--epochs", "1",
                "--global-batch-size", "512", "--results-dir", tmp.resolve("r2").toString(), "--threads", "2",
                "--no-train-eval");
        assertThat(noTrainEval.code()).as(noTrainEval.err()).isZero();
        assertThat(noTrainEval.out()).containsPattern("train: +not evaluated \\(--no-train-eval\\); train loss "
                + "\\d\\.\\d{4} \\(mean batch loss of the last epoch\\)");
    }
}
