package dev.sim4j.cli.serve;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sim4j store import} and {@code stats}: figures, exit codes and messages. */
class StoreCommandTest {
    @Test
    void importsADatasetAndReportsItsFigures(@TempDir Path tmp) throws Exception {
        Path dataset = CliRun.smallDataset(tmp);
        Path store = tmp.resolve("store");
        CliRun imported = run("store", "import", "--dataset", dataset.toString(), "--store", store.toString());
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("imported", "users", "events into " + store);
        JsonNode stats = new ObjectMapper().readTree(
                run("store", "stats", "--store", store.toString(), "--json").out());
        JsonNode data = new ObjectMapper().readTree(Files.readString(dataset.resolve("stats.json")));
        assertThat(stats.get("users").asLong()).isEqualTo(data.get("users").asLong()).isPositive();
        assertThat(stats.get("events").asLong()).isEqualTo(data.get("reviewsKept").asLong());
        assertThat(stats.get("bytes").asLong()).isPositive();
        assertThat(run("store", "stats", "--store", store.toString()).out()).contains("users", "events", "MiB");

        Path raw = tmp.resolve("raw");
        Path fromDump = tmp.resolve("store-dump");
        CliRun dump = run("store", "import", "--reviews", raw.resolve("reviews_Books.json.gz").toString(), "--meta",
                raw.resolve("meta_Books.json.gz").toString(), "--store", fromDump.toString());
        assertThat(dump.code()).as(dump.err()).isZero();
        JsonNode dumpStats = new ObjectMapper().readTree(run("store", "stats", "--store", fromDump.toString(),
                "--json").out());
        assertThat(dumpStats.get("events").asLong()).isEqualTo(data.get("reviewLinesRead").asLong());
        assertThat(dumpStats.get("users").asLong()).isEqualTo(data.get("usersSeen").asLong());
        assertThat(run("store", "import", "--dataset", dataset.toString(), "--reviews", "x", "--store",
                tmp.resolve("s2").toString()).code()).isEqualTo(2);

        CliRun again = run("store", "import", "--dataset", dataset.toString(), "--store", store.toString());
        assertThat(again.code()).isEqualTo(5);
        assertThat(again.err()).contains("already holds").doesNotContain("Exception");
    }

    @Test
    void badFoldersAreOneLineErrors(@TempDir Path tmp) throws Exception {
        CliRun noStore = run("store", "stats", "--store", tmp.resolve("nothing").toString());
        assertThat(noStore.code()).isEqualTo(3);
        assertThat(noStore.err()).contains("no behaviour store here", "sim4j store import");
        Files.createDirectories(tmp.resolve("empty-ds"));
        CliRun noSeq = run("store", "import", "--dataset", tmp.resolve("empty-ds").toString(), "--store",
                tmp.resolve("s").toString());
        assertThat(noSeq.code()).isEqualTo(3);
        assertThat(noSeq.err()).contains("no sequence store").hasLineCount(1);
        assertThat(run("store").code()).isEqualTo(2);
    }
}
