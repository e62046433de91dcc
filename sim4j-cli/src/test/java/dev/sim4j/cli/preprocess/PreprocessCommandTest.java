package dev.sim4j.cli.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.Sim4j;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sim4j preprocess amazon}: success, usage errors and bad input, by exit code and message. */
class PreprocessCommandTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Sim4j.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Path[] dump(Path dir, String extraReviewLine) throws IOException {
        List<String> reviews = new ArrayList<>();
        for (int u = 0; u < 5; u++) {
            for (int k = 0; k < 4; k++) {
                reviews.add("{\"reviewerID\": \"U" + u + "\", \"asin\": \"I" + (u + k) % 6 + "\", \"unixReviewTime\": "
                        + (100 + k) + "}");
            }
        }
        if (extraReviewLine != null) {
            reviews.add(extraReviewLine);
        }
        Path r = Files.write(dir.resolve("reviews.json"), reviews);
        Path m = Files.write(dir.resolve("meta.json"), List.of("{'asin': 'I0', 'categories': [['Books', 'A']]}",
                "{'asin': 'I1', 'categories': [['Books', 'B']]}"));
        return new Path[] {r, m};
    }

    @Test
    void writesADatasetThatValidatesAndInspects(@TempDir Path tmp) throws IOException {
        Path[] in = dump(tmp, null);
        Path out = tmp.resolve("ds");
        Run r = run("preprocess", "amazon", "--reviews", in[0].toString(), "--meta", in[1].toString(), "--out",
                out.toString(), "--min-reviews", "4", "--max-seq-len", "5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("users 5", "train  20 rows", "test   10 rows");
        assertThat(run("spec", "validate", out.toString()).code()).isZero();
        Run inspect = run("data", "inspect", out.toString());
        assertThat(inspect.out()).contains("mapping train: 20 rows", "10 positive");
    }

    @Test
    void optionErrorsExitWithTwoAndBadInputWithThree(@TempDir Path tmp) throws IOException {
        Path[] in = dump(tmp, "{not json");
        Run usage = run("preprocess", "amazon", "--reviews", in[0].toString(), "--meta", in[1].toString(), "--out",
                tmp.resolve("o").toString(), "--min-reviews", "1");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("--min-reviews: must be at least 2");
        Run bad = run("preprocess", "amazon", "--reviews", in[0].toString(), "--meta", in[1].toString(), "--out",
                tmp.resolve("o").toString(), "--min-reviews", "4");
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err()).contains("1 x malformed JSON (line 21)", "--max-bad-lines").doesNotContain("\tat ");
        assertThat(Files.exists(tmp.resolve("o"))).isFalse();
        Run allowed = run("preprocess", "amazon", "--reviews", in[0].toString(), "--meta", in[1].toString(), "--out",
                tmp.resolve("o").toString(), "--min-reviews", "4", "--max-bad-lines", "1", "--format", "tfrecord");
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("skipped input lines: 1");
        assertThat(Files.readString(tmp.resolve("o/stats.json"))).contains("malformed JSON");
    }

    /**
     * {@code --format tfrecord} writes real TFRecord: {@code type: tfrecord}, {@code .tfrecord} files that a reader
     * written from the TFRecord and Example specs decodes (both CRCs checked) into the rows the project's reader
     * gives for the compact output of the same input and seed. {@code sim4j-columnar} writes the same rows as shards.
     */
    @Test
    void tfrecordOutputIsRealTfRecordHoldingTheCompactRows(@TempDir Path tmp) throws IOException {
        Path[] in = dump(tmp, null);
        List<String> common = List.of("preprocess", "amazon", "--reviews", in[0].toString(), "--meta", in[1].toString(),
                "--min-reviews", "4", "--max-seq-len", "5", "--train-parts", "3", "--test-parts", "2");
        Map<String, Path> outs = new LinkedHashMap<>();
        for (String format : List.of("sim4j", "tfrecord", "sim4j-columnar")) {
            Path out = tmp.resolve(format);
            List<String> args = new ArrayList<>(common);
            args.addAll(List.of("--out", out.toString(), "--format", format));
            Run r = run(args.toArray(String[]::new));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("(" + format + ")");
            outs.put(format, out);
        }
        Path tf = outs.get("tfrecord");
        String yaml = Files.readString(tf.resolve("feature_spec.yaml"));
        assertThat(yaml).contains("type: tfrecord").doesNotContain("type: sim4j").doesNotContain(".s4j");
        for (String mapping : List.of("train", "test")) {
            List<Map<String, List<Long>>> compact = DatasetRows.read(outs.get("sim4j"), mapping);
            assertThat(compact).hasSize(mapping.equals("train") ? 20 : 10);
            assertThat(compact.getFirst().keySet()).containsExactlyInAnyOrder("label", "user_feat_0", "item_feat_0_trgt",
                    "item_feat_1_trgt", "item_feat_0_pos", "item_feat_1_pos", "item_feat_0_neg", "item_feat_1_neg");
            assertThat(DatasetRows.decodeTfRecords(tf, mapping, 1)).as(mapping).isEqualTo(compact);
            assertThat(DatasetRows.read(outs.get("sim4j-columnar"), mapping)).as(mapping).isEqualTo(compact);
        }
        try (var files = Files.list(tf.resolve("train"))) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("part_00000.tfrecord", "part_00001.tfrecord", "part_00002.tfrecord");
        }
        assertThat(Files.readString(outs.get("sim4j-columnar").resolve("feature_spec.yaml"))).contains("type: sim4j\n");
        assertThat(outs.get("sim4j-columnar").resolve("train/part_00000.s4j")).isRegularFile();
        assertThat(Files.readString(outs.get("sim4j").resolve("feature_spec.yaml"))).contains("type: sim4j_sequences");
    }

    @Test
    void helpListsTheFormats() {
        Run r = run("preprocess", "amazon", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("sim4j, sim4j-columnar, tfrecord", "default: sim4j", "tf.train.Example");
        Run bad = run("preprocess", "amazon", "--reviews", "r", "--meta", "m", "--out", "o", "--format", "parquet");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--format", "parquet", "sim4j, sim4j-columnar, tfrecord");
    }

    /** An unknown row kind in the compact store's store.yaml is bad data (exit 3) naming the file and the kinds. */
    @Test
    void anUnknownMappingKindInStoreYamlIsBadData(@TempDir Path tmp) throws IOException {
        Path[] in = dump(tmp, null);
        Path out = tmp.resolve("ds");
        assertThat(run("preprocess", "amazon", "--reviews", in[0].toString(), "--meta", in[1].toString(), "--out",
                out.toString(), "--min-reviews", "4").code()).isZero();
        Path store = out.resolve("sequences/store.yaml");
        Files.writeString(store, Files.readString(store).replace("train: train", "train: training"));
        for (String command : List.of("inspect", "validate")) {
            Run r = command.equals("inspect") ? run("data", "inspect", out.toString()) : run("spec", "validate", out.toString());
            assertThat(r.code()).as(r.err()).isEqualTo(3);
            assertThat(r.err()).contains(store.toString(), "unknown row kind 'training'", "the kinds are train, test")
                    .doesNotContain("internal error");
        }
    }

    /**
     * Every numeric option is checked before any work: the inputs do not even exist, yet each bad value is a usage
     * error naming its flag, and nothing is created.
     */
    @Test
    void badOptionValuesAreUsageErrorsNamingTheFlag(@TempDir Path tmp) throws IOException {
        String[][] cases = {
            {"--min-reviews", "1"}, {"--max-seq-len", "0"}, {"--train-parts", "0"}, {"--test-parts", "0"},
            {"--max-bad-lines", "-1"}, {"--threads", "0"}, {"--format", "parquet"}, {"--max-seq-len", "lots"},
        };
        for (String[] c : cases) {
            Run r = run("preprocess", "amazon", "--reviews", tmp.resolve("none.json").toString(), "--meta",
                    tmp.resolve("none-meta.json").toString(), "--out", tmp.resolve("ds").toString(), c[0], c[1]);
            assertThat(r.code()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", c)).startsWith("error: ").contains(c[0]).doesNotContain("internal error");
        }
        try (var files = Files.list(tmp)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void outputProblemsAreOutputErrorsFoundBeforeTheWork(@TempDir Path tmp) throws IOException {
        Path[] in = dump(tmp, null);
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");
        Path unwritable = Folders.unwritable(tmp).resolve("ds");
        for (Path out : List.of(file, full, unwritable)) {
            Run r = run("preprocess", "amazon", "--reviews", in[0].toString(), "--meta", in[1].toString(), "--out",
                    out.toString(), "--min-reviews", "4");
            assertThat(r.code()).as(out + ": " + r.err()).isEqualTo(5);
            assertThat(r.err()).startsWith("error: --out " + out).doesNotContain("\tat ");
        }
        assertThat(Files.readString(full.resolve("keep.txt"))).isEqualTo("mine");
        // Missing input is found before any output is made, too.
        Run missing = run("preprocess", "amazon", "--reviews", tmp.resolve("nope.json").toString(), "--meta",
                in[1].toString(), "--out", tmp.resolve("ds").toString());
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err()).contains("nope.json", "--reviews");
        assertThat(tmp.resolve("ds")).doesNotExist();
    }

    @Test
    void engineFlagsAreCheckedAndAMissingSparkModuleSaysHowToGetIt(@TempDir Path tmp) throws IOException {
        Path[] in = dump(tmp, null);
        String[] base = {"preprocess", "amazon", "--reviews", in[0].toString(), "--meta", in[1].toString(), "--out",
            tmp.resolve("ds").toString(), "--min-reviews", "4"};
        Run noSpark = run(concat(base, "--engine", "spark"));
        // This module's tests run without sim4j-spark on the class path, as the default install does.
        assertThat(noSpark.code()).isEqualTo(4);
        assertThat(noSpark.err()).contains("--engine spark: the sim4j-spark module", "mvn -q -B -DskipTests -pl sim4j-spark -am package");
        assertThat(tmp.resolve("ds")).doesNotExist();
        Run bad = run(concat(base, "--engine", "dask"));
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--engine", "local, spark", "dask");
        assertThat(run(concat(base, "--master", "local[2]")).err()).contains("--master", "applies to --engine spark only");
        assertThat(run(concat(base, "--partitions", "3")).code()).isEqualTo(2);
        assertThat(run(concat(base, "--engine", "spark", "--threads", "2")).err()).contains("--threads", "--master local[N]");
        Run uri = run("preprocess", "amazon", "--reviews", "hdfs://nn:8020/raw/reviews.json.gz", "--meta", in[1].toString(),
                "--out", tmp.resolve("ds").toString());
        assertThat(uri.code()).isEqualTo(2);
        assertThat(uri.err()).contains("is a URI", "--engine spark");
        Run folder = run("preprocess", "amazon", "--reviews", tmp.toString(), "--meta", in[1].toString(), "--out",
                tmp.resolve("ds").toString());
        assertThat(folder.err()).contains("is a folder", "--engine spark reads a folder of parts");
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
