package dev.sim4j.serve.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.spec.ModelChannels;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.preprocess.amazon.AmazonPreprocessor;
import dev.sim4j.preprocess.amazon.PreprocessOptions;
import dev.sim4j.preprocess.synth.AmazonSynth;
import dev.sim4j.preprocess.synth.SynthConfig;
import dev.sim4j.serve.store.BehaviourEvent;
import dev.sim4j.serve.store.BehaviourStore;
import dev.sim4j.serve.store.DatasetImport;
import dev.sim4j.train.BatchTensors;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Training-serving consistency (issue 12, item 5): for every test row of a dataset, scoring its target from the
 * behaviour store (the dataset imported, the user's pool = every event but the newest, the test target) gives the
 * logit {@code predict} gives the row, within 1e-6, with the recent window and with soft search over the same
 * 100-event history.
 */
class TrainingServingConsistencyTest {
    @TempDir
    static Path tmp;
    static Path dataset;

    @BeforeAll
    static void data() {
        SynthConfig d = SynthConfig.defaults();
        SynthConfig small = new SynthConfig(250, 700, 15, 5L, d.shortShare(), d.shortMean(), d.longMean(),
                d.maxReviews(), d.itemZipf(), d.categoryZipf(), d.interestGapMin(), d.interestGapMax(), d.driftRun(),
                d.noise(), d.missingMetaShare(), d.noCategoryShare(), d.unreviewedShare(), 2, 1);
        new AmazonSynth(small).write(tmp.resolve("raw"), false, (task, done, total) -> { });
        dataset = tmp.resolve("ds");
        AmazonPreprocessor.run(PreprocessOptions.defaults(tmp.resolve("raw").resolve(AmazonSynth.REVIEWS_FILE),
                tmp.resolve("raw").resolve(AmazonSynth.META_FILE), dataset));
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void storeScoresEqualPredictOnTheTestRows(ModelType type) {
        Dataset ds = Dataset.open(dataset);
        ModelChannels ch = ds.channels();
        ModelConfig config = ModelConfig.defaults(type, (int) ch.user().getFirst().cardinality().orElseThrow(),
                (int) ch.targetItem().getFirst().cardinality().orElseThrow(),
                (int) ch.targetItem().get(1).cardinality().orElseThrow());
        Vocabularies vocab = Vocabularies.read(dataset.resolve("vocab"));
        try (CpuBackend cpu = new CpuBackend(2);
             BehaviourStore store = BehaviourStore.open(tmp.resolve("store-" + type))) {
            DatasetImport.run(dataset, store, n -> { });
            CtrModel model = Models.create(config, cpu, 31);
            CandidateScorer scorer = new CandidateScorer(model, vocab);
            BatchTensors tensors = new BatchTensors(cpu, config.historyLength());
            int rows = 0;
            double worst = 0;
            try (BatchPipeline batches = ds.batches("test", BatchOptions.of(512))) {
                while (batches.hasNext()) {
                    Batch batch = batches.next();
                    float[] want = cpu.toFloats(model.predict(tensors.upload(batch)));
                    for (int r = 0; r < batch.size(); r++) {
                        String user = vocab.users().name(batch.user()[0][r]);
                        int item = batch.targetItem()[0][r];
                        int cat = batch.targetItem()[1][r];
                        List<BehaviourEvent> newest = store.history(user, config.historyLength() + 1);
                        List<BehaviourEvent> pool = newest.subList(1, newest.size()); // the newest is the test target
                        CandidateScorer.Scores got = scorer.score(user, pool,
                                List.of(new Candidate(vocab.items().name(item), vocab.categories().name(cat))));
                        worst = Math.max(worst, Math.abs(got.logits()[0] - want[r]));
                        // Soft search over the same 100-event history is the training row's window too.
                        CandidateScorer.Scores soft = scorer.score(user, pool.subList(0, Math.min(100, pool.size())),
                                List.of(new Candidate(vocab.items().name(item), vocab.categories().name(cat))),
                                Search.SOFT);
                        worst = Math.max(worst, Math.abs(soft.logits()[0] - want[r]));
                        rows++;
                    }
                }
            }
            System.out.printf("[sim4j] %s: %d test rows scored from the store, largest logit difference to predict "
                    + "%.3g%n", type, rows, worst);
            assertThat(rows).isEqualTo(2 * vocab.users().size());
            assertThat(worst).isLessThanOrEqualTo(1e-6);
        }
    }
}
