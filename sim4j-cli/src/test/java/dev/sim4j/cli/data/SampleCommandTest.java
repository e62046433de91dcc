package dev.sim4j.cli.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sim4j data sample}: option values are checked up front, by flag. */
class SampleCommandTest {
    @Test
    void badOptionValuesAreUsageErrorsNamingTheFlag(@TempDir Path tmp) throws IOException {
        String[][] cases = {
            {"--train-rows", "-1"}, {"--test-rows", "-1"}, {"--users", "0"}, {"--items", "0"}, {"--categories", "0"},
            {"--items", "3000000000"}, {"--history-length", "0"}, {"--rows-per-file", "0"}, {"--format", "parquet"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.run("data", "sample", "--out", tmp.resolve("ds").toString(), c[0], c[1]);
            assertThat(r.code()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", c)).startsWith("error: ").contains(c[0]);
        }
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        CliRun r = CliRun.run("data", "sample", "--out", file.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(5);
        assertThat(r.err()).startsWith("error: --out " + file);
        try (var files = Files.list(tmp)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void longHistoriesAreWrittenInSmallerBlocks(@TempDir Path tmp) {
        // 8,000 values per history: 4,096-row blocks would need 130 MB per column.
        CliRun r = CliRun.run("data", "sample", "--out", tmp.resolve("ds").toString(), "--train-rows", "300",
                "--test-rows", "10", "--history-length", "8000");
        assertThat(r.code()).as(r.err()).isZero();
        CliRun v = CliRun.run("spec", "validate", tmp.resolve("ds").toString());
        assertThat(v.out()).contains("history length 8000");
    }
}
