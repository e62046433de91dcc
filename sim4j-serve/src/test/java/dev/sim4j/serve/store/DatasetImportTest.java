package dev.sim4j.serve.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.format.sequence.SequenceStore;
import dev.sim4j.data.format.sequence.SequenceStoreFiles;
import dev.sim4j.preprocess.amazon.AmazonPreprocessor;
import dev.sim4j.preprocess.amazon.PreprocessOptions;
import dev.sim4j.preprocess.synth.AmazonSynth;
import dev.sim4j.preprocess.synth.SynthConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A preprocessed dataset imported into the store: every user's whole sequence, in raw ids, in order. */
class DatasetImportTest {
    @Test
    void importsEveryUsersWholeSequenceInRawIds(@TempDir Path tmp) {
        SynthConfig d = SynthConfig.defaults();
        SynthConfig small = new SynthConfig(300, 800, 20, 11L, d.shortShare(), d.shortMean(), d.longMean(),
                d.maxReviews(), d.itemZipf(), d.categoryZipf(), d.interestGapMin(), d.interestGapMax(), d.driftRun(),
                d.noise(), d.missingMetaShare(), d.noCategoryShare(), d.unreviewedShare(), 2, 1);
        new AmazonSynth(small).write(tmp.resolve("raw"), false, (task, done, total) -> { });
        Path ds = tmp.resolve("ds");
        AmazonPreprocessor.run(PreprocessOptions.defaults(tmp.resolve("raw").resolve(AmazonSynth.REVIEWS_FILE),
                tmp.resolve("raw").resolve(AmazonSynth.META_FILE), ds));
        SequenceStore seq = SequenceStoreFiles.read(ds.resolve("sequences").resolve(SequenceStoreFiles.STORE));
        Vocabulary users = Vocabulary.read(ds.resolve("vocab/users.tsv"));
        Vocabulary items = Vocabulary.read(ds.resolve("vocab/items.tsv"));
        Vocabulary cats = Vocabulary.read(ds.resolve("vocab/categories.tsv"));
        try (BehaviourStore store = BehaviourStore.open(tmp.resolve("store"))) {
            long[] progress = {0};
            DatasetImport.Result r = DatasetImport.run(ds, store, n -> progress[0] = n);
            assertThat(r.users()).isEqualTo(seq.users());
            assertThat(r.events()).isEqualTo(seq.totalEvents());
            assertThat(progress[0]).isEqualTo(seq.users());
            StoreStats stats = store.stats();
            assertThat(stats.users()).isEqualTo(seq.users());
            assertThat(stats.events()).isEqualTo(seq.totalEvents());
            int at = 0;
            for (int u = 0; u < seq.users(); u++) {
                int n = seq.lengths()[u];
                List<BehaviourEvent> h = store.history(users.name(u + 1), Integer.MAX_VALUE);
                assertThat(h).hasSize(n);
                for (int k = 0; k < n; k++) { // most recent first
                    BehaviourEvent e = h.get(n - 1 - k);
                    assertThat(e.item()).isEqualTo(items.name(seq.items()[at + k]));
                    assertThat(e.category()).isEqualTo(cats.name(seq.cats()[at + k]));
                    assertThat(e.time()).isEqualTo(k);
                }
                at += n;
            }
            assertThatThrownBy(() -> DatasetImport.run(ds, store, n -> { })).isInstanceOf(OutputException.class)
                    .hasMessageContaining("already holds");
        }
    }

    @Test
    void aDatasetWithoutSequencesOrVocabulariesIsNamed(@TempDir Path tmp) throws Exception {
        Path ds = Files.createDirectories(tmp.resolve("ds"));
        try (BehaviourStore store = BehaviourStore.open(tmp.resolve("store"))) {
            assertThatThrownBy(() -> DatasetImport.run(ds, store, n -> { })).isInstanceOf(DataException.class)
                    .hasMessageContaining("no sequence store").hasMessageContaining("--format sim4j");
        }
        Path vocab = Files.createDirectories(tmp.resolve("v"));
        Files.writeString(vocab.resolve("users.tsv"), "uid\treviewerID\n1\tA\n3\tB\n");
        assertThatThrownBy(() -> Vocabulary.read(vocab.resolve("users.tsv"))).isInstanceOf(DataException.class)
                .hasMessageContaining("line 3").hasMessageContaining("id 3 where 2 was expected");
        assertThatThrownBy(() -> Vocabulary.read(vocab.resolve("items.tsv"))).isInstanceOf(DataException.class)
                .hasMessageContaining("missing");
    }
}
