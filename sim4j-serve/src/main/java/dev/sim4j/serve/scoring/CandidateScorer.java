package dev.sim4j.serve.scoring;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.TensorScope;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.serve.store.BehaviourEvent;
import java.util.List;

/**
 * Scores a user's candidates with a trained model, from raw ids: the user's history (newest first, as the store
 * returns it) becomes the model's history input exactly as preprocessing builds a row's (the last L events, oldest
 * first, left-padded with the padding id 0), every candidate a row of one batch sharing it. A user, item or category
 * the vocabularies lack is the padding id 0 (cold start), never an error. Not thread-safe: one request at a time.
 */
public final class CandidateScorer {
    private final CtrModel model;
    private final Backend backend;
    private final Vocabularies vocab;
    private final int historyLength;

    public CandidateScorer(CtrModel model, Vocabularies vocab) {
        this.model = model;
        this.backend = model.parameters().all().getFirst().value().backend();
        this.vocab = vocab;
        this.historyLength = model.config().historyLength();
    }

    /** The model's history length L: the events of a history the model reads. */
    public int historyLength() {
        return historyLength;
    }

    /**
     * The click probability of each candidate, in their order, and the logits it comes from.
     *
     * @param user        the user's raw id
     * @param newestFirst the user's history, most recent first (only the first L are read)
     * @param candidates  at least one
     */
    public Scores score(String user, List<BehaviourEvent> newestFirst, List<Candidate> candidates) {
        int b = candidates.size();
        if (b == 0) {
            throw new IllegalArgumentException("no candidates to score");
        }
        int l = historyLength;
        int[] hi = new int[l];
        int[] hc = new int[l];
        int n = Math.min(l, newestFirst.size());
        for (int k = 0; k < n; k++) { // newest event at position L - 1
            BehaviourEvent e = newestFirst.get(k);
            hi[l - 1 - k] = vocab.items().id(e.item());
            hc[l - 1 - k] = hi[l - 1 - k] == 0 ? 0 : vocab.categories().id(e.category());
        }
        int[] uid = new int[b];
        int[] item = new int[b];
        int[] cat = new int[b];
        int[] histItems = new int[b * l];
        int[] histCats = new int[b * l];
        int u = vocab.users().id(user);
        for (int r = 0; r < b; r++) {
            uid[r] = u;
            item[r] = vocab.items().id(candidates.get(r).item());
            cat[r] = vocab.categories().id(candidates.get(r).category());
            System.arraycopy(hi, 0, histItems, r * l, l);
            System.arraycopy(hc, 0, histCats, r * l, l);
        }
        float[] logits;
        try (TensorScope scope = backend.openScope()) {
            ModelInput in = new ModelInput(backend.upload(uid, b), backend.upload(item, b), backend.upload(cat, b),
                    backend.upload(histItems, b, l), backend.upload(histCats, b, l), backend.zeros(DType.I32, b, l),
                    backend.zeros(DType.I32, b, l), backend.zeros(backend.floatType(), b));
            Tensor out = model.predict(in);
            logits = backend.toFloats(out);
        }
        float[] p = new float[b];
        for (int r = 0; r < b; r++) {
            p[r] = (float) (1 / (1 + Math.exp(-logits[r])));
        }
        return new Scores(logits, p, n);
    }

    /**
     * The scores of one request.
     *
     * @param logits         the model's logit per candidate
     * @param probabilities  sigmoid(logit) per candidate
     * @param historyEvents  events of the history the model read (at most L)
     */
    public record Scores(float[] logits, float[] probabilities, int historyEvents) {
    }
}
