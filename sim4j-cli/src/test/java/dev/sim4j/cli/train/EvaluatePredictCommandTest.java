package dev.sim4j.cli.train;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.cli.CliRun;
import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sim4j evaluate} and {@code predict}: which checkpoint a path stands for, the check that the dataset is the
 * checkpoint's, empty mappings, bad option values and the predictions file.
 */
class EvaluatePredictCommandTest {
    @TempDir
    static Path tmp;
    /** Random rows: 50 users, 300 items, 10 categories, histories of 100; 600 train and 300 test rows. */
    static Path dataset;
    /** A train --results-dir with checkpoints/epoch_1 and epoch_2 of DIN on {@link #dataset}. */
    static Path results;
    static Path epoch2;

    @BeforeAll
    static void trainOnce() {
        dataset = sample("ds", 300, 100, 300);
        results = tmp.resolve("results");
        CliRun train = run("train", "--dataset", dataset.toString(), "--model", "din", "--epochs", "2",
                "--global-batch-size", "256", "--no-train-eval", "--no-progress", "--results-dir", results.toString());
        assertThat(train.code()).as(train.err()).isZero();
        epoch2 = results.resolve("checkpoints/epoch_2");
    }

    /** A {@code data sample} dataset with the fixture's users and categories. */
    static Path sample(String name, int items, int history, int testRows) {
        Path out = tmp.resolve(name);
        CliRun r = run("data", "sample", "--out", out.toString(), "--users", "50", "--items", Integer.toString(items),
                "--categories", "10", "--history-length", Integer.toString(history), "--train-rows", "600",
                "--test-rows", Integer.toString(testRows));
        assertThat(r.code()).as(r.err()).isZero();
        return out;
    }

    private static CliRun evaluate(Path data, Path checkpoint, String... more) {
        String[] args = Stream.concat(Stream.of("evaluate", "--dataset", data.toString(), "--checkpoint",
                checkpoint.toString(), "--json"), Stream.of(more)).toArray(String[]::new);
        return run(args);
    }

    @Test
    void theCheckpointDirResultsDirAndWeightsFileAllGiveTheNewestEpoch() {
        CliRun folder = evaluate(dataset, epoch2);
        assertThat(folder.code()).as(folder.err()).isZero();
        assertThat(folder.err()).contains("checkpoint: " + epoch2);
        for (Path p : List.of(results, results.resolve("checkpoints"), epoch2.resolve("weights.safetensors"))) {
            CliRun r = evaluate(dataset, p);
            assertThat(r.code()).as(p + ": " + r.err()).isZero();
            assertThat(r.out()).as(p.toString()).isEqualTo(folder.out());
            assertThat(r.err()).as(p.toString()).contains(epoch2.toString());
        }
        assertThat(evaluate(dataset, results).err()).contains("the newest of 2 epochs in " + results.resolve("checkpoints"));

        CliRun nothing = evaluate(dataset, tmp);
        assertThat(nothing.code()).isEqualTo(3);
        assertThat(nothing.err()).contains(tmp + ": no checkpoint here: looked for").doesNotContain("Exception");
    }

    @Test
    void trainInitWeightsTakesACheckpointFolder() {
        CliRun r = run("train", "--dataset", dataset.toString(), "--model", "din", "--epochs", "1", "--global-batch-size",
                "256", "--no-train-eval", "--no-progress", "--results-dir", tmp.resolve("init").toString(),
                "--init-weights", results.resolve("checkpoints").toString());
        assertThat(r.code()).as(r.err()).isZero();
    }

    @Test
    void aDatasetWithMoreIdsThanTheModelsTablesIsRefused() {
        Path larger = sample("larger", 400, 100, 100);
        CliRun r = evaluate(larger, epoch2, "--allow-other-dataset");
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains(larger + ": not the dataset the checkpoint " + epoch2.toAbsolutePath()
                        + " was trained on (" + dataset.toAbsolutePath() + ")",
                "items 300 in the checkpoint, 400 in the dataset", "--allow-other-dataset does not help")
                .doesNotContain("Exception");
        assertThat(r.out()).isEmpty();

        Path predictions = tmp.resolve("larger.tsv");
        CliRun p = run("predict", "--dataset", larger.toString(), "--checkpoint", epoch2.toString(), "--output",
                predictions.toString());
        assertThat(p.code()).as(p.err()).isEqualTo(3);
        assertThat(p.err()).contains("items 300 in the checkpoint, 400 in the dataset");
        assertThat(predictions).doesNotExist();

        Path shorter = sample("shorter", 300, 20, 100);
        CliRun h = evaluate(shorter, epoch2);
        assertThat(h.code()).isEqualTo(3);
        assertThat(h.err()).contains("history length 100 in the checkpoint, 20 in the dataset");
    }

