package dev.sim4j.preprocess.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sim4j.data.DataException;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.preprocess.amazon.AmazonPreprocessor;
import dev.sim4j.preprocess.amazon.PreprocessEngine;
import dev.sim4j.preprocess.amazon.PreprocessOptions;
import dev.sim4j.preprocess.amazon.PreprocessStats;
import dev.sim4j.preprocess.synth.AmazonSynth;
import dev.sim4j.preprocess.synth.SynthConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Spark engine writes the local engine's bytes, file for file, whatever the partitioning and however the input
 * is cut (gzip, plain files in byte-range splits, a folder of parts), and reports bad input with the same counts,
 * line numbers and message. Spark runs as {@code local[2]}, one session for the class.
 */
class SparkEngineParityTest {
    @TempDir
    static Path data;
    static SparkSession session;
    static Path reviewsGz;
    static Path metaGz;
    static Path reviewsPlain;
    static Path localOut;

    @BeforeAll
    static void synthesiseAndRunTheLocalEngine() throws IOException {
        session = SparkSession.builder().master("local[2]").appName("sim4j-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .config("spark.local.dir", data.resolve("spark").toString()).getOrCreate();
        SynthConfig d = SynthConfig.defaults();
        SynthConfig small = new SynthConfig(400, 1_500, 30, 7L, d.shortShare(), d.shortMean(), 40.0, d.maxReviews(),
                d.itemZipf(), d.categoryZipf(), d.interestGapMin(), d.interestGapMax(), d.driftRun(), d.noise(),
                d.missingMetaShare(), d.noCategoryShare(), d.unreviewedShare(), 2, 1);
        new AmazonSynth(small).write(data.resolve("raw"), false, (task, done, total) -> { });
        reviewsGz = data.resolve("raw").resolve(AmazonSynth.REVIEWS_FILE);
        metaGz = data.resolve("raw").resolve(AmazonSynth.META_FILE);
        reviewsPlain = data.resolve("reviews.json");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(reviewsGz))) {
            Files.copy(in, reviewsPlain);
        }
        localOut = data.resolve("local");
        AmazonPreprocessor.run(PreprocessOptions.defaults(reviewsGz, metaGz, localOut));
    }

    @AfterAll
    static void stop() {
        session.stop();
    }

    static PreprocessStats spark(PreprocessOptions options, String reviews, String meta, int partitions) {
        return PreprocessEngine.find("spark").orElseThrow().run(options, reviews, meta, null, partitions);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8})
    void gzipDumpGivesTheLocalEnginesBytes(int partitions, @TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("spark");
        PreprocessStats s = spark(PreprocessOptions.defaults(reviewsGz, metaGz, out), reviewsGz.toString(),
                metaGz.toString(), partitions);
        assertSameDataset(out, localOut);
        assertThat(s.users()).isGreaterThan(100);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 8})
    void plainDumpReadInByteRangesGivesTheSameBytes(int partitions, @TempDir Path tmp) {
        Path out = tmp.resolve("spark");
        spark(PreprocessOptions.defaults(reviewsPlain, metaGz, out), reviewsPlain.toString(), metaGz.toString(),
                partitions);
        assertSameDataset(out, localOut);
    }

    @Test
    void aFolderOfPartsIsReadAsTheirConcatenation(@TempDir Path tmp) throws IOException {
        List<String> lines = Files.readAllLines(reviewsPlain);
        Path parts = tmp.resolve("parts");
        Files.createDirectories(parts);
        int third = lines.size() / 3;
        Files.write(parts.resolve("part-00000.json"), lines.subList(0, third));
        writeGzip(parts.resolve("part-00001.json.gz"), lines.subList(third, 2 * third));
        Files.write(parts.resolve("part-00002.json"), lines.subList(2 * third, lines.size()));
        Files.writeString(parts.resolve("_SUCCESS"), "");
        Path out = tmp.resolve("spark");
        // As a Hadoop file system URI (file:///...), as hdfs:// or s3a:// inputs are given.
        spark(PreprocessOptions.defaults(reviewsGz, metaGz, out), parts.toUri().toString(), metaGz.toUri().toString(), 3);
        assertSameDataset(out, localOut);
    }

    @Test
    void rowLayoutsAreTheLocalEnginesBytes(@TempDir Path tmp) {
        PreprocessOptions local = PreprocessOptions.defaults(reviewsGz, metaGz, tmp.resolve("local"))
                .withFormat(ChunkType.TFRECORD);
        AmazonPreprocessor.run(local);
        Path out = tmp.resolve("spark");
        spark(PreprocessOptions.defaults(reviewsGz, metaGz, out).withFormat(ChunkType.TFRECORD), reviewsGz.toString(),
                metaGz.toString(), 3);
        assertSameDataset(out, tmp.resolve("local"));
    }

    /** Reviews and metadata with bad lines of every reason, duplicates and names that sort differently as UTF-16. */
    static final List<String> REVIEWS = List.of(
            review("B", "X2", 10), review("A", "X3", 5), review("C", "X1", 1), review("B", "X4", 40),
            "{\"reviewerID\": \"A\", \"asin\": \"X1\", \"unixReviewTime\": 5",
            review("B", "X1", 10), review("A", "X3", 7), review("B", "X3", 20), review("C", "X5", 2),
            "{\"reviewerID\": \"A\", \"unixReviewTime\": 5}",
            "",
            review("\uD83D\uDE00u", "X\uFF01", 3), review("\uD83D\uDE00u", "X1", 4), review("\uFF01u", "X1", 4),
            review("\uD83D\uDE00u", "X2", 4), review("\uFF01u", "X2", 5), review("\uFF01u", "X\uD83D\uDE00", 6),
            "[1, 2]",
            review("A", "X2", 6), review("B", "X1", 30), "{\"reviewerID\": \"A\", \"asin\": \"X1\", \"unixReviewTime\": \"5\"}");

    static final List<String> META = List.of(
            "{'asin': 'X1', 'title': 'One', 'price': 3.17, 'categories': [['Books', 'Mystery']]}",
            "{'asin': 'X7', 'title': 'unterminated}",
            "{'asin': 'X2', 'title': \"Don't\", 'categories': [['Books', \"Children's\"], ['Books', 'Other']]}",
            "['not', 'a', 'dict']",
            "{'asin': 'X3', 'title': 'Caf\\xc3\\xa9', 'related': {'also_bought': ['X1']}}",
            "{'asin': 'X1', 'categories': [['Books', 'Duplicate']]}",
            "{'asin': 'X\uFF01', 'categories': [['Books', '\uFF01 wide']]}",
            "{'asin': 'X\uD83D\uDE00', 'categories': [['Books', '\uD83D\uDE00 face']]}",
            "{'asin': 'X1', 'categories': [['Books', 'Again']]}",
            "{'asin': 'X5', 'categories': [['Books', 'Zed']]}");

    static String review(String user, String asin, long time) {
        return "{\"reviewerID\": \"" + user + "\", \"asin\": \"" + asin + "\", \"overall\": 4.0, \"unixReviewTime\": "
                + time + "}";
    }

    @Test
    void badInputGivesTheSameCountsMessageAndData(@TempDir Path tmp) throws IOException {
        Path r = tmp.resolve("reviews.json");
        Files.writeString(r, String.join("\n", REVIEWS) + "\n");
        Path m = tmp.resolve("meta.json.gz");
        writeGzip(m, META);
        // The same metadata cut short: its last line is torn.
        Path torn = tmp.resolve("torn.json.gz");
        byte[] whole = Files.readAllBytes(m);
        Files.write(torn, java.util.Arrays.copyOf(whole, whole.length - 12));
        for (Path meta : List.of(m, torn)) {
            PreprocessOptions strict = PreprocessOptions.defaults(r, meta, tmp.resolve("x")).withLimits(3, 3);
            String localMessage = messageOf(() -> AmazonPreprocessor.run(strict));
            String sparkMessage = messageOf(() -> spark(strict, r.toString(), meta.toString(), 3));
            assertThat(sparkMessage).isEqualTo(localMessage).contains("could not be used, more than --max-bad-lines 0",
                    "1 x malformed JSON (line 5)", "1 x missing asin (line 10)", "1 x empty line (line 11)",
                    "1 x not a JSON object (line 18)", "1 x unixReviewTime is not a whole number (line 21)",
                    "1 x not a valid Python literal (line 2)", "1 x not a dict (line 4)");
            if (meta == torn) {
                assertThat(sparkMessage).contains("truncated gzip (the file ends early)");
            } else {
                assertThat(sparkMessage).contains("2 x duplicate metadata for one asin (lines 6, 9)");
            }
            assertThat(tmp.resolve("x")).doesNotExist();

            PreprocessOptions lenient = PreprocessOptions.defaults(r, meta, tmp.resolve("local-" + meta.getFileName()))
                    .withLimits(3, 3).withMaxBadLines(20);
            PreprocessStats local = AmazonPreprocessor.run(lenient);
            for (int partitions : new int[] {1, 3, 8}) {
                Path out = tmp.resolve("spark-" + partitions + "-" + meta.getFileName());
                PreprocessStats s = spark(PreprocessOptions.defaults(r, meta, out).withLimits(3, 3).withMaxBadLines(20),
                        r.toString(), meta.toString(), partitions);
                assertSameDataset(out, lenient.out());
                assertThat(s.skippedReviewLines()).isEqualTo(local.skippedReviewLines());
                assertThat(s.skippedMetadataLines()).isEqualTo(local.skippedMetadataLines());
            }
        }
        // The hand-worked order: users by UTF-8 bytes (U+FF01 before the surrogate pair of U+1F600).
        assertThat(Files.readAllLines(tmp.resolve("local-meta.json.gz/vocab/users.tsv"))).containsExactly(
                "uid\treviewerID", "1\tA", "2\tB", "3\t\uFF01u", "4\t\uD83D\uDE00u");
    }

    @Test
    void theSparkSubmitEntryPointTakesTheCommandsFlags(@TempDir Path tmp) {
        Path out = tmp.resolve("submitted");
        assertThat(SparkAmazonMain.run(new String[] {"--reviews", reviewsGz.toString(), "--meta=" + metaGz,
            "--out", out.toString(), "--partitions", "3"})).isZero();
        assertSameDataset(out, localOut);
        assertThat(SparkAmazonMain.run(new String[] {"--reviews", reviewsGz.toString(), "--engine", "spark"})).isEqualTo(2);
        assertThat(SparkAmazonMain.run(new String[] {"--reviews", "x", "--meta", "y", "--out", tmp.resolve("o").toString(),
            "--format", "csv"})).isEqualTo(2);
        assertThat(SparkAmazonMain.run(new String[] {"--reviews", tmp.resolve("none").toString(), "--meta", "y", "--out",
            tmp.resolve("o").toString()})).isEqualTo(3);
    }

    @Test
    void aMissingInputIsNamed(@TempDir Path tmp) {
        Path missing = tmp.resolve("nope.json.gz");
        assertThatThrownBy(() -> spark(PreprocessOptions.defaults(missing, metaGz, tmp.resolve("o")), missing.toString(),
                metaGz.toString(), 2))
                .isInstanceOf(DataException.class)
                .hasMessage(missing + ": no such readable file (given with --reviews)");
        Path noMeta = tmp.resolve("nometa.json");
        assertThatThrownBy(() -> spark(PreprocessOptions.defaults(reviewsGz, noMeta, tmp.resolve("o")), reviewsGz.toString(),
                noMeta.toString(), 2))
                .isInstanceOf(DataException.class)
                .hasMessage(noMeta + ": no such readable file (given with --meta)");
        assertThat(tmp.resolve("o")).doesNotExist();
    }

    static String messageOf(Runnable run) {
        try {
            run.run();
        } catch (DataException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the run to fail");
    }

    static void writeGzip(Path file, List<String> lines) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Every file of both folders byte for byte, stats.json without its timings. */
    static void assertSameDataset(Path actual, Path expected) {
        assertThat(files(actual)).isEqualTo(files(expected));
        for (String f : files(expected)) {
            try {
                if (f.equals("stats.json")) {
                    assertThat(untimed(actual.resolve(f))).as(f).isEqualTo(untimed(expected.resolve(f)));
                } else {
                    assertThat(sha256(actual.resolve(f))).as(f).isEqualTo(sha256(expected.resolve(f)));
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
    }

    static String sha256(Path file) throws IOException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static ObjectNode untimed(Path stats) throws IOException {
        ObjectNode n = (ObjectNode) new ObjectMapper().readTree(stats.toFile());
        n.remove("phaseSeconds");
        n.remove("seconds");
        return n;
    }

    static List<String> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            List<String> out = new ArrayList<>();
            walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
