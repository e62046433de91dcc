package dev.sim4j.cli.train;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.cli.CliRun;
import dev.sim4j.data.dataset.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sim4j train} on folders that hold a run (refused, --overwrite, --resume checks, a finished run), a diverging
 * run, the dropped remainder, the losses on the console, and the reference's flags that it accepts.
 */
class TrainRunBehaviourTest {
    @TempDir
    static Path tmp;
    static Path dataset;
    static long trainRows;

    @BeforeAll
    static void data() {
        dataset = CliRun.smallDataset(tmp);
        trainRows = Dataset.open(dataset).countRows("train");
    }

    static CliRun train(Path results, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--dataset", dataset.toString(), "--model", "din",
                "--epochs", "1", "--no-train-eval", "--results-dir", results.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    static List<JsonNode> log(Path results) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(results.resolve("metrics.jsonl"))) {
            out.add(new ObjectMapper().readTree(l));
        }
        return out;
    }

    static Stream<JsonNode> ofType(List<JsonNode> log, String type) {
        return log.stream().filter(n -> n.get("type").asText().equals(type));
    }

    @Test
    void aFolderHoldingARunIsRefusedResumedOnlyWithItsSettingsAndReplacedOnlyWithOverwrite() throws IOException {
        Path results = tmp.resolve("a");
        CliRun first = train(results, "--global-batch-size", "512");
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.err()).as("512 leaves under 1 % of the rows out").doesNotContain("warning");
        JsonNode runRecord = log(results).getFirst();
        assertThat(runRecord.get("type").asText()).isEqualTo("run");
        assertThat(runRecord.get("command").asText()).startsWith("sim4j train --dataset " + dataset);
        assertThat(runRecord.get("hyperparameters").get("global_batch_size").asInt()).isEqualTo(512);
        byte[] metrics = Files.readAllBytes(results.resolve("metrics.jsonl"));
        byte[] report = Files.readAllBytes(results.resolve("report.html"));

        // Another run into the same folder: refused, nothing touched.
        CliRun again = train(results, "--global-batch-size", "256");
        assertThat(again.code()).as(again.err()).isEqualTo(5);
        assertThat(again.err()).contains("--results-dir " + results + " already holds another run",
                "metrics.jsonl, report.html, checkpoints/epoch_1", "--overwrite", "--resume");
        assertThat(Files.readAllBytes(results.resolve("metrics.jsonl"))).isEqualTo(metrics);

        // A resume with other settings: refused with the differences.
        CliRun changed = train(results, "--global-batch-size", "256", "--lr", "0.02", "--resume");
        assertThat(changed.code()).as(changed.err()).isEqualTo(5);
        assertThat(changed.err()).contains("other settings", "--global-batch-size: 512 in the checkpoint, 256 now",
                "--lr: 0.01 in the checkpoint, 0.02 now");

        // A resume of the finished run: nothing to train, nothing changed.
        CliRun finished = train(results, "--global-batch-size", "512", "--resume");
        assertThat(finished.code()).as(finished.err()).isZero();
        assertThat(finished.out()).contains("nothing left to train");
        assertThat(Files.readAllBytes(results.resolve("metrics.jsonl"))).isEqualTo(metrics);
        assertThat(Files.readAllBytes(results.resolve("report.html"))).isEqualTo(report);

        // --overwrite replaces the run; a user's file stays. A batch that drops a large remainder is warned about.
        Files.writeString(results.resolve("notes.txt"), "mine");
        CliRun replaced = train(results, "--global-batch-size", "5000", "--overwrite");
        assertThat(replaced.code()).as(replaced.err()).isZero();
        assertThat(replaced.out()).contains("--overwrite: removed the previous run's metrics.jsonl, report.html, "
                + "checkpoints/epoch_1");
        assertThat(results.resolve("notes.txt")).hasContent("mine");
        List<JsonNode> replacedLog = log(results);
        assertThat(replacedLog.getFirst().get("hyperparameters").get("global_batch_size").asInt()).isEqualTo(5000);
        assertThat(ofType(replacedLog, "run")).hasSize(1);
        long dropped = trainRows % 5000;
        assertThat(replaced.err()).contains("warning: --global-batch-size 5,000 leaves the last "
                + String.format(Locale.ROOT, "%,d of the %,d train rows", dropped, trainRows), "--no-drop-remainder");
    }

    @Test
    void withNoDropRemainderTheLastSmallerBatchIsTrainedWithoutAWarning() throws IOException {
        Path results = tmp.resolve("keep");
        CliRun r = train(results, "--global-batch-size", "5000", "--no-drop-remainder");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("warning");
        assertThat(ofType(log(results), "step")).hasSize((int) ((trainRows + 4999) / 5000));

        // A batch larger than all the rows is one step of all of them, not buffers for rows that do not exist.
        Path all = tmp.resolve("all-rows");
        CliRun one = train(all, "--global-batch-size", "1000000000", "--no-drop-remainder");
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(ofType(log(all), "step")).hasSize(1);
    }

    @Test
    void aDivergingRunStopsAtOnceWithExitSevenAndNoCheckpoint() throws IOException {
        Path results = tmp.resolve("diverged");
        CliRun r = train(results, "--global-batch-size", "512", "--lr", "1e9");
        assertThat(r.code()).as(r.err()).isEqualTo(7);
        assertThat(r.err()).contains("error: training diverged: the loss became NaN at step ", "(epoch 1 of 1)",
                "learning rate 1.0E9", "a lower --lr").doesNotContain("internal error");
        List<JsonNode> log = log(results);
        assertThat(ofType(log, "step")).as("no step runs after the first NaN").hasSizeLessThan(5)
                .allMatch(s -> Double.isFinite(s.get("total_loss").asDouble()));
        assertThat(ofType(log, "epoch")).isEmpty();
        try (Stream<Path> files = Files.list(results.resolve("checkpoints"))) {
            assertThat(files).isEmpty();
        }
        assertThat(results.resolve("report.html")).isRegularFile();
    }

    @Test
    void theEpochLineShowsTheClassificationLossBesideTheTestLossAndTheAuxLossApart() throws IOException {
        Path results = tmp.resolve("dien");
        // A small DIEN (it has the auxiliary loss) to keep the test fast.
        CliRun r = run("train", "--dataset", dataset.toString(), "--model", "dien", "--epochs", "1", "--no-train-eval",
                "--global-batch-size", "1024", "--embedding-dim", "4", "--stage-two-mlp", "8", "--aux-mlp", "8",
                "--results-dir", results.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> steps = ofType(log(results), "step").toList();
        double classification = steps.stream().mapToDouble(s -> s.get("classification_loss").asDouble()).average()
                .orElseThrow();
        double aux = steps.stream().mapToDouble(s -> s.get("dien_aux_loss").asDouble()).average().orElseThrow();
        assertThat(aux).isGreaterThan(0.01);
        assertThat(r.out()).contains(String.format(Locale.ROOT, "train loss %.4f, aux loss %.4f, test loss ",
                classification, aux));
        assertThat(r.out()).containsPattern(String.format(Locale.ROOT,
                "train: +not evaluated \\(--no-train-eval\\); train loss %.4f, aux loss %.4f", classification, aux));
    }

    @Test
    void theReferenceFlagsWithAMeaningHereWork() throws IOException {
        Path spec = dataset.resolve("spec_copy.yaml");
        Files.copy(dataset.resolve("feature_spec.yaml"), spec);
        Path first = tmp.resolve("ref1");
        assertThat(train(first, "--global-batch-size", "512").code()).isZero();
        Path results = tmp.resolve("ref2");
        Path checkpoints = tmp.resolve("ref2-checkpoints");
        CliRun r = run("train", "--dataset_dir", dataset.toString(), "--model_type", "din", "--epochs", "1",
                "--global_batch_size", "512", "--results_dir", results.toString(), "--no-train-eval",
                "--dropout_rate", "0.1", "--save_checkpoint_path", checkpoints.toString(), "--drop_remainder",
                "--feature_spec", "spec_copy.yaml", "--disable_cache", "--mode", "train", "--load_checkpoint_path",
                first.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("starting from the weights of " + first.resolve("checkpoints/epoch_1"));
        JsonNode provenance = new ObjectMapper().readTree(checkpoints.resolve("epoch_1/provenance.json").toFile());
        assertThat(provenance.get("model").get("dropout").asDouble()).isEqualTo(0.1);
        assertThat(provenance.get("options").get("drop_remainder").asBoolean()).isTrue();
        assertThat(provenance.get("dataset_spec").asText()).isEqualTo("spec_copy.yaml");
        assertThat(results.resolve("checkpoints")).doesNotExist();
        Files.delete(spec);
    }
}
