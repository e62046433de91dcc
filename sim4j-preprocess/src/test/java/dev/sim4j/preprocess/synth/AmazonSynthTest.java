package dev.sim4j.preprocess.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.data.OutputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generates a small dump once and checks its formats, quirks, determinism and planted structure. */
class AmazonSynthTest {
    private static final long SEED = 20240611L;
    private static final List<String> REVIEW_FIELDS = List.of("reviewerID", "asin", "reviewerName", "helpful",
            "reviewText", "overall", "summary", "unixReviewTime", "reviewTime");
    private static final Pattern REVIEWER = Pattern.compile("A[0-9A-Z]{12,13}");
    private static final Pattern ASIN = Pattern.compile("[0-9]{10}|B00[0-9A-Z]{7}");

    @TempDir
    static Path tmp;

    private static SynthConfig config;
    private static SynthSummary summary;
    private static List<JsonNode> reviews;
    private static List<Map<String, Object>> metadata;

    record Review(String user, String asin, long time) {
    }

    @BeforeAll
    static void generate() throws IOException {
        System.out.println("seed " + SEED);
        SynthConfig d = SynthConfig.defaults();
        config = new SynthConfig(700, 3_000, 100, SEED, 0.25, 2.0, 60, 600, d.itemZipf(), d.categoryZipf(),
                d.interestGapMin(), d.interestGapMax(), d.driftRun(), d.noise(), 0.02, 0.02, 0.02, 2, 6);
        summary = new AmazonSynth(config).write(tmp.resolve("a"), false, SynthProgress.NONE);
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        reviews = new ArrayList<>();
        for (String line : lines(tmp.resolve("a").resolve(AmazonSynth.REVIEWS_FILE))) {
            reviews.add(strict.readTree(line));
        }
        metadata = new ArrayList<>();
        for (String line : lines(tmp.resolve("a").resolve(AmazonSynth.META_FILE))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) PyLiteral.parse(line);
            metadata.add(m);
        }
    }

    private static List<String> lines(Path gz) throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
            return r.lines().toList();
        }
    }

    @Test
    void summaryMatchesTheFiles() {
        assertThat(summary.files()).extracting(SynthSummary.FileStats::name)
                .containsExactly(AmazonSynth.REVIEWS_FILE, AmazonSynth.META_FILE);
        assertThat(summary.files().get(0).lines()).isEqualTo(reviews.size());
        assertThat(summary.files().get(1).lines()).isEqualTo(metadata.size());
        assertThat(reviews.size()).isBetween(20_000, 60_000);
        try (var files = Files.list(tmp.resolve("a"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(AmazonSynth.REVIEWS_FILE, AmazonSynth.META_FILE);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sameConfigGivesIdenticalBytesWhateverTheThreadCount() throws IOException {
        SynthConfig c = config;
        SynthConfig oneThread = new SynthConfig(c.users(), c.items(), c.categories(), c.seed(), c.shortShare(),
                c.shortMean(), c.longMean(), c.maxReviews(), c.itemZipf(), c.categoryZipf(), c.interestGapMin(),
                c.interestGapMax(), c.driftRun(), c.noise(), c.missingMetaShare(), c.noCategoryShare(),
                c.unreviewedShare(), 1, c.gzipLevel());
        new AmazonSynth(oneThread).write(tmp.resolve("b"), false, SynthProgress.NONE);
        for (String f : List.of(AmazonSynth.REVIEWS_FILE, AmazonSynth.META_FILE)) {
            assertThat(Files.readAllBytes(tmp.resolve("b").resolve(f)))
                    .as(f).isEqualTo(Files.readAllBytes(tmp.resolve("a").resolve(f)));
        }
    }

    @Test
    void refusesToReplaceFilesUnlessAsked() throws IOException {
        Path dir = tmp.resolve("a");
        long before = Files.size(dir.resolve(AmazonSynth.REVIEWS_FILE));
        assertThatThrownBy(() -> new AmazonSynth(config).write(dir, false, SynthProgress.NONE))
                .isInstanceOf(OutputException.class).hasMessageContaining("exists");
        assertThat(Files.size(dir.resolve(AmazonSynth.REVIEWS_FILE))).isEqualTo(before);
        assertThatThrownBy(() -> new AmazonSynth(new SynthConfig(0, 10, 20, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--users", "--items");
    }

    @Test
    void everyReviewIsStrictJsonWithTheRealFields() {
        Set<String> withoutName = new HashSet<>();
        for (JsonNode r : reviews) {
            List<String> names = new ArrayList<>();
            r.fieldNames().forEachRemaining(names::add);
            List<String> expected = new ArrayList<>(REVIEW_FIELDS);
            if (!r.has("reviewerName")) {
                expected.remove("reviewerName");
                withoutName.add(r.get("reviewerID").asText());
            }
            assertThat(names).isEqualTo(expected);
            assertThat(r.get("reviewerID").asText()).matches(REVIEWER);
            assertThat(r.get("asin").asText()).matches(ASIN);
            JsonNode helpful = r.get("helpful");
            assertThat(helpful.size()).isEqualTo(2);
            assertThat(helpful.get(0).asInt()).isBetween(0, helpful.get(1).asInt());
            assertThat(r.get("overall").isDouble()).isTrue();
            assertThat(r.get("overall").asDouble()).isIn(1.0, 2.0, 3.0, 4.0, 5.0);
            assertThat(r.get("reviewText").asText()).isNotEmpty();
            long t = r.get("unixReviewTime").asLong();
            ZonedDateTime z = Instant.ofEpochSecond(t).atZone(ZoneOffset.UTC);
            assertThat(z.getYear()).isBetween(1996, 2014);
            assertThat(r.get("reviewTime").asText())
                    .isEqualTo(String.format("%02d %d, %d", z.getMonthValue(), z.getDayOfMonth(), z.getYear()));
        }
        assertThat(withoutName).isNotEmpty();
        double meanText = reviews.stream().mapToInt(r -> r.get("reviewText").asText().length()).average().orElseThrow();
        int maxText = reviews.stream().mapToInt(r -> r.get("reviewText").asText().length()).max().orElseThrow();
        assertThat(meanText).isBetween(150.0, 500.0);
        assertThat(maxText).isGreaterThan(2_000);
        assertThat(reviews).anyMatch(r -> r.path("reviewerName").asText().chars().anyMatch(ch -> ch > 127))
                .anyMatch(r -> r.path("reviewerName").asText().contains("\""));
    }

    @Test
    void everyMetadataLineIsAPythonLiteralOfTheDocumentedShape() {
        for (Map<String, Object> m : metadata) {
            assertThat((String) m.get("asin")).matches(ASIN);
            assertThat(m.keySet()).isSubsetOf("asin", "title", "price", "imUrl", "related", "salesRank",
                    "categories", "description");
            if (m.containsKey("categories")) {
                List<?> paths = (List<?>) m.get("categories");
                assertThat(paths).isNotEmpty().allSatisfy(p -> assertThat((List<?>) p).isNotEmpty()
                        .allSatisfy(x -> assertThat(x).isInstanceOf(String.class)));
            }
            if (m.containsKey("related")) {
                assertThat(((Map<?, ?>) m.get("related")).keySet().stream().map(Object::toString).toList()).isNotEmpty()
                        .isSubsetOf("also_bought", "also_viewed", "bought_together");
            }
            if (m.containsKey("salesRank")) {
                assertThat(((Map<?, ?>) m.get("salesRank")).get("Books")).isInstanceOf(Long.class);
            }
            if (m.containsKey("price")) {
                assertThat(m.get("price")).isInstanceOf(Double.class);
            }
        }
        assertThat(PyLiteral.repr("Children's Books")).isEqualTo("\"Children's Books\"");
        assertThat(PyLiteral.repr("He said \"Don't\"")).isEqualTo("'He said \"Don\\'t\"'");
    }

    @Test
    void quirksArePresent() {
        Set<String> reviewed = new HashSet<>();
        for (JsonNode r : reviews) {
            reviewed.add(r.get("asin").asText());
        }
        Set<String> described = new HashSet<>();
        Set<String> categoryNames = new HashSet<>();
        int noCategories = 0;
        int severalPaths = 0;
        int unreviewed = 0;
        for (Map<String, Object> m : metadata) {
            String asin = (String) m.get("asin");
            described.add(asin);
            unreviewed += reviewed.contains(asin) ? 0 : 1;
            if (!m.containsKey("categories")) {
                noCategories++;
                continue;
            }
            List<?> paths = (List<?>) m.get("categories");
            severalPaths += paths.size() > 1 ? 1 : 0;
            for (Object p : paths) {
                for (Object name : (List<?>) p) {
                    categoryNames.add((String) name);
                }
            }
        }
        long reviewedWithoutMeta = reviewed.stream().filter(a -> !described.contains(a)).count();
        assertThat(noCategories).isPositive();
        assertThat(severalPaths).isPositive();
        assertThat(unreviewed).isPositive();
        assertThat(reviewedWithoutMeta).isPositive();
        assertThat(reviewed).anyMatch(a -> a.startsWith("B00")).anyMatch(a -> Character.isDigit(a.charAt(0)));
        assertThat(categoryNames).contains("Children's Books", "Science Fiction & Fantasy", "Biografías");
        // Not ordered by user or by time, like the real dump.
        int userSwitches = 0;
        int timeInversions = 0;
        for (int i = 1; i < reviews.size(); i++) {
            userSwitches += reviews.get(i).get("reviewerID").equals(reviews.get(i - 1).get("reviewerID")) ? 0 : 1;
            timeInversions += reviews.get(i).get("unixReviewTime").asLong()
                    < reviews.get(i - 1).get("unixReviewTime").asLong() ? 1 : 0;
        }
        assertThat(userSwitches).isGreaterThan(reviews.size() / 2);
        assertThat(timeInversions).isGreaterThan(reviews.size() / 4);
        // Same-second ties within a user.
        Map<String, Set<Long>> times = new HashMap<>();
        long ties = reviews.stream().filter(r -> !times.computeIfAbsent(r.get("reviewerID").asText(),
                k -> new HashSet<>()).add(r.get("unixReviewTime").asLong())).count();
        assertThat(ties).isPositive();
    }

    @Test
    void aboutTheConfiguredShareOfUsersHasFewerThan20Reviews() {
        Map<String, Integer> counts = new HashMap<>();
        reviews.forEach(r -> counts.merge(r.get("reviewerID").asText(), 1, Integer::sum));
        assertThat(counts).hasSize(config.users());
        double shortShare = counts.values().stream().filter(n -> n < 20).count() / (double) counts.size();
        assertThat(shortShare).isBetween(config.shortShare() - 0.05, config.shortShare() + 0.05);
        assertThat(summary.keptUsers()).isEqualTo(counts.values().stream().filter(n -> n >= 20).count());
        assertThat(counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow()).isGreaterThan(200);
    }

    /**
     * The structure the models should find. Per kept user (>= 20 reviews, ordered by (time, asin) as the
     * preprocessing does), the last review is the target; negatives are drawn from all kept review rows as the
     * preprocessing does (several per user, to measure their rate precisely). A generator without structure makes target and negative exchangeable, so every share
     * below would be equal for both.
     */
    private static final int NEGATIVES = 20;

    @Test
    void plantedStructureIsMeasurable() {
        Map<String, String> category = new HashMap<>();
        for (Map<String, Object> m : metadata) {
            List<?> paths = (List<?>) m.get("categories");
            if (paths != null) {
                List<?> first = (List<?>) paths.get(0);
                category.put((String) m.get("asin"), (String) first.get(first.size() - 1));
            }
        }
        Map<String, List<Review>> byUser = new HashMap<>();
        for (JsonNode r : reviews) {
            String u = r.get("reviewerID").asText();
            byUser.computeIfAbsent(u, k -> new ArrayList<>())
                    .add(new Review(u, r.get("asin").asText(), r.get("unixReviewTime").asLong()));
        }
        List<String> pool = new ArrayList<>();
        List<List<String>> sequences = new ArrayList<>();
        for (List<Review> l : byUser.values()) {
            if (l.size() >= 20) {
                l.sort(Comparator.comparingLong(Review::time).thenComparing(Review::asin));
                List<String> cats = l.stream().map(x -> category.getOrDefault(x.asin(), "no_category")).toList();
                sequences.add(cats);
                pool.addAll(cats);
            }
        }
        sequences.sort(Comparator.comparing(Object::toString)); // HashMap order must not leak into the draws
        Random random = new Random(SEED);
        int olderOnlyTarget = 0;
        double olderOnlyNegative = 0;
        int recentTarget = 0;
        double recentNegative = 0;
        for (List<String> cats : sequences) {
            String target = cats.get(cats.size() - 1);
            List<String> history = cats.subList(Math.max(0, cats.size() - 101), cats.size() - 1);
            Set<String> recent = new HashSet<>(history.subList(history.size() - 10, history.size()));
            Set<String> older = new HashSet<>(history.subList(0, history.size() - 10));
            olderOnlyTarget += older.contains(target) && !recent.contains(target) ? 1 : 0;
            recentTarget += recent.contains(target) ? 1 : 0;
            for (int j = 0; j < NEGATIVES; j++) {
                String negative = pool.get(random.nextInt(pool.size()));
                olderOnlyNegative += older.contains(negative) && !recent.contains(negative) ? 1 : 0;
                recentNegative += recent.contains(negative) ? 1 : 0;
            }
        }
        double n = sequences.size();
        olderOnlyNegative /= NEGATIVES;
        recentNegative /= NEGATIVES;
        System.out.printf("kept users %d: target category only in the older history %.3f (negative %.3f), "
                + "in the last 10 %.3f (negative %.3f)%n", sequences.size(), olderOnlyTarget / n,
                olderOnlyNegative / n, recentTarget / n, recentNegative / n);
        // Long history helps beyond the last 10 (SIM > DIEN): the lifelong interests.
        assertThat(olderOnlyTarget / n).isGreaterThan(olderOnlyNegative / n + 0.05)
                .isGreaterThan(1.4 * olderOnlyNegative / n);
        // The last 10 help against popularity (DIN, DIEN > popularity): the short-term interest.
        assertThat(recentTarget / n).isGreaterThan(3 * recentNegative / n);
    }

    @Test
    void itemPopularityIsZipfLike() {
        Map<String, Integer> counts = new HashMap<>();
        reviews.forEach(r -> counts.merge(r.get("asin").asText(), 1, Integer::sum));
        int[] f = counts.values().stream().mapToInt(Integer::intValue).sorted().toArray();
        int m = f.length;
        // Least-squares slope of log(count) on log(rank) over ranks 10..1000.
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int k = 0;
        for (int rank = 10; rank <= Math.min(1000, m); rank++, k++) {
            double x = Math.log(rank);
            double y = Math.log(f[m - rank]);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
        long top = 0;
        long all = 0;
        for (int i = 0; i < m; i++) {
            all += f[i];
            top += i >= m - m / 100 ? f[i] : 0;
        }
        System.out.printf("popularity: log-log slope %.2f, top 1%% of items hold %.1f%% of reviews%n", slope,
                100.0 * top / all);
        assertThat(slope).isBetween(-1.5, -0.3);
        assertThat((double) top / all).isGreaterThan(0.05);
    }
}
