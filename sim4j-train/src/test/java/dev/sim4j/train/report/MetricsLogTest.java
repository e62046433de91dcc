package dev.sim4j.train.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricsLogTest {
    @TempDir
    Path dir;

    @Test
    void writesTheReferenceKeys() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        try (MetricsLog log = MetricsLog.create(file)) {
            log.write(new StepRecord(7, 1, 0.51, 1.25, 1.76, 123456.0));
            log.write(new EpochRecord(1, 1.1e6, 118.0, 0.83, 0.81, 0.8301, 0.8102, 0.44, 0.46, 118.1, 121.0,
                    122.0, 130.0));
            log.write(new SummaryRecord(400.0, 3, 1.1e6, 0.85, 0.82, 0.8501, 0.8202, 0.42, 0.45, null, null, null,
                    null));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        ObjectMapper mapper = new ObjectMapper();
        JsonNode step = mapper.readTree(lines.get(0));
        assertThat(fieldNames(step)).containsExactly("type", "step", "epoch", "classification_loss",
                "dien_aux_loss", "total_loss", "samples/s");
        assertThat(step.get("type").asText()).isEqualTo("step");
        assertThat(step.get("samples/s").asDouble()).isEqualTo(123456.0);
        JsonNode epoch = mapper.readTree(lines.get(1));
        assertThat(fieldNames(epoch)).containsExactly("type", "epoch", "throughput", "time", "train_auc",
                "test_auc", "train_auc_exact", "test_auc_exact", "train_loss", "test_loss", "latency_mean",
                "latency_p90", "latency_p95", "latency_p99");
        JsonNode summary = mapper.readTree(lines.get(2));
        assertThat(summary.get("type").asText()).isEqualTo("summary");
        assertThat(summary.get("time_to_train").asDouble()).isEqualTo(400.0);
        assertThat(summary.has("latency_mean")).as("absent values are left out").isFalse();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void roundTripsEveryRecordType() {
        long seed = System.nanoTime();
        System.out.println("MetricsLogTest.roundTripsEveryRecordType seed=" + seed);
        List<LogRecord> records = SyntheticLog.records(seed);
        Path file = dir.resolve("run.jsonl");
        try (MetricsLog log = MetricsLog.create(file)) {
            records.forEach(log::write);
        }
        LogContents read = new MetricsLogReader().read(file);
        assertThat(read.records()).isEqualTo(records);
        assertThat(read.truncatedTail()).isFalse();
        assertThat(read.evaluations().getFirst().rocFpr().length)
                .isBetween(2, EvaluationRecord.MAX_ROC_POINTS);
        assertThat(read.summary()).isPresent();
    }

    @Test
    void everyRecordIsOnDiskBeforeClose() {
        Path file = dir.resolve("open.jsonl");
        try (MetricsLog log = MetricsLog.create(file)) {
            log.write(new StepRecord(1, 1, 0.5, null, 0.5, 10.0));
            // read while still open: a killed run leaves exactly this
            assertThat(new MetricsLogReader().read(file).steps()).hasSize(1);
            log.write(new StepRecord(2, 1, 0.4, null, 0.4, 11.0));
            assertThat(new MetricsLogReader().read(file).steps()).hasSize(2);
        }
    }

    @Test
    void toleratesATruncatedLastLine() throws IOException {
        Path file = dir.resolve("killed.jsonl");
        try (MetricsLog log = MetricsLog.create(file)) {
            log.write(new StepRecord(1, 1, 0.5, 1.0, 1.5, 10.0));
            log.write(new StepRecord(2, 1, 0.4, 1.0, 1.4, 10.0));
        }
        Files.writeString(file, "{\"type\":\"epoch\",\"epoch\":1,\"throu", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        LogContents read = new MetricsLogReader().read(file);
        assertThat(read.steps()).extracting(StepRecord::step).containsExactly(1L, 2L);
        assertThat(read.epochs()).isEmpty();
        assertThat(read.truncatedTail()).isTrue();
    }

    @Test
    void corruptionInTheMiddleIsAnErrorNamingTheLine() {
        String text = "{\"type\":\"step\",\"step\":1,\"epoch\":1,\"classification_loss\":0.5,\"total_loss\":0.5,"
                + "\"samples/s\":1}\n{\"type\":\"step\",\"st\n{\"type\":\"summary\",\"time_to_train\":3}\n";
        assertThatThrownBy(() -> new MetricsLogReader().parse(text, "x.jsonl"))
                .isInstanceOf(MetricsLogException.class).hasMessageStartingWith("x.jsonl:2:");
    }

    @Test
    void nanAndUnknownRecordTypesSurvive() {
        String text = "{\"type\":\"evaluation\",\"epoch\":1,\"split\":\"train\",\"auc\":\"NaN\",\"auc_exact\":\"NaN\","
                + "\"loss\":0.3,\"count\":5,\"positives\":0,\"roc_fpr\":[],\"roc_tpr\":[],\"future_key\":1}\n"
                + "{\"type\":\"checkpoint\",\"path\":\"a\"}\n";
        LogContents read = new MetricsLogReader().parse(text, "t");
        assertThat(read.evaluations()).singleElement().satisfies(e -> assertThat(e.auc()).isNaN());
        assertThat(read.skippedUnknown()).isEqualTo(1);
    }

    /** The run record exactly as {@code sim4j train} writes it (docs/training.md). */
    static final String RUN_LINE = "{\"type\":\"run\",\"model\":\"sim\",\"sim4j_version\":\"0.1.0\","
            + "\"dataset\":\"/abs/path\",\"seed\":12345,\"command\":\"sim4j train --dataset ...\","
            + "\"hyperparameters\":{\"epochs\":3,\"global_batch_size\":131072,\"micro_batch_size\":4096,"
            + "\"learning_rate\":0.01,\"optimizer\":\"adam\",\"weight_decay\":0.0,\"embedding_dim\":16,"
            + "\"stage_one_mlp\":[200],\"stage_two_mlp\":[200,80],\"aux_mlp\":[100,50],\"long_seq_length\":90,"
            + "\"top_k\":50,\"dropout\":-1.0,\"augru_form\":\"code\",\"drop_remainder\":true}}";

    @Test
    void readsTheRunRecordWithItsHyperparametersInOrder() {
        LogContents read = new MetricsLogReader().parse(RUN_LINE + "\n", "t");
        assertThat(read.skippedUnknown()).isZero();
        RunRecord run = read.runs().getFirst();
        assertThat(run.model()).isEqualTo("sim");
        assertThat(run.version()).isEqualTo("0.1.0");
        assertThat(run.dataset()).isEqualTo("/abs/path");
        assertThat(run.seed()).isEqualTo(12345L);
        assertThat(run.command()).isEqualTo("sim4j train --dataset ...");
        assertThat(run.hyperparameters().keySet()).containsExactly("epochs", "global_batch_size",
                "micro_batch_size", "learning_rate", "optimizer", "weight_decay", "embedding_dim", "stage_one_mlp",
                "stage_two_mlp", "aux_mlp", "long_seq_length", "top_k", "dropout", "augru_form", "drop_remainder");
        assertThat(run.hyperparameters()).containsEntry("epochs", 3).containsEntry("learning_rate", 0.01)
                .containsEntry("optimizer", "adam").containsEntry("stage_two_mlp", List.of(200, 80))
                .containsEntry("drop_remainder", true).containsEntry("dropout", -1.0);
    }

    @Test
    void writesTheRunRecordFirstWithTheSameKeys() throws IOException {
        RunRecord run = new MetricsLogReader().parse(RUN_LINE, "t").runs().getFirst();
        Path file = dir.resolve("run.jsonl");
        try (MetricsLog log = MetricsLog.create(file)) {
            log.write(run);
        }
        JsonNode written = new ObjectMapper().readTree(Files.readString(file));
        assertThat(written).isEqualTo(new ObjectMapper().readTree(RUN_LINE));
        assertThat(fieldNames(written)).containsExactly("type", "model", "sim4j_version", "dataset", "seed",
                "command", "hyperparameters");
    }

    @Test
    void recordsOfANewerVersionAreSkippedWhateverTheirShape() {
        // A newer sim4j may log record types this reader does not know, with nested values, "type" not first, or
        // no "type" at all: each is skipped and counted, and the records around it are read.
        String step = "{\"type\":\"step\",\"step\":1,\"epoch\":1,\"classification_loss\":0.5,"
                + "\"total_loss\":0.5,\"samples/s\":1}";
        String text = step + "\n"
                + "{\"type\":\"checkpoint\",\"files\":[{\"path\":\"a\",\"bytes\":[1,2]}],\"meta\":{\"k\":{}}}\n"
                + "{\"path\":\"b\",\"nested\":{\"type\":\"x\"},\"type\":\"device\"}\n"
                + "{\"note\":\"no type\"}\n"
                + step.replace("\"step\":1", "\"step\":2") + "\n";
        LogContents read = new MetricsLogReader().parse(text, "t");
        assertThat(read.steps()).extracting(StepRecord::step).containsExactly(1L, 2L);
        assertThat(read.skippedUnknown()).isEqualTo(3);
        assertThat(read.truncatedTail()).isFalse();
    }

    @Test
    void nanIsWrittenAsValidJson() throws IOException {
        Path file = dir.resolve("nan.jsonl");
        try (MetricsLog log = MetricsLog.create(file)) {
            log.write(new EvaluationRecord(1, "train", Double.NaN, Double.NaN, 0.3, 5, 0, new double[0],
                    new double[0]));
        }
        JsonNode node = new ObjectMapper().readTree(Files.readString(file));
        assertThat(node.get("auc").asText()).isEqualTo("NaN");
        assertThat(new MetricsLogReader().read(file).evaluations().getFirst().aucExact()).isNaN();
    }
}
