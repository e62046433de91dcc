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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
