package dev.sim4j.preprocess.amazon;

import static dev.sim4j.preprocess.amazon.AmazonFixture.META;
import static dev.sim4j.preprocess.amazon.AmazonFixture.REVIEWS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureSpecYaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fixture worked out by hand (min reviews 3, L = 3). Kept users A (uid 1), B (uid 2). Items by asin: X1 = 1,
 * X2 = 2, X3 = 3, X4 = 4. Categories by name: "Children's" = 1, "Mystery" = 2, "no_category" = 3 (X3 has metadata
 * without categories, X4 no metadata). Per user, (time, asin) order: A = X3, X2, X3 -> items 3, 2, 3, categories
 * 3, 1, 3; B = X1@10, X2@10, X3, X1, X4 -> items 1, 2, 3, 1, 4, categories 2, 1, 3, 2, 3.
 */
class AmazonPreprocessorTest {
    static List<Integer> l(int... v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }

    @Test
    void everyRowOfTheFixtureIsAsWorkedOutByHand(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        PreprocessStats stats = AmazonPreprocessor.run(AmazonFixture.options(
                AmazonFixture.write(tmp, "reviews", REVIEWS, false), AmazonFixture.write(tmp, "meta", META, false), out));

        List<AmazonFixture.Row> train = AmazonFixture.rows(out, "train");
        // uid, target, label and positive history, in order: A's positive then its twin, B's three then their twins.
        int[][] expected = {
            // label, uid, item, cat, pos items, pos cats
            {1, 1, 2, 1, 0, 0, 3, 0, 0, 3},
            {0, 1, -1, -1, 0, 0, 3, 0, 0, 3},
            {1, 2, 2, 1, 0, 0, 1, 0, 0, 2},
            {1, 2, 3, 3, 0, 1, 2, 0, 2, 1},
            {1, 2, 1, 2, 1, 2, 3, 2, 1, 3},
            {0, 2, -1, -1, 0, 0, 1, 0, 0, 2},
            {0, 2, -1, -1, 0, 1, 2, 0, 2, 1},
            {0, 2, -1, -1, 1, 2, 3, 2, 1, 3},
        };
        assertRows(train, expected);

        List<AmazonFixture.Row> test = AmazonFixture.rows(out, "test");
        int[][] expectedTest = {
            {1, 1, 3, 3, 0, 3, 2, 0, 3, 1},
            {0, 1, -1, -1, 0, 3, 2, 0, 3, 1},
            {1, 2, 4, 3, 2, 3, 1, 1, 3, 2},
            {0, 2, -1, -1, 2, 3, 1, 1, 3, 2},
        };
        assertRows(test, expectedTest);

        assertThat(stats.users()).isEqualTo(2);
        assertThat(stats.usersSeen()).isEqualTo(3);
        assertThat(stats.items()).isEqualTo(4);
        assertThat(stats.categories()).isEqualTo(3);
        assertThat(stats.rows()).isEqualTo(Map.of("train", 8L, "test", 4L));
        assertThat(stats.reviewsKept()).isEqualTo(8);
        assertThat(stats.itemsWithoutMetadata()).isEqualTo(1);
        assertThat(stats.itemsWithoutCategory()).isEqualTo(1);

        assertThat(Files.readAllLines(out.resolve("vocab/users.tsv"))).containsExactly("uid\treviewerID", "1\tA", "2\tB");
        assertThat(Files.readAllLines(out.resolve("vocab/items.tsv")))
                .containsExactly("item\tasin\tcategory", "1\tX1\t2", "2\tX2\t1", "3\tX3\t3", "4\tX4\t3");
        assertThat(Files.readAllLines(out.resolve("vocab/categories.tsv")))
                .containsExactly("category\tname", "1\tChildren's", "2\tMystery", "3\tno_category");
        var spec = FeatureSpecYaml.read(out);
        assertThat(spec.feature("user_feat_0").cardinality().getAsLong()).isEqualTo(2);
        assertThat(spec.feature("item_feat_0_pos").cardinality().getAsLong()).isEqualTo(4);
        assertThat(spec.feature("item_feat_1_neg").cardinality().getAsLong()).isEqualTo(3);
        assertThat(spec.feature("item_feat_0_neg").dimensions()).containsExactly(3);
    }

