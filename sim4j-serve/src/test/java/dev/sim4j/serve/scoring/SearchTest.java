package dev.sim4j.serve.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.serve.store.BehaviourEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hard and soft search over a lifelong history (400 events) against windows built by brute force: each search's
 * score equals the score of its expected 100-event window given as a plain (RECENT) history.
 */
class SearchTest {
    static final int ITEMS = 300;
    static final int CATS = 5;

    private static Vocabularies vocab(Path dir) throws Exception {
        StringBuilder items = new StringBuilder("item\tasin\tcategory\n");
        for (int i = 1; i <= ITEMS; i++) {
            items.append(i).append("\tI").append(i).append('\t').append(1 + i % CATS).append('\n');
        }
        StringBuilder cats = new StringBuilder("category\tname\n");
        for (int c = 1; c <= CATS; c++) {
            cats.append(c).append("\tC").append(c).append('\n');
        }
        Files.writeString(dir.resolve("users.tsv"), "uid\treviewerID\n1\tU1\n");
        Files.writeString(dir.resolve("items.tsv"), items);
        Files.writeString(dir.resolve("categories.tsv"), cats);
        return Vocabularies.read(dir);
    }

    private static List<BehaviourEvent> lifelong(int n) {
        SplittableRandom rnd = new SplittableRandom(17);
        List<BehaviourEvent> h = new ArrayList<>();
        for (int k = 0; k < n; k++) { // newest first
            int i = 1 + rnd.nextInt(ITEMS);
            h.add(new BehaviourEvent("I" + i, "C" + (1 + i % CATS), n - k));
        }
        return h;
    }

    @Test
    void hardAndSoftSearchScoreTheirBruteForceWindows(@TempDir Path tmp) throws Exception {
        Vocabularies v = vocab(tmp);
        try (CpuBackend cpu = new CpuBackend(1)) {
            ModelConfig c = ModelConfig.defaults(ModelType.SIM, 1, ITEMS, CATS);
            CtrModel m = Models.create(c, cpu, 6);
            CandidateScorer s = new CandidateScorer(m, v);
            List<BehaviourEvent> h = lifelong(400);
            int shortN = c.shortLength();
            int longN = c.longLength();
            float[] itemTable = cpu.toFloats(m.parameters().get("embedding.item").value());
            float[] catTable = cpu.toFloats(m.parameters().get("embedding.category").value());
            int e = c.embeddingDim();
            for (int cand : new int[] {3, 77, 150}) {
                Candidate candidate = new Candidate("I" + cand, "C" + (1 + cand % CATS));
                // Hard: the 10 newest, then the newest 90 older events of the candidate's category.
                List<BehaviourEvent> hard = new ArrayList<>(h.subList(0, shortN));
                h.subList(shortN, h.size()).stream().filter(x -> x.category().equals(candidate.category()))
                        .limit(longN).forEach(hard::add);
                assertThat(s.score("U1", h, List.of(candidate), Search.HARD).logits())
                        .containsExactly(s.score("U1", hard, List.of(candidate), Search.RECENT).logits());
                // Soft: the 10 newest, then the 90 older events of largest <event, candidate>, in time order.
                int ci = cand;
                int cc = 1 + cand % CATS;
                List<Integer> older = IntStream.range(shortN, h.size()).boxed().sorted(Comparator
                        .comparingDouble((Integer k) -> -score(h.get(k), ci, cc, itemTable, catTable, e))
                        .thenComparingInt(k -> k)).limit(longN).sorted().toList();
                List<BehaviourEvent> soft = new ArrayList<>(h.subList(0, shortN));
                older.forEach(k -> soft.add(h.get(k)));
                float[] got = s.score("U1", h, List.of(candidate), Search.SOFT).logits();
                assertThat(got).containsExactly(s.score("U1", soft, List.of(candidate), Search.RECENT).logits());
                assertThat(got).as("soft search differs from the recent window here")
                        .isNotEqualTo(s.score("U1", h, List.of(candidate), Search.RECENT).logits());
            }
            // A history that fits the window: every search but hard is the training row's window.
            List<BehaviourEvent> shortHistory = h.subList(0, 100);
            Candidate any = new Candidate("I9", "C5");
            assertThat(s.score("U1", shortHistory, List.of(any), Search.SOFT).logits())
                    .containsExactly(s.score("U1", shortHistory, List.of(any), Search.RECENT).logits());
        }
    }

    private static double score(BehaviourEvent ev, int item, int cat, float[] items, float[] cats, int e) {
        int i = Integer.parseInt(ev.item().substring(1));
        int c = Integer.parseInt(ev.category().substring(1));
        double s = 0;
        for (int d = 0; d < e; d++) {
            s += (double) items[i * e + d] * items[item * e + d];
        }
        for (int d = 0; d < e; d++) {
            s += (double) cats[c * e + d] * cats[cat * e + d];
        }
        return s;
    }
}