    @Test
    void aDatasetWhoseIdsFitScoresOnlyWithAllowOtherDataset() {
        Path smaller = sample("smaller", 200, 100, 100);
        CliRun refused = evaluate(smaller, epoch2);
        assertThat(refused.code()).isEqualTo(3);
        assertThat(refused.err()).contains("feature spec SHA-256", "items 300 in the checkpoint, 200 in the dataset",
                "pass --allow-other-dataset");
        CliRun allowed = evaluate(smaller, epoch2, "--allow-other-dataset");
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(allowed.err()).contains("note: --allow-other-dataset: " + smaller + " differs",
                "items 300 in the checkpoint, 200 in the dataset");

        // The same rows in another format: same cardinalities, another feature spec.
        Path csv = tmp.resolve("csv");
        assertThat(run("spec", "convert", "--input", dataset.toString(), "--output", csv.toString(), "--format", "csv")
                .code()).isZero();
        CliRun other = evaluate(csv, epoch2);
        assertThat(other.code()).isEqualTo(3);
        assertThat(other.err()).contains("feature spec SHA-256").doesNotContain("in the dataset");
        CliRun same = evaluate(csv, epoch2, "--allow-other-dataset");
        assertThat(same.code()).as(same.err()).isZero();
        assertThat(same.out()).isEqualTo(evaluate(dataset, epoch2).out());
    }

