package dev.sim4j.serve.http;

import dev.sim4j.serve.scoring.Candidate;
import dev.sim4j.serve.scoring.CandidateScorer;
import dev.sim4j.serve.scoring.EncodedHistory;
import dev.sim4j.serve.scoring.Search;
import dev.sim4j.serve.scoring.Vocabularies;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Synthetic score requests run before the service listens, so that its first real requests meet compiled code.
 *
 * <p>Why: the model's kernels use the Vector API, which runs as a slow library fallback until the JIT's C2 compiles
 * them (a cold server's first requests took tens of milliseconds more), and the compiler's own CPU then competes
 * with the requests. Each warm-up request is what a request of 100 candidates over a 1,000-event history costs: the
 * history search on this thread (soft, and every fourth the recent search), the model pass on the scoring lanes
 * through the batcher (the same queue, batching and lanes as a real request; its rows count in the batch-size
 * metric), and the answer's JSON. The history and candidates are drawn from the vocabularies with a fixed seed, so
 * the code is profiled on data like the real requests' (a warm-up of users without history, all padding, would
 * teach the JIT branches that real requests then undo); nothing is read from or written to the store, and the scores
 * are thrown away. The HTTP server's own paths warm up with the first real requests.
 */
final class ServingWarmUp {
    /** Requests in flight at once: enough to keep every lane busy and let the batcher gather several. */
    private static final int IN_FLIGHT = 8;
    private static final int CANDIDATES = 100;
    private static final int EVENTS = 1_000;
    /** The user the requests name: none of the store's (nothing is read from or written to it). */
    static final String USER = "sim4j-warm-up";

    private final CandidateScorer scorer;
    private final ScoreBatcher batcher;

    ServingWarmUp(CandidateScorer scorer, ScoreBatcher batcher) {
        this.scorer = scorer;
        this.batcher = batcher;
    }

    /** Runs {@code requests} synthetic requests (0: none) through the lanes and waits for all of their scores. */
    void run(int requests) {
        Vocabularies v = scorer.vocabularies();
        if (requests <= 0 || v.items().size() == 0 || v.categories().size() == 0) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(20261203);
        EncodedHistory history = history(v, rnd);
        int topK = scorer.longLength();
        List<CompletableFuture<CandidateScorer.Scores>> waiting = new ArrayList<>();
        List<List<Candidate>> asked = new ArrayList<>();
        for (int k = 0; k < requests; k++) {
            List<Candidate> candidates = candidates(v, rnd);
            Search search = k % 4 == 3 ? Search.RECENT : Search.SOFT;
            CandidateScorer.Prepared p = scorer.prepare(USER, history, candidates, search, topK);
            // A full queue (it holds many more than IN_FLIGHT) cannot happen here: the service is not listening.
            waiting.add(batcher.submit(p).orElseThrow(() -> new IllegalStateException("warm-up: the queue is full")));
            asked.add(candidates);
            if (waiting.size() == IN_FLIGHT || k == requests - 1) {
                for (int i = 0; i < waiting.size(); i++) {
                    ScoreAnswer.write(USER, "soft", history.size(), asked.get(i), await(waiting.get(i)));
                }
                waiting.clear();
                asked.clear();
            }
        }
    }

    private static CandidateScorer.Scores await(CompletableFuture<CandidateScorer.Scores> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during the warm-up", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the warm-up's scoring failed: " + e, e);
        }
    }

    /** A history of known items, each with a known category (the model's ids), newest first. */
    private static EncodedHistory history(Vocabularies v, SplittableRandom rnd) {
        int[] items = new int[EVENTS];
        int[] cats = new int[EVENTS];
        for (int k = 0; k < EVENTS; k++) {
            items[k] = 1 + rnd.nextInt(v.items().size());
            cats[k] = 1 + rnd.nextInt(v.categories().size());
        }
        return new EncodedHistory(items, cats);
    }

    private static List<Candidate> candidates(Vocabularies v, SplittableRandom rnd) {
        List<Candidate> out = new ArrayList<>(CANDIDATES);
        for (int i = 0; i < CANDIDATES; i++) {
            out.add(new Candidate(v.items().name(1 + rnd.nextInt(v.items().size())),
                    v.categories().name(1 + rnd.nextInt(v.categories().size()))));
        }
        return out;
    }
}
