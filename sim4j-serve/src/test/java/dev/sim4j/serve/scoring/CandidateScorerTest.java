package dev.sim4j.serve.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.serve.store.BehaviourEvent;
import dev.sim4j.serve.store.Vocabulary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Raw ids to scores: candidate order, cold start, the history window. */
class CandidateScorerTest {
    private static Vocabularies vocab(Path dir) throws Exception {
        Files.writeString(dir.resolve("users.tsv"), "uid\treviewerID\n1\tU1\n2\tU2\n");
        Files.writeString(dir.resolve("items.tsv"), "item\tasin\tcategory\n1\tI1\t1\n2\tI2\t2\n3\tI3\t1\n");
        Files.writeString(dir.resolve("categories.tsv"), "category\tname\n1\tBooks\n2\tKids\n");
        return Vocabularies.read(dir);
    }

    @Test
    void scoresFollowTheCandidatesOrderAndColdStartIsThePaddingId(@TempDir Path tmp) throws Exception {
        Vocabularies v = vocab(tmp);
        assertThat(v.items().id("I3")).isEqualTo(3);
        assertThat(v.items().id("never seen")).isZero();
        try (CpuBackend cpu = new CpuBackend(1)) {
            CtrModel m = Models.create(ModelConfig.defaults(ModelType.SIM, 2, 3, 2), cpu, 4);
            CandidateScorer s = new CandidateScorer(m, v);
            List<BehaviourEvent> h = List.of(new BehaviourEvent("I1", "Books", 3), new BehaviourEvent("I2", "Kids", 2));
            Candidate a = new Candidate("I2", "Kids");
            Candidate b = new Candidate("I3", "Books");
            float[] ab = s.score("U1", h, List.of(a, b)).logits();
            float[] ba = s.score("U1", h, List.of(b, a)).logits();
            assertThat(ba).containsExactly(ab[1], ab[0]);
            assertThat(ab[0]).isNotEqualTo(ab[1]);
            // Unknown user and item: scored with the padding id, as a user and item the model never saw.
            CandidateScorer.Scores cold = s.score("stranger", List.of(), List.of(new Candidate("new", "new")));
            assertThat(cold.probabilities()[0]).isBetween(0f, 1f);
            assertThat(cold.historyEvents()).isZero();
            assertThat(s.score("U1", h, List.of(a)).logits()[0]).as("the history counts")
                    .isNotEqualTo(s.score("U1", List.of(), List.of(a)).logits()[0]);
            assertThatThrownBy(() -> s.score("U1", h, List.of())).hasMessageContaining("no candidates");
        }
    }

    /**
     * A request's candidates share the user and the short history, so the models run its GRU once (SharedRows): the
     * logits must be those of each candidate scored alone, for requests of different users scored in one pass.
     */
    @ParameterizedTest
    @EnumSource(ModelType.class)
    void candidatesScoredTogetherGetTheLogitsTheyGetAlone(ModelType type, @TempDir Path tmp) throws Exception {
        Vocabularies v = vocab(tmp);
        try (CpuBackend cpu = new CpuBackend(1)) {
            CtrModel m = Models.create(ModelConfig.defaults(type, 2, 3, 2), cpu, 9);
            CandidateScorer s = new CandidateScorer(m, v);
            String[] items = {"I1", "I2", "I3"};
            String[] cats = {"Books", "Kids", "Books"};
            List<BehaviourEvent> h1 = new ArrayList<>();
            List<BehaviourEvent> h2 = new ArrayList<>();
            for (int k = 0; k < 130; k++) {
                h1.add(new BehaviourEvent(items[k % 3], cats[k % 3], 1000 - k));
                h2.add(new BehaviourEvent(items[(k * 7 + 1) % 3], cats[(k * 7 + 1) % 3], 1000 - k));
            }
            List<Candidate> candidates = new ArrayList<>();
            for (int c = 0; c < 9; c++) {
                candidates.add(new Candidate(items[c % 3], cats[(c / 3) % 3]));
            }
            for (Search search : Search.values()) {
                List<CandidateScorer.Scores> together = s.scoreAll(List.of(s.prepare("U1", h1, candidates, search),
                        s.prepare("U2", h2, candidates, search), s.prepare("U1", h2.subList(0, 4), candidates, search)));
                List<List<BehaviourEvent>> histories = List.of(h1, h2, h2.subList(0, 4));
                String[] users = {"U1", "U2", "U1"};
                for (int q = 0; q < 3; q++) {
                    for (int c = 0; c < candidates.size(); c++) {
                        float alone = s.score(users[q], histories.get(q), List.of(candidates.get(c)), search).logits()[0];
                        assertThat(together.get(q).logits()[c]).as(type + " " + search + " request " + q + " candidate " + c)
                                .isEqualTo(alone);
                    }
                }
            }
        }
    }
}
