package dev.sim4j.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.Sim4j;
import java.io.PrintWriter;
import java.io.StringWriter;
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
        Path raw = tmp.resolve("raw");
        assertThat(run("synth", "amazon", "--out", raw.toString(), "--users", "300", "--items", "800", "--categories",
                "20")[0]).isEqualTo("0");
        Path data = tmp.resolve("ds");
        String[] pre = run("preprocess", "amazon", "--reviews", raw.resolve("reviews_Books.json.gz").toString(), "--meta",
                raw.resolve("meta_Books.json.gz").toString(), "--out", data.toString());
        assertThat(pre[0]).as(pre[2]).isEqualTo("0");
        Path results = tmp.resolve("results");
        String[] r = run("train", "--dataset", data.toString(), "--model", "DIN", "--epochs", "1",
                "--global-batch-size", "512", "--results-dir", results.toString(), "--threads", "2", "--no-progress");
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1]).contains("epoch 1/1: ")
                .containsPattern("done in [0-9.]+ s: din, 1 epoch\\(s\\) trained, [0-9,]+ samples/s mean")
                .containsPattern("train: +AUC 0\\.\\d{4} \\(exact 0\\.\\d{4}\\), loss \\d\\.\\d{4}")
                .containsPattern("test: +AUC 0\\.\\d{4} \\(exact 0\\.\\d{4}\\), loss \\d\\.\\d{4}")
                .contains("metrics:    " + results.resolve("metrics.jsonl"), "report:     " + results.resolve("report.html"),
                        "checkpoint: " + results.resolve("checkpoints").resolve("epoch_1"));

        String[] noTrainEval = run("train", "--dataset", data.toString(), "--model", "din", "--epochs", "1",
                "--global-batch-size", "512", "--results-dir", tmp.resolve("r2").toString(), "--threads", "2",
                "--no-train-eval");
        assertThat(noTrainEval[0]).as(noTrainEval[2]).isEqualTo("0");
        assertThat(noTrainEval[1]).containsPattern("train: +not evaluated \\(--no-train-eval\\); mean batch loss in the "
                + "last epoch \\d\\.\\d{4}");
    }

    /** Exit code, standard output, standard error. */
    static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Sim4j.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }
}
