package dev.sim4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the {@code sim4j} command line in-process and checks exit codes, output and error messages. */
class CliTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Sim4j.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpAndVersionSucceed() {
        Run help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: sim4j", "spec", "data", "Exit codes:", "bad input data");
        Run version = run("--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("sim4j ").contains("Java 25");
        Run subHelp = run("spec", "convert", "--help");
        assertThat(subHelp.code()).isZero();
        assertThat(subHelp.out()).contains("--format", "sim4j-columnar, tfrecord, csv");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(run().code()).isEqualTo(2);
        assertThat(run("frobnicate").code()).isEqualTo(2);
        Run badFormat = run("spec", "convert", "--input", "a", "--output", "b", "--format", "parquet");
        assertThat(badFormat.code()).isEqualTo(2);
        assertThat(badFormat.err()).contains("--format", "parquet");
        assertThat(run("spec", "validate").code()).isEqualTo(2);
    }

    @Test
    void badDataPrintsOneMessageWithoutStackTrace(@TempDir Path tmp) {
        Run r = run("spec", "validate", tmp.resolve("nope").toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).startsWith("error: ").contains("nope", "feature_spec.yaml").doesNotContain("\tat ");
        Run verbose = run("--verbose", "spec", "validate", tmp.resolve("nope").toString());
        assertThat(verbose.code()).isEqualTo(3);
        assertThat(verbose.err()).contains("\tat dev.sim4j");
    }

    @Test
    void invalidSpecListsEveryProblem(@TempDir Path tmp) throws IOException {
        Files.writeString(tmp.resolve("feature_spec.yaml"), """
                feature_spec:
                  label: {dtype: bool}
                  user_feat_0: {dtype: int64, cardinality: 0}
                  item_feat_0_trgt: {dtype: complex128, cardinality: 10}
                source_spec:
                  train:
                  - type: parquet
                    features: [label, user_feat_0, item_feat_0_trgt]
                    files: [../outside.parquet]
                channel_spec:
                  label: [label]
                  user_features: [user_feat_0]
                  target_item_features: [item_feat_0_trgt]
                """);
        Run r = run("spec", "validate", tmp.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains(
                "channel_spec / positive_history: required channel is missing",
                "feature_spec / user_feat_0: cardinality is 0",
                "feature_spec / item_feat_0_trgt: unknown dtype 'complex128'",
                "unknown chunk type 'parquet'",
                "path leaves the dataset folder");
    }

    @Test
    void sampleValidateConvertAndInspect(@TempDir Path tmp) throws IOException {
        Path tf = tmp.resolve("tf");
        Run sample = run("data", "sample", "--out", tf.toString(), "--format", "tfrecord", "--train-rows", "700",
                "--test-rows", "300", "--history-length", "20", "--rows-per-file", "256");
        assertThat(sample.code()).as(sample.err()).isZero();
        assertThat(run("spec", "validate", tf.toString()).out()).contains("valid feature spec", "mapping train");

        Path s4j = tmp.resolve("s4j");
        Run convert = run("spec", "convert", "--input", tf.toString(), "--output", s4j.toString(), "--format", "sim4j");
        assertThat(convert.code()).as(convert.err()).isZero();
        assertThat(convert.out()).contains("train", "700 rows", "300 rows");

        Run inspect = run("data", "inspect", s4j.toString(), "--json");
        assertThat(inspect.code()).as(inspect.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(inspect.out());
        JsonNode train = report.get("mappings").findValues("name").get(0).asText().equals("test")
                ? report.get("mappings").get(1) : report.get("mappings").get(0);
        assertThat(train.get("rows").asLong()).isEqualTo(700);
        assertThat(train.get("positives").asLong() + train.get("negatives").asLong()).isEqualTo(700);
        long histogramRows = 0;
        for (JsonNode b : train.get("historyLength").get("buckets")) {
            histogramRows += b.get("rows").asLong();
        }
        assertThat(histogramRows).isEqualTo(700);
        assertThat(train.get("features").findValues("cardinality")).allMatch(c -> c.asLong() >= 1);

        Run text = run("data", "inspect", s4j.toString(), "--mapping", "test");
        assertThat(text.out()).contains("mapping test: 300 rows", "positive history length").doesNotContain("mapping train");
        assertThat(run("data", "inspect", s4j.toString(), "--mapping", "valid").code()).isEqualTo(3);
    }

    @Test
    void convertRefusesANonEmptyOutputAndLeavesItAlone(@TempDir Path tmp) throws IOException {
        Path in = tmp.resolve("in");
        assertThat(run("data", "sample", "--out", in.toString(), "--train-rows", "10", "--test-rows", "5",
                "--history-length", "4").code()).isZero();
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        Run r = run("spec", "convert", "--input", in.toString(), "--output", out.toString(), "--format", "csv");
        assertThat(r.code()).isEqualTo(5);
        assertThat(r.err()).contains("not empty");
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("keep.txt");
        }
        assertThat(Files.readString(out.resolve("keep.txt"))).isEqualTo("mine");
    }
}
