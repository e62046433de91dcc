package dev.sim4j.cli.train;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sim4j.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sim4j train} and {@code sim4j report}: results, checkpoints, exit codes and messages. */
class TrainCommandTest {
    @TempDir
    static Path tmp;
    static Path dataset;

    @BeforeAll
    static void data() {
        dataset = CliRun.smallDataset(tmp);
    }

    @Test
    void trainsAndWritesMetricsReportAndCheckpoints() throws IOException {
        Path results = tmp.resolve("results");
        CliRun r = run("train", "--dataset_dir", dataset.toString(), "--model_type", "din", "--epochs", "2",
                "--global_batch_size", "512", "--results-dir", results.toString(), "--threads", "2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("epoch 1/2", "epoch 2/2", "test AUC");
        String log = Files.readString(results.resolve("metrics.jsonl"));
        assertThat(log).contains("\"type\":\"step\"", "\"samples/s\"", "\"type\":\"epoch\"", "\"test_auc\"",
                "\"type\":\"summary\"", "\"time_to_train\"");
        assertThat(Files.readString(results.resolve("report.html"))).contains("<svg").doesNotContain("<script src");
        for (String f : new String[] {"weights.safetensors", "optimizer.safetensors", "provenance.json"}) {
            assertThat(results.resolve("checkpoints/epoch_2").resolve(f)).isRegularFile();
        }
        assertThat(Files.readString(results.resolve("checkpoints/epoch_2/provenance.json")))
                .contains("\"dataset_spec_sha256\"", "\"optimizer_steps\"", "\"seed\" : 12345");

        // Starting a new run from the trained weights gives its first evaluation those weights' quality.
        CliRun resumed = run("train", "--dataset", dataset.toString(), "--model", "din", "--epochs", "1",
                "--global-batch-size", "512", "--results-dir", tmp.resolve("again").toString(), "--init-weights",
                results.resolve("checkpoints/epoch_2/weights.safetensors").toString(), "--no-train-eval");
        assertThat(resumed.code()).as(resumed.err()).isZero();

        CliRun otherModel = run("train", "--dataset", dataset.toString(), "--model", "sim", "--epochs", "1",
                "--global-batch-size", "512", "--init-weights", results.resolve("checkpoints/epoch_2/weights.safetensors").toString(),
                "--results-dir", tmp.resolve("x").toString());
        assertThat(otherModel.code()).isEqualTo(3);
        assertThat(otherModel.err()).contains("cannot start from these weights", "model_type din");

        // evaluate reproduces the run's last test metrics; predict writes one line per test row, in order.
        Path epoch2 = results.resolve("checkpoints/epoch_2");
        CliRun eval = run("evaluate", "--dataset", dataset.toString(), "--checkpoint", epoch2.toString(), "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        var evalJson = new com.fasterxml.jackson.databind.ObjectMapper().readTree(eval.out()).get("test");
        var epochLine = log.lines().filter(l -> l.contains("\"type\":\"epoch\"") && l.contains("\"epoch\":2")).findFirst()
                .orElseThrow();
        var epochJson = new com.fasterxml.jackson.databind.ObjectMapper().readTree(epochLine);
        assertThat(evalJson.get("exactAuc").asDouble()).isEqualTo(epochJson.get("test_auc_exact").asDouble());
        assertThat(evalJson.get("loss").asDouble()).isEqualTo(epochJson.get("test_loss").asDouble());
        Path predictions = tmp.resolve("pred/test.tsv");
        CliRun predict = run("predict", "--dataset", dataset.toString(), "--checkpoint", epoch2.toString(), "--output",
                predictions.toString());
        assertThat(predict.code()).as(predict.err()).isZero();
        var lines = Files.readAllLines(predictions);
        assertThat(lines.getFirst()).isEqualTo("logit\tprobability");
        assertThat((long) lines.size() - 1).isEqualTo(evalJson.get("count").asLong());
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split("\t");
            assertThat(Double.parseDouble(f[1])).isCloseTo(1 / (1 + Math.exp(-Double.parseDouble(f[0]))),
                    org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(run("evaluate", "--dataset", dataset.toString(), "--checkpoint", tmp.resolve("nope").toString()).code())
                .isEqualTo(3);

        Path html = tmp.resolve("r.html");
        CliRun report = run("report", results.toString(), "--output", html.toString());
        assertThat(report.code()).isZero();
        assertThat(html).isRegularFile();
    }

    @Test
    void aResumedRunEndsWithTheWeightsOfAnUninterruptedOne() throws IOException {
        Path full = tmp.resolve("full");
        Path split = tmp.resolve("split");
        String[] common = {"train", "--dataset", dataset.toString(), "--model", "din", "--global-batch-size", "512",
            "--no-train-eval", "--threads", "2"};
        assertThat(run(concat(common, "--epochs", "2", "--results-dir", full.toString())).code()).isZero();
        assertThat(run(concat(common, "--epochs", "1", "--results-dir", split.toString())).code()).isZero();
        // An epoch interrupted after its checkpoint would leave step records behind; the resume cuts them.
        Files.writeString(split.resolve("metrics.jsonl"), "{\"type\":\"step\",\"step\":999,\"epoch\":2,"
                + "\"classification_loss\":1,\"total_loss\":1,\"samples/s\":1}\n", java.nio.file.StandardOpenOption.APPEND);
        CliRun resumed = run(concat(common, "--epochs", "2", "--results-dir", split.toString(), "--resume"));
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming after epoch 1");
        for (String f : new String[] {"weights.safetensors", "optimizer.safetensors"}) {
            assertThat(Files.readAllBytes(split.resolve("checkpoints/epoch_2").resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(full.resolve("checkpoints/epoch_2").resolve(f)));
        }
        assertThat(Files.readString(split.resolve("metrics.jsonl"))).doesNotContain("\"step\":999")
                .contains("\"type\":\"summary\"");
    }

    @Test
    void oneAndTwoThreadsGiveByteIdenticalWeights() throws IOException {
        String[] common = {"train", "--dataset", dataset.toString(), "--model", "din", "--epochs", "1",
            "--global-batch-size", "512", "--no-train-eval", "--seed", "7"};
        Path one = tmp.resolve("t1");
        Path two = tmp.resolve("t2");
        assertThat(run(concat(common, "--threads", "1", "--results-dir", one.toString())).code()).isZero();
        assertThat(run(concat(common, "--threads", "2", "--results-dir", two.toString())).code()).isZero();
        assertThat(Files.readAllBytes(two.resolve("checkpoints/epoch_1/weights.safetensors")))
                .isEqualTo(Files.readAllBytes(one.resolve("checkpoints/epoch_1/weights.safetensors")));
    }

    @Test
    void benchmarkReportsThroughputAndLatencyAsJson() throws IOException {
        Path file = tmp.resolve("bench/result.json");
        CliRun r = run("benchmark", "--dataset", dataset.toString(), "--model", "din", "--mode", "train", "--batch-size", "256",
                "--warmup-steps", "2", "--steps", "5", "--json", "--output", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(file));
        assertThat(json.get("mode").asText()).isEqualTo("train");
        assertThat(json.get("steps").asInt()).isEqualTo(5);
        assertThat(json.get("samples/s").asDouble()).isPositive();
        assertThat(json.get("latency_p50").asDouble()).isPositive()
                .isLessThanOrEqualTo(json.get("latency_p99").asDouble());
        CliRun inference = run("benchmark", "--dataset", dataset.toString(), "--model", "din", "--mode", "inference",
                "--batch-size", "256", "--warmup-steps", "1", "--steps", "3");
        assertThat(inference.code()).as(inference.err()).isZero();
        assertThat(inference.out()).contains("din inference, batch 256", "samples/s", "p99");
        assertThat(run("benchmark", "--dataset", dataset.toString(), "--mode", "fast").code()).isEqualTo(2);
        CliRun profileOnCpu = run("benchmark", "--dataset", dataset.toString(), "--model", "din", "--batch-size", "256",
                "--warmup-steps", "1", "--steps", "2", "--profile", "--json");
        assertThat(profileOnCpu.code()).as(profileOnCpu.err()).isZero();
        var profiled = new com.fasterxml.jackson.databind.ObjectMapper().readTree(profileOnCpu.out());
        var kernels = profiled.get("kernels");
        java.util.Set<String> names = new java.util.HashSet<>();
        kernels.forEach(k -> names.add(k.get("family").asText() + " " + k.get("kernel").asText()));
        // Every family a DIN training step runs, and products told apart by shape (a layer's forward product carries
        // its bias and activation: matmulBiasPrelu, matmulBias).
        assertThat(names).anyMatch(n -> n.startsWith("dense matmulBiasPrelu NN 256x"))
                .anyMatch(n -> n.startsWith("dense matmul TN 200x256x"))
                .contains("embeddings embedSequence", "losses binaryCrossEntropy", "optimizers adamUpdate");
        double sum = 0;
        for (var k : kernels) {
            assertThat(k.get("calls_per_step").asLong()).isPositive();
            sum += k.get("ms_per_step").asDouble();
        }
        assertThat(profiled.get("device_ms_per_step").asDouble()).isPositive().isCloseTo(sum, within(1e-9));
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void badInputIsAClearErrorAndWritesNoCheckpoint() throws IOException {
        // An earlier run's results must survive a rejected run pointed at the same folder.
        Path earlier = Files.createDirectories(tmp.resolve("earlier"));
        Files.writeString(earlier.resolve("metrics.jsonl"), "kept\n");
        CliRun rejected = run("train", "--dataset", dataset.toString(), "--global-batch-size", "100000000", "--results-dir",
                earlier.toString());
        assertThat(rejected.code()).isEqualTo(3);
        assertThat(Files.readString(earlier.resolve("metrics.jsonl"))).isEqualTo("kept\n");
        try (var files = Files.list(earlier)) {
            assertThat(files).hasSize(1);
        }
        Path results = tmp.resolve("big");
        CliRun big = run("train", "--dataset", dataset.toString(), "--global-batch-size", "100000000", "--results-dir",
                results.toString());
        assertThat(big.code()).isEqualTo(3);
        assertThat(big.err()).contains("batch size 100000000 is larger than the", "rows of the train mapping");
        assertThat(results.resolve("checkpoints")).doesNotExist();

        CliRun wrongModel = run("train", "--dataset", dataset.toString(), "--model", "gpt");
        assertThat(wrongModel.code()).isEqualTo(2);
        CliRun noLog = run("report", tmp.resolve("nothing").toString());
        assertThat(noLog.code()).isEqualTo(3);
        assertThat(noLog.err()).contains("no metrics log here");
    }
}