    @Test
    void anEmptyMappingIsADataErrorNotNaN() throws IOException {
        Path empty = sample("empty", 300, 100, 0);
        CliRun e = evaluate(empty, epoch2);
        assertThat(e.code()).isEqualTo(3);
        assertThat(e.err()).contains(empty + " mapping 'test' has no rows", "nothing to evaluate").doesNotContain("NaN");
        Path predictions = tmp.resolve("empty.tsv");
        CliRun p = run("predict", "--dataset", empty.toString(), "--checkpoint", epoch2.toString(), "--output",
                predictions.toString());
        assertThat(p.code()).isEqualTo(3);
        assertThat(p.err()).contains(empty + " mapping 'test' has no rows", "nothing to predict");
        assertThat(predictions).doesNotExist();
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith(".empty.tsv"));
        }
        CliRun b = run("baseline", "--dataset", empty.toString(), "--kind", "history-match");
        assertThat(b.code()).isEqualTo(3);
        assertThat(b.err()).contains(empty + " mapping 'test' has no rows");
    }

    @Test
    void predictWritesTheChosenColumnsInRowOrderAndReplacesAnOldFile() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("pred")).resolve("test.tsv");
        Files.writeString(out, "an older file\n");
        CliRun r = run("predict", "--dataset", dataset.toString(), "--checkpoint", results.toString(), "--output",
                out.toString(), "--columns", "row,user,item,category,label,logit,probability", "--batch-size", "64");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote 300 predictions to " + out);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines.getFirst()).isEqualTo("row\tuser\titem\tcategory\tlabel\tlogit\tprobability");
        assertThat(lines).hasSize(301);
        int row = 0;
        try (BatchPipeline batches = Dataset.open(dataset).batches("test", BatchOptions.of(100))) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                for (int i = 0; i < b.size(); i++, row++) {
                    String[] f = lines.get(row + 1).split("\t");
                    assertThat(f).as("line %d", row + 1).startsWith(Integer.toString(row),
                            Integer.toString(b.user()[0][i]), Integer.toString(b.targetItem()[0][i]),
                            Integer.toString(b.targetItem()[1][i]), Integer.toString(b.label()[i]));
                }
            }
        }
        assertThat(row).isEqualTo(300);
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertThat(files).containsExactly(out);
        }

        // The default columns are unchanged, and hold the same logits.
        Path plain = tmp.resolve("pred/plain.tsv");
        CliRun d = run("predict", "--dataset", dataset.toString(), "--checkpoint", epoch2.toString(), "--output",
                plain.toString());
        assertThat(d.code()).as(d.err()).isZero();
        List<String> defaults = Files.readAllLines(plain);
        assertThat(defaults.getFirst()).isEqualTo("logit\tprobability");
        for (int i = 1; i < defaults.size(); i++) {
            String[] f = lines.get(i).split("\t");
            assertThat(defaults.get(i)).isEqualTo(f[5] + "\t" + f[6]);
        }
    }

    @Test
    void badOptionValuesAreUsageErrorsNamingTheFlag() {
        String ds = dataset.toString();
        String ckpt = epoch2.toString();
        assertUsage(run("evaluate", "--dataset", ds, "--checkpoint", ckpt, "--batch-size", "0"), "--batch-size");
        assertUsage(run("evaluate", "--dataset", ds, "--checkpoint", ckpt, "--eval_batch_size", "-3"), "--eval_batch_size");
        String out = tmp.resolve("bad.tsv").toString();
        assertUsage(run("predict", "--dataset", ds, "--checkpoint", ckpt, "--output", out, "--batch-size", "0"),
                "--batch-size");
        assertUsage(run("predict", "--dataset", ds, "--checkpoint", ckpt, "--output", out, "--columns", "row,score"),
                "--columns");
        assertUsage(run("predict", "--dataset", ds, "--checkpoint", ckpt, "--output", out, "--columns", "row,row"),
                "--columns");
        String[] bench = {"benchmark", "--dataset", ds, "--model", "din"};
        assertUsage(run(TrainCommandTest.concat(bench, "--batch-size", "0")), "--batch-size");
        assertUsage(run(TrainCommandTest.concat(bench, "--global_batch_size", "0")), "--global_batch_size");
        assertUsage(run(TrainCommandTest.concat(bench, "--steps", "0")), "--steps");
        assertUsage(run(TrainCommandTest.concat(bench, "--warmup-steps", "-1")), "--warmup-steps");
        assertUsage(run(TrainCommandTest.concat(bench, "--micro-batch-size", "0")), "--micro-batch-size");
        assertUsage(run(TrainCommandTest.concat(bench, "--mode", "fast")), "--mode");
        assertUsage(run("benchmark", "--dataset", ds, "--model", "gpt"), "--model");
        assertUsage(run(TrainCommandTest.concat(bench, "--optimizer", "adamw")), "--optimizer");
        assertUsage(run("baseline", "--dataset", ds, "--short-seq-length", "-1"), "--short-seq-length");
        assertUsage(run("baseline", "--dataset", ds, "--short-seq-length", "101"), "--short-seq-length");
    }

    private static void assertUsage(CliRun r, String flag) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("error: " + flag + ": ").doesNotContain("Exception").doesNotContain("internal");
    }

    @Test
    void anOutputThatCannotBeWrittenIsAnOutputErrorBeforeTheWork() throws IOException {
        // Root ignores permissions, so the unwritable place is a path under a plain file.
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        String under = file.resolve("out.json").toString();
        String ds = dataset.toString();
        CliRun p = run("predict", "--dataset", ds, "--checkpoint", epoch2.toString(), "--output", under);
        assertOutput(p, "--output " + under);
        CliRun folder = run("predict", "--dataset", ds, "--checkpoint", epoch2.toString(), "--output", tmp.toString());
        assertOutput(folder, "is a folder");
        CliRun b = run("benchmark", "--dataset", ds, "--model", "din", "--batch-size", "64", "--warmup-steps", "0",
                "--steps", "1", "--output", under);
        assertOutput(b, "--output " + under);
        assertThat(b.out()).isEmpty();
        CliRun base = run("baseline", "--dataset", ds, "--json", under);
        assertOutput(base, "--json " + under);
        assertThat(base.out()).isEmpty();
        CliRun report = run("report", results.toString(), "--output", under);
        assertOutput(report, "--output " + under);
    }

    private static void assertOutput(CliRun r, String message) {
        assertThat(r.code()).as(r.err()).isEqualTo(5);
        assertThat(r.err()).contains("error: ", message).doesNotContain("Exception");
    }
}
