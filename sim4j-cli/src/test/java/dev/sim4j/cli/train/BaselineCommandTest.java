package dev.sim4j.cli.train;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.cli.CliRun;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sim4j baseline}: text and JSON output, exit codes and messages. */
class BaselineCommandTest {
    @TempDir
    static Path tmp;
    static Path dataset;

    @BeforeAll
    static void data() {
        dataset = CliRun.smallDataset(tmp);
    }

    @Test
    void scoresEveryKindAndWritesJson() throws IOException {
        Path json = tmp.resolve("out/baseline.json");
        CliRun r = run("baseline", "--dataset", dataset.toString(), "--kind", "all", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("counted train:", "test   item ", "test   history-match-long ", "scored test in");
        assertThat(r.out()).containsPattern("item-ctr +rows [0-9,]+ \\([0-9,]+ positive\\): AUC 0\\.\\d{4} \\(exact 0\\.\\d{4}\\), loss");
        assertThat(r.out().lines().filter(l -> l.startsWith("test   item "))).singleElement().asString().doesNotContain("loss");

        JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertThat(doc.get("train_mapping").asText()).isEqualTo("train");
        assertThat(doc.get("short_seq_length").asInt()).isEqualTo(10);
        Map<String, JsonNode> byKind = new HashMap<>();
        doc.get("results").forEach(n -> byKind.put(n.get("kind").asText(), n));
        assertThat(byKind).containsOnlyKeys("item", "item-ctr", "category", "category-ctr", "history-match",
                "history-match-short", "history-match-long");
        long rows = byKind.get("item").get("count").asLong();
        assertThat(rows).isPositive().isEven(); // one positive and one negative per kept user
        assertThat(byKind.get("item").get("positives").asLong()).isEqualTo(rows / 2);
        assertThat(byKind.get("item").get("loss").isNull()).isTrue();
        assertThat(byKind.get("item-ctr").get("loss").asDouble()).isPositive();
        for (JsonNode n : byKind.values()) {
            assertThat(n.get("exactAuc").asDouble()).as(n.get("kind").asText()).isBetween(0.0, 1.0);
            assertThat(n.get("auc").asDouble()).as(n.get("kind").asText()).isBetween(0.0, 1.0);
        }
        // The planted structure (docs/synthetic-data.md): the target's category recurs in the user's history, while
        // negatives are drawn by popularity, so history matching ranks far better than popularity.
        assertThat(byKind.get("history-match").get("exactAuc").asDouble())
                .isGreaterThan(byKind.get("item").get("exactAuc").asDouble() + 0.1);

        CliRun defaults = run("baseline", "--dataset", dataset.toString());
        assertThat(defaults.code()).as(defaults.err()).isZero();
        assertThat(defaults.out()).contains("test   item rows").doesNotContain("category");
    }

    @Test
    void historyKindsDoNotNeedATrainMapping() {
        CliRun r = run("baseline", "--dataset", dataset.toString(), "--kind", "history-match,history-match-short",
                "--train-mapping", "nope");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("counted").contains("history-match-short");
    }

    @Test
    void badDataAndBadOptionsGetClearMessagesAndExitCodes() {
        CliRun missing = run("baseline", "--dataset", tmp.resolve("no-such-dataset").toString());
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err()).contains("no-such-dataset", "no feature spec here").doesNotContain("Exception");

        CliRun noMapping = run("baseline", "--dataset", dataset.toString(), "--mapping", "valid");
        assertThat(noMapping.code()).isEqualTo(3);
        assertThat(noMapping.err()).contains("no mapping 'valid'");

        CliRun badKind = run("baseline", "--dataset", dataset.toString(), "--kind", "popular");
        assertThat(badKind.code()).isEqualTo(2);
        assertThat(badKind.err()).contains("unknown baseline kind 'popular'", "history-match");

        CliRun badShort = run("baseline", "--dataset", dataset.toString(), "--kind", "history-match-short",
                "--short-seq-length", "101");
        assertThat(badShort.code()).isEqualTo(2);
        assertThat(badShort.err()).contains("--short-seq-length: must be in 0..100");
    }
}
