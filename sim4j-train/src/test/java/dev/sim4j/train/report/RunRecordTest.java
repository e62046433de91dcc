package dev.sim4j.train.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run record: its line has the shape the report reads, and the reader keeps it beside the other records. */
class RunRecordTest {
    static RunRecord record() {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("epochs", 3);
        h.put("global_batch_size", 131072);
        h.put("micro_batch_size", 4096);
        h.put("learning_rate", 0.01);
        h.put("stage_two_mlp", List.of(200, 80));
        h.put("augru_form", "code");
        h.put("drop_remainder", true);
        return new RunRecord("sim", "0.1.0", "/data/books", 12345L, "sim4j train --dataset /data/books", h);
    }

    @Test
    void isTheFirstLineWithAFlatHyperparameterObjectAndReadsBack(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.create(file)) {
            log.write(record());
            log.write(new StepRecord(1, 1, 0.69, null, 0.69, 1000));
        }
        String first = Files.readAllLines(file).getFirst();
        assertThat(first).startsWith("{\"type\":\"run\",\"model\":\"sim\",\"sim4j_version\":\"0.1.0\","
                + "\"dataset\":\"/data/books\",\"seed\":12345,\"command\":\"sim4j train --dataset /data/books\","
                + "\"hyperparameters\":{\"epochs\":3,\"global_batch_size\":131072,\"micro_batch_size\":4096,");
        var h = new ObjectMapper().readTree(first).get("hyperparameters");
        assertThat(h.get("stage_two_mlp").isArray()).isTrue();
        assertThat(h.get("learning_rate").isNumber()).isTrue();
        assertThat(h.get("augru_form").asText()).isEqualTo("code");
        assertThat(h.get("drop_remainder").asBoolean()).isTrue();

        LogContents contents = new MetricsLogReader().read(file);
        assertThat(contents.runs()).containsExactly(record());
        assertThat(contents.steps()).hasSize(1);
        assertThat(contents.skippedUnknown()).isZero();
        assertThat(new HtmlReport("t").render(contents, "metrics.jsonl")).contains("<svg");
    }
}
