package dev.sim4j.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.GpuTests;
import dev.sim4j.cuda.backend.CudaBackend;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.serve.scoring.Candidate;
import dev.sim4j.serve.scoring.CandidateScorer;
import dev.sim4j.serve.scoring.Search;
import dev.sim4j.serve.scoring.Vocabularies;
import dev.sim4j.serve.store.BehaviourEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code serve --device cuda}'s scoring lane: a model on the GPU, driven by the batcher's lane thread (not the thread
 * that made it), scores micro-batched requests of every search as the CPU lane does, to float rounding (TF32 off).
 * Skipped without a GPU.
 */
class CudaScoringLaneTest {
    @ParameterizedTest
    @EnumSource(ModelType.class)
    void aGpuLaneScoresAsTheCpuLaneDoes(ModelType type, @TempDir Path tmp) throws Exception {
        CudaLibraries libs = GpuTests.librariesOrSkip();
        ScoreBatcherTest.writeVocab(tmp);
        Vocabularies vocab = Vocabularies.read(tmp);
        ModelConfig config = ModelConfig.defaults(type, 3, 40, 3);
        try (CpuBackend cpu = new CpuBackend(1); CudaBackend gpu = new CudaBackend(libs, 0, false, false, null)) {
            CandidateScorer onCpu = new CandidateScorer(Models.create(config, cpu, 2), vocab);
            CandidateScorer onGpu = new CandidateScorer(Models.create(config, gpu, 2), vocab);
            List<Integer> passes = new CopyOnWriteArrayList<>();
            try (ScoreBatcher lane = new ScoreBatcher(List.of(onGpu), 4096, 200_000_000L, 64, passes::add)) {
                double worst = 0;
                int rows = 0;
                for (Search search : Search.values()) {
                    List<CandidateScorer.Prepared> requests = new ArrayList<>();
                    for (int q = 0; q < 5; q++) {
                        List<BehaviourEvent> h = new ArrayList<>();
                        for (int k = 0; k < 20 + q * 37; k++) {
                            int i = 1 + (k * 7 + q) % 40;
                            h.add(new BehaviourEvent("I" + i, "C" + (1 + i % 3), 1000 - k));
                        }
                        List<Candidate> cands = new ArrayList<>();
                        for (int c = 0; c < 3 + 9 * q; c++) {
                            int i = 1 + (c * 11 + q) % 40;
                            cands.add(new Candidate("I" + i, "C" + (1 + i % 3)));
                        }
                        requests.add(onCpu.prepare("U" + (1 + q % 3), h, cands, search));
                    }
                    List<CandidateScorer.Scores> expected = onCpu.scoreAll(requests);
                    List<CompletableFuture<CandidateScorer.Scores>> answers = new ArrayList<>();
                    for (CandidateScorer.Prepared p : requests) {
                        answers.add(lane.submit(p).orElseThrow());
                    }
                    for (int q = 0; q < requests.size(); q++) {
                        float[] want = expected.get(q).logits();
                        float[] got = answers.get(q).get().logits();
                        assertThat(got).as(type + " " + search + " request " + q).hasSameSizeAs(want);
                        for (int c = 0; c < want.length; c++) {
                            worst = Math.max(worst, Math.abs(got[c] - want[c]));
                        }
                        rows += want.length;
                    }
                }
                System.out.printf("[sim4j] %s GPU lane: %d rows in %d passes, max |logit difference| to the CPU %.3g%n",
                        type, rows, passes.size(), worst);
                assertThat(worst).as(type + " logits, GPU lane against CPU").isLessThanOrEqualTo(1e-5);
                assertThat(passes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(rows);
            }
        }
    }
}
