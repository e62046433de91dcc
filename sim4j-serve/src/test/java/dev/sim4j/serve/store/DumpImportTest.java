package dev.sim4j.serve.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import dev.sim4j.preprocess.amazon.AmazonPreprocessor;
import dev.sim4j.preprocess.amazon.PreprocessOptions;
import dev.sim4j.preprocess.synth.AmazonSynth;
import dev.sim4j.preprocess.synth.SynthConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raw dump imported: every review of every user with its real time; for the users preprocessing keeps, the same
 * (item, category) sequence as the preprocessed dataset's import.
 */
class DumpImportTest {
    @Test
    void importsEveryReviewAndAgreesWithTheDatasetOnKeptUsers(@TempDir Path tmp) throws Exception {
        writeDump(tmp.resolve("raw"), 200, 600, 12, 9L);
        Path reviews = tmp.resolve("raw").resolve(AmazonSynth.REVIEWS_FILE);
        Path meta = tmp.resolve("raw").resolve(AmazonSynth.META_FILE);
        Path ds = tmp.resolve("ds");
        var pre = AmazonPreprocessor.run(PreprocessOptions.defaults(reviews, meta, ds));
        try (BehaviourStore fromDump = BehaviourStore.open(tmp.resolve("dump"));
             BehaviourStore fromDataset = BehaviourStore.open(tmp.resolve("dataset"))) {
            DumpImport.Result r = DumpImport.run(reviews, meta, fromDump, n -> { });
            DatasetImport.run(ds, fromDataset, n -> { });
            assertThat(r.events()).isEqualTo(pre.reviewLinesRead());
            assertThat(r.users()).isEqualTo(pre.usersSeen());
            assertThat(fromDump.stats().events()).isEqualTo(r.events());
            Vocabulary users = Vocabulary.read(ds.resolve("vocab/users.tsv"));
            for (int u = 1; u <= users.size(); u++) {
                String user = users.name(u);
                List<BehaviourEvent> a = fromDump.history(user, Integer.MAX_VALUE);
                List<BehaviourEvent> b = fromDataset.history(user, Integer.MAX_VALUE);
                assertThat(a).as(user).hasSameSizeAs(b);
                for (int k = 0; k < a.size(); k++) {
                    assertThat(a.get(k).item()).isEqualTo(b.get(k).item());
                    assertThat(a.get(k).category()).isEqualTo(b.get(k).category());
                }
                for (int k = 1; k < a.size(); k++) {
                    assertThat(a.get(k).time()).as("real times, newest first").isLessThanOrEqualTo(a.get(k - 1).time());
                }
            }
        }
        Files.writeString(tmp.resolve("bad.json"), "{\"reviewerID\": \"A\", \"asin\": \"B\", \"unixReviewTime\": 5}\n"
                + "{\"reviewerID\": \"A\", \"asin\": \"B\"}\n");
        try (BehaviourStore s = BehaviourStore.open(tmp.resolve("bad"))) {
            assertThatThrownBy(() -> DumpImport.run(tmp.resolve("bad.json"), meta, s, n -> { }))
                    .isInstanceOf(DataException.class).hasMessageContaining("bad.json line 2")
                    .hasMessageContaining("unixReviewTime");
        }
        assertThat(spillFolders(tmp)).as("no partition folder left after a failed import").isEmpty();
    }

    /**
     * Spilling to several partitions (users split by hash, each partition gathered alone) gives every user the
     * history one partition gives, and leaves no partition files behind.
     */
    @Test
    void partitionsChangeNothingAndAreRemoved(@TempDir Path tmp) throws Exception {
        writeDump(tmp.resolve("raw"), 150, 400, 9, 4L);
        Path reviews = tmp.resolve("raw").resolve(AmazonSynth.REVIEWS_FILE);
        Path meta = tmp.resolve("raw").resolve(AmazonSynth.META_FILE);
        try (BehaviourStore one = BehaviourStore.open(tmp.resolve("one"));
             BehaviourStore seven = BehaviourStore.open(tmp.resolve("seven"))) {
            DumpImport.Result a = DumpImport.run(reviews, meta, one, n -> { }, 1);
            DumpImport.Result b = DumpImport.run(reviews, meta, seven, n -> { }, 7);
            assertThat(b.users()).isEqualTo(a.users()).isPositive();
            assertThat(b.events()).isEqualTo(a.events());
            assertThat(seven.stats().users()).isEqualTo(one.stats().users());
            java.util.Set<String> reviewers = reviewers(reviews);
            assertThat(reviewers).hasSize((int) a.users());
            for (String user : reviewers) {
                assertThat(seven.history(user, Integer.MAX_VALUE)).as(user)
                        .containsExactlyElementsOf(one.history(user, Integer.MAX_VALUE));
            }
        }
        assertThat(spillFolders(tmp)).isEmpty();
    }

    /** A small synthetic raw dump (the default shape otherwise) in {@code dir}. */
    private static void writeDump(Path dir, int users, int items, int categories, long seed) throws Exception {
        SynthConfig d = SynthConfig.defaults();
        SynthConfig small = new SynthConfig(users, items, categories, seed, d.shortShare(), d.shortMean(),
                d.longMean(), d.maxReviews(), d.itemZipf(), d.categoryZipf(), d.interestGapMin(), d.interestGapMax(),
                d.driftRun(), d.noise(), d.missingMetaShare(), d.noCategoryShare(), d.unreviewedShare(), 2, 1);
        new AmazonSynth(small).write(dir, false, (task, done, total) -> { });
    }

    /** The reviewer ids of a gzipped review dump. */
    private static java.util.Set<String> reviewers(Path reviews) throws Exception {
        java.util.Set<String> users = new java.util.TreeSet<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
                new java.util.zip.GZIPInputStream(Files.newInputStream(reviews)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                users.add(json.readTree(line).get("reviewerID").asText());
            }
        }
        return users;
    }

    private static List<Path> spillFolders(Path dir) throws Exception {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().contains(".import-")).toList();
        }
    }
}
