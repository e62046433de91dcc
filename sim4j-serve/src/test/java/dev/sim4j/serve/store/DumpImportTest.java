package dev.sim4j.serve.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import dev.sim4j.preprocess.amazon.AmazonPreprocessor;
import dev.sim4j.preprocess.amazon.PreprocessOptions;
import dev.sim4j.preprocess.synth.AmazonSynth;
import dev.sim4j.preprocess.synth.SynthConfig;
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
        SynthConfig d = SynthConfig.defaults();
        SynthConfig small = new SynthConfig(200, 600, 12, 9L, d.shortShare(), d.shortMean(), d.longMean(),
                d.maxReviews(), d.itemZipf(), d.categoryZipf(), d.interestGapMin(), d.interestGapMax(), d.driftRun(),
                d.noise(), d.missingMetaShare(), d.noCategoryShare(), d.unreviewedShare(), 2, 1);
        new AmazonSynth(small).write(tmp.resolve("raw"), false, (task, done, total) -> { });
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
        Files.writeString(tmp.resolve("bad.json"), "{\"reviewerID\": \"A\", \"asin\": \"B\"}\n");
        try (BehaviourStore s = BehaviourStore.open(tmp.resolve("bad"))) {
            assertThatThrownBy(() -> DumpImport.run(tmp.resolve("bad.json"), meta, s, n -> { }))
                    .isInstanceOf(DataException.class).hasMessageContaining("bad.json line 1")
                    .hasMessageContaining("unixReviewTime");
        }
    }
}