    /**
     * Negative targets and histories are random: each negative target and each negative-history entry must be a real
     * item (1..4) with its own category, drawn only where the positive history has a real item.
     */
    static void assertRows(List<AmazonFixture.Row> rows, int[][] expected) {
        int[] category = {0, 2, 1, 3, 3};
        assertThat(rows).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            int[] e = expected[i];
            AmazonFixture.Row r = rows.get(i);
            assertThat(r.label()).as("row %d label", i).isEqualTo(e[0]);
            assertThat(r.uid()).as("row %d uid", i).isEqualTo(e[1]);
            if (e[2] > 0) {
                assertThat(r.item()).as("row %d target", i).isEqualTo(e[2]);
                assertThat(r.cat()).as("row %d target category", i).isEqualTo(e[3]);
            } else {
                assertThat(r.item()).as("row %d sampled target", i).isBetween(1, 4);
                assertThat(r.cat()).isEqualTo(category[r.item()]);
            }
            assertThat(r.pos()).as("row %d history", i).isEqualTo(l(e[4], e[5], e[6]));
            assertThat(r.posCat()).as("row %d history categories", i).isEqualTo(l(e[7], e[8], e[9]));
            for (int k = 0; k < 3; k++) {
                if (r.pos().get(k) == 0) {
                    assertThat(r.neg().get(k)).as("row %d negative history padding", i).isZero();
                    assertThat(r.negCat().get(k)).isZero();
                } else {
                    assertThat(r.neg().get(k)).as("row %d negative history", i).isBetween(1, 4);
                    assertThat(r.negCat().get(k)).isEqualTo(category[r.neg().get(k)]);
                }
            }
        }
    }

    @Test
    void sameSeedGivesByteIdenticalOutputFromJsonOrGzip(@TempDir Path tmp) throws IOException {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        AmazonPreprocessor.run(AmazonFixture.options(AmazonFixture.write(tmp.resolve("plain"), "reviews", REVIEWS, false),
                AmazonFixture.write(tmp.resolve("plain"), "meta", META, false), a));
        AmazonPreprocessor.run(AmazonFixture.options(AmazonFixture.write(tmp.resolve("gz"), "reviews", REVIEWS, true),
                AmazonFixture.write(tmp.resolve("gz"), "meta", META, true), b));
        Map<String, byte[]> fa = files(a);
        Map<String, byte[]> fb = files(b);
        assertThat(fa.keySet()).isEqualTo(fb.keySet()).contains("feature_spec.yaml", "sequences/events.s4j", "stats.json");
        for (String f : fa.keySet()) {
            if (f.equals("stats.json")) {
                assertThat(withoutSeconds(fa.get(f))).as(f).isEqualTo(withoutSeconds(fb.get(f)));
            } else {
                assertThat(fa.get(f)).as(f).isEqualTo(fb.get(f));
            }
        }
        assertThat(AmazonFixture.rows(a, "train")).isEqualTo(AmazonFixture.rows(b, "train"));
        // Another seed draws other negatives.
        Path c = tmp.resolve("c");
        AmazonPreprocessor.run(new PreprocessOptions(tmp.resolve("plain/reviews.json"), tmp.resolve("plain/meta.json"), c,
                3, 3, 999, ChunkType.SIM4J_SEQUENCES, 8, 4, 0, 2, false));
        assertThat(AmazonFixture.rows(c, "train")).isNotEqualTo(AmazonFixture.rows(a, "train"));
    }

    static JsonNode withoutSeconds(byte[] json) throws IOException {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) new ObjectMapper().readTree(json);
        node.remove("seconds");
        node.remove("phaseSeconds");
        return node;
    }

    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(names = {"TFRECORD", "SIM4J"})
    void rowFormatsHoldTheSameRowsInPartsOfTheirOwnType(ChunkType format, @TempDir Path tmp) throws IOException {
        Path reviews = AmazonFixture.write(tmp, "reviews", REVIEWS, false);
        Path meta = AmazonFixture.write(tmp, "meta", META, false);
        Path compact = tmp.resolve("compact");
        Path rows = tmp.resolve("rows");
        AmazonPreprocessor.run(AmazonFixture.options(reviews, meta, compact));
        PreprocessStats stats = AmazonPreprocessor.run(AmazonFixture.options(reviews, meta, rows).withFormat(format));
        for (String mapping : List.of("train", "test")) {
            assertThat(AmazonFixture.rows(rows, mapping)).as(mapping).isEqualTo(AmazonFixture.rows(compact, mapping));
            assertThat(Dataset.open(rows).countRows(mapping)).isEqualTo(stats.rows().get(mapping));
        }
        var spec = FeatureSpecYaml.read(rows);
        String extension = format == ChunkType.TFRECORD ? ".tfrecord" : ".s4j";
        for (String mapping : List.of("train", "test")) {
            assertThat(spec.sources().get(mapping)).singleElement().satisfies(c -> {
                assertThat(c.type()).isEqualTo(format.specName());
                assertThat(c.files()).allSatisfy(f -> assertThat(f).startsWith(mapping + "/part_").endsWith(extension));
                for (String f : c.files()) {
                    byte[] head = Arrays.copyOf(Files.readAllBytes(rows.resolve(f)), 8);
                    assertThat(new String(head, StandardCharsets.ISO_8859_1).equals("SIM4JCOL"))
                            .as("%s has the columnar magic", f).isEqualTo(format == ChunkType.SIM4J);
                }
            });
        }
        assertThat(spec.sources().get("train").getFirst().files()).hasSize(8);
        assertThat(spec.sources().get("test").getFirst().files()).hasSize(4);
        assertThat(spec.sources().get("train").getFirst().features()).containsExactly("label", "user_feat_0",
                "item_feat_0_trgt", "item_feat_1_trgt", "item_feat_0_pos", "item_feat_1_pos", "item_feat_0_neg",
                "item_feat_1_neg");
        assertThat(Files.exists(rows.resolve(".sequences"))).isFalse();
        assertThat(Files.exists(rows.resolve("sequences"))).isFalse();
    }

    /** L = 1000, beyond the small-integer cache: the dataset validates and holds the L = 100 rows, padded further. */
    @Test
    void historiesOfAThousandValidateAndReadBack(@TempDir Path tmp) throws IOException {
        Path reviews = AmazonFixture.write(tmp, "reviews", REVIEWS, false);
        Path meta = AmazonFixture.write(tmp, "meta", META, false);
        Path hundred = tmp.resolve("l100");
        Path thousand = tmp.resolve("l1000");
        AmazonPreprocessor.run(AmazonFixture.options(reviews, meta, hundred).withLimits(3, 100));
        AmazonPreprocessor.run(AmazonFixture.options(reviews, meta, thousand).withLimits(3, 1000));
        Dataset ds = Dataset.open(thousand);
        assertThat(ds.channels().historyLength()).isEqualTo(1000);
        for (String mapping : List.of("train", "test")) {
            List<AmazonFixture.Row> expected = AmazonFixture.rows(hundred, mapping);
            List<AmazonFixture.Row> rows = AmazonFixture.rows(thousand, mapping);
            assertThat(rows).hasSameSizeAs(expected).isNotEmpty();
            for (int i = 0; i < rows.size(); i++) {
                AmazonFixture.Row r = rows.get(i);
                AmazonFixture.Row e = expected.get(i);
                assertThat(List.of(r.label(), r.uid(), r.item(), r.cat())).isEqualTo(List.of(e.label(), e.uid(), e.item(), e.cat()));
                for (var history : List.of(List.of(r.pos(), e.pos()), List.of(r.posCat(), e.posCat()),
                        List.of(r.neg(), e.neg()), List.of(r.negCat(), e.negCat()))) {
                    assertThat(history.get(0).subList(900, 1000)).as("%s row %d", mapping, i).isEqualTo(history.get(1));
                    assertThat(history.get(0).subList(0, 900)).containsOnly(0);
                }
            }
        }
    }

    @Test
    void theReaderYieldsExactlyTheRowsStatsAnnounce(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        AmazonPreprocessor.run(AmazonFixture.options(AmazonFixture.write(tmp, "reviews", REVIEWS, false),
                AmazonFixture.write(tmp, "meta", META, false), out));
        JsonNode stats = new ObjectMapper().readTree(out.resolve("stats.json").toFile());
        for (String mapping : List.of("train", "test")) {
            assertThat(Dataset.open(out).countRows(mapping)).isEqualTo(stats.get("rows").get(mapping).asLong());
        }
    }
}
