package dev.sim4j.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.serve.scoring.Candidate;
import dev.sim4j.serve.scoring.CandidateScorer;
import dev.sim4j.serve.scoring.Search;
import dev.sim4j.serve.scoring.Vocabularies;
import dev.sim4j.serve.store.BehaviourEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests that arrive together share one model pass, and each still gets exactly its own scores; several lanes
 * (each its own model on its own backend) share the queue and give the same scores.
 */
class ScoreBatcherTest {
    /** Three users, 40 items in 3 categories. */
    static void writeVocab(Path tmp) throws Exception {
        StringBuilder items = new StringBuilder("item\tasin\tcategory\n");
        for (int i = 1; i <= 40; i++) {
            items.append(i).append("\tI").append(i).append('\t').append(1 + i % 3).append('\n');
        }
        Files.writeString(tmp.resolve("items.tsv"), items);
        Files.writeString(tmp.resolve("users.tsv"), "uid\treviewerID\n1\tU1\n2\tU2\n3\tU3\n");
        Files.writeString(tmp.resolve("categories.tsv"), "category\tname\n1\tC1\n2\tC2\n3\tC3\n");
    }

    @Test
    void requestsArrivingTogetherAreScoredInOnePassWithTheirOwnScores(@TempDir Path tmp) throws Exception {
        writeVocab(tmp);
        try (CpuBackend cpu = new CpuBackend(1)) {
            CandidateScorer scorer = new CandidateScorer(Models.create(ModelConfig.defaults(ModelType.SIM, 3, 40, 3),
                    cpu, 2), Vocabularies.read(tmp));
            List<CandidateScorer.Prepared> requests = new ArrayList<>();
            List<float[]> alone = new ArrayList<>();
            for (int q = 0; q < 5; q++) {
                List<BehaviourEvent> h = new ArrayList<>();
                for (int k = 0; k < 20 + q * 7; k++) {
                    int i = 1 + (k * 7 + q) % 40;
                    h.add(new BehaviourEvent("I" + i, "C" + (1 + i % 3), 100 - k));
                }
                List<Candidate> cands = new ArrayList<>();
                for (int c = 0; c < 3 + q; c++) {
                    int i = 1 + (c * 11 + q) % 40;
                    cands.add(new Candidate("I" + i, "C" + (1 + i % 3)));
                }
                String user = "U" + (1 + q % 3);
                requests.add(scorer.prepare(user, h, cands, Search.SOFT));
                alone.add(scorer.score(user, h, cands, Search.SOFT).logits());
            }
            List<Integer> passes = new CopyOnWriteArrayList<>();
            try (ScoreBatcher b = new ScoreBatcher(List.of(scorer), 4096, 200_000_000L, 16, passes::add)) {
                List<CompletableFuture<CandidateScorer.Scores>> futures = new ArrayList<>();
                for (CandidateScorer.Prepared p : requests) {
                    futures.add(b.submit(p).orElseThrow());
                }
                for (int q = 0; q < 5; q++) {
                    assertThat(futures.get(q).get().logits()).as("request " + q).containsExactly(alone.get(q));
                }
            }
            assertThat(passes).as("rows per model pass").containsExactly(3 + 4 + 5 + 6 + 7);
        }
    }

    @Test
    void twoLanesShareTheQueueAndGiveEachRequestItsOwnScores(@TempDir Path tmp) throws Exception {
        writeVocab(tmp);
        ModelConfig config = ModelConfig.defaults(ModelType.SIM, 3, 40, 3);
        try (CpuBackend a = new CpuBackend(1); CpuBackend b = new CpuBackend(1)) {
            Vocabularies v = Vocabularies.read(tmp);
            // The same seed: two copies of one model, as serve loads the checkpoint once per lane.
            List<CandidateScorer> lanes = List.of(new CandidateScorer(Models.create(config, a, 2), v),
                    new CandidateScorer(Models.create(config, b, 2), v));
            List<CandidateScorer.Prepared> requests = new ArrayList<>();
            List<float[]> alone = new ArrayList<>();
            for (int q = 0; q < 40; q++) {
                List<BehaviourEvent> h = new ArrayList<>();
                for (int k = 0; k < 30 + q; k++) {
                    int i = 1 + (k * 7 + q) % 40;
                    h.add(new BehaviourEvent("I" + i, "C" + (1 + i % 3), 100 - k));
                }
                List<Candidate> cands = List.of(new Candidate("I" + (1 + q % 40), "C1"),
                        new Candidate("I" + (1 + (q * 3) % 40), "C2"));
                requests.add(lanes.get(0).prepare("U" + (1 + q % 3), h, cands, Search.SOFT));
                alone.add(lanes.get(0).score("U" + (1 + q % 3), h, cands, Search.SOFT).logits());
            }
            List<String> laneNames = new CopyOnWriteArrayList<>();
            // At most one request per pass, no waiting: the lanes take requests as they come free.
            try (ScoreBatcher batcher = new ScoreBatcher(lanes, 2, 0L, 64,
                    rows -> laneNames.add(Thread.currentThread().getName()))) {
                List<CompletableFuture<CandidateScorer.Scores>> futures = new ArrayList<>();
                for (CandidateScorer.Prepared p : requests) {
                    futures.add(batcher.submit(p).orElseThrow());
                }
                for (int q = 0; q < requests.size(); q++) {
                    assertThat(futures.get(q).get().logits()).as("request " + q).containsExactly(alone.get(q));
                }
            }
            assertThat(laneNames).hasSize(40);
            assertThat(new java.util.HashSet<>(laneNames)).containsExactlyInAnyOrder("sim4j-score-lane-0",
                    "sim4j-score-lane-1");
        }
    }
}
