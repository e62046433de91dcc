package dev.sim4j.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.Sim4j;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sim4j quickstart} runs the whole path (here shrunk: 300 users, DIN, 1 epoch) and says where things are. */
class QuickstartCommandTest {
    @Test
    void runsTheWholePathAndPrintsWhereEverythingIs(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("qs");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Sim4j.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("quickstart", "--dir", dir.toString(), "--users", "300", "--model", "din", "--epochs", "1");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("1/4", "2/4", "3/4", "4/4 done", "test AUC", "report:", "sim4j evaluate");
        assertThat(dir.resolve("raw/reviews_Books.json.gz")).isRegularFile();
        assertThat(dir.resolve("dataset/feature_spec.yaml")).isRegularFile();
        assertThat(dir.resolve("results/report.html")).isRegularFile();
        assertThat(dir.resolve("results/checkpoints/epoch_1/weights.safetensors")).isRegularFile();

        int again = Sim4j.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true))
                .execute("quickstart", "--dir", dir.toString());
        assertThat(again).as("a non-empty --dir is refused as an output error").isEqualTo(5);
        assertThat(Files.exists(dir.resolve("results/metrics.jsonl"))).isTrue();
    }
}
