package dev.sim4j.serve.scoring;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.TensorScope;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.SharedRows;
import dev.sim4j.model.sim.SimModel;
import dev.sim4j.serve.store.BehaviourEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scores a user's candidates with a trained model, from raw ids: the user's history (newest first, as the store
 * returns it) becomes the model's history input exactly as preprocessing builds a row's (the last L events, oldest
 * first, left-padded with the padding id 0), every candidate a row of one batch sharing it. A user, item or category
 * the vocabularies lack is the padding id 0 (cold start), never an error. {@link #prepare} may run on many threads;
 * the model pass ({@link #scoreAll}, {@link #score}) one at a time.
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
        // The soft search reads the embedding tables on the request threads: copied to the host here, on the thread
        // that made the model, so that only the scoring lane ever touches the backend.
        for (String table : new String[] {"embedding.item", "embedding.category"}) {
            embeddings(table);
        }
    }

    /** Called by the thread that will run {@link #scoreAll} when it is not the one that made the model. */
    public void useFromThisThread() {
        backend.useFromThisThread();
    }

    /** The vocabularies it looks names up in. */
    public Vocabularies vocabularies() {
        return vocab;
    }

    /** S: the most recent events every window starts with (DIEN's short history). */
    public int shortLength() {
        return model.config().shortLength();
    }

    /**
     * Rows whose windows are given, one per candidate, newest first (each read as a training row's window, as
     * {@link Search#RECENT}): for a hard search read through the store's category index.
     */
    public Prepared prepareEach(String user, List<List<BehaviourEvent>> windows, List<Candidate> candidates) {
        if (windows.size() != candidates.size()) {
            throw new IllegalArgumentException(windows.size() + " windows for " + candidates.size() + " candidates");
        }
        // Candidates of one category share their window (the same list): its ids are looked up once.
        Map<List<BehaviourEvent>, EncodedHistory> encoded = new java.util.IdentityHashMap<>();
        List<EncodedHistory> ids = new ArrayList<>(windows.size());
        for (List<BehaviourEvent> w : windows) {
            ids.add(encoded.computeIfAbsent(w, this::encode));
        }
        return prepareEachEncoded(user, ids, candidates);
    }

    /** As {@link #prepareEach}, from windows already in the model's ids ({@link #encode}). */
    public Prepared prepareEachEncoded(String user, List<EncodedHistory> windows, List<Candidate> candidates) {
        if (windows.size() != candidates.size()) {
            throw new IllegalArgumentException(windows.size() + " windows for " + candidates.size() + " candidates");
        }
        List<Prepared> rows = new ArrayList<>(candidates.size());
        for (int r = 0; r < candidates.size(); r++) {
            rows.add(prepare(user, windows.get(r), List.of(candidates.get(r)), Search.RECENT, longLength()));
        }
        int b = candidates.size();
        int l = historyLength;
        int[] uid = new int[b];
        int[] item = new int[b];
        int[] cat = new int[b];
        int[] histItems = new int[b * l];
        int[] histCats = new int[b * l];
        int used = 0;
        for (int r = 0; r < b; r++) {
            Prepared p = rows.get(r);
            uid[r] = p.uid()[0];
            item[r] = p.item()[0];
            cat[r] = p.cat()[0];
            System.arraycopy(p.histItems(), 0, histItems, r * l, l);
            System.arraycopy(p.histCats(), 0, histCats, r * l, l);
            used = Math.max(used, p.historyEvents());
        }
        return new Prepared(b, uid, item, cat, histItems, histCats, used);
    }

    /** The model's history length L: the events of a history the model reads. */
    public int historyLength() {
        return historyLength;
    }

    /** As {@link #score(String, List, List, Search)} with the training row's window ({@link Search#RECENT}). */
    public Scores score(String user, List<BehaviourEvent> newestFirst, List<Candidate> candidates) {
        return score(user, newestFirst, candidates, Search.RECENT);
    }

    /**
     * The click probability of each candidate, in their order, and the logits it comes from.
     *
     * @param user        the user's raw id
     * @param newestFirst the user's history, most recent first (the lifelong one for HARD and SOFT search)
     * @param candidates  at least one
     * @param search      how each candidate's long history is picked
     */
    public Scores score(String user, List<BehaviourEvent> newestFirst, List<Candidate> candidates, Search search) {
        return scoreAll(List.of(prepare(user, newestFirst, candidates, search))).getFirst();
    }

    /**
     * One request's model rows, built on the calling thread (id lookups and the history search), to be scored with
     * others in one pass by {@link #scoreAll}.
     */
    public record Prepared(int rows, int[] uid, int[] item, int[] cat, int[] histItems, int[] histCats,
                           int historyEvents, boolean explain) {
        public Prepared(int rows, int[] uid, int[] item, int[] cat, int[] histItems, int[] histCats,
                        int historyEvents) {
            this(rows, uid, item, cat, histItems, histCats, historyEvents, false);
        }

        /** The same rows, asking which history events SIM's search selected ({@link Scores#explanations()}). */
        public Prepared explained() {
            return new Prepared(rows, uid, item, cat, histItems, histCats, historyEvents, true);
        }
    }

    /**
     * One history event SIM's search selected for a candidate, with its GSU attention weight.
     *
     * @param item     the event's raw item id
     * @param category its category name
     * @param position its position in the model's window (0 the oldest of the long part)
     * @param weight   the GSU's softmax weight of it
     */
    public record Selected(String item, String category, int position, float weight) {
    }

    /** Whether the model can say which events it selected (SIM, whose GSU picks the top k). */
    public boolean explains() {
        return model instanceof SimModel;
    }

    /** L - S: the long part of the model's window, which the search fills (at most this many events). */
    public int longLength() {
        return historyLength - model.config().shortLength();
    }

    /** The model rows of one request (see {@link #score(String, List, List, Search)}); thread-safe. */
    public Prepared prepare(String user, List<BehaviourEvent> newestFirst, List<Candidate> candidates,
                            Search search) {
        return prepare(user, newestFirst, candidates, search, longLength());
    }

    /**
     * As {@link #prepare(String, List, List, Search)}, the search picking at most {@code topK} events for each
     * candidate's long part (1 to {@link #longLength()}; the rest of it stays padding, as a shorter history's does).
     */
    public Prepared prepare(String user, List<BehaviourEvent> newestFirst, List<Candidate> candidates,
                            Search search, int topK) {
        return prepare(user, encode(newestFirst), candidates, search, topK);
    }

    /** A history in the model's ids (two vocabulary lookups per event), for {@link #prepare} to read; thread-safe. */
    public EncodedHistory encode(List<BehaviourEvent> newestFirst) {
        int events = newestFirst.size();
        int[] evItem = new int[events];
        int[] evCat = new int[events];
        for (int k = 0; k < events; k++) {
            BehaviourEvent e = newestFirst.get(k);
            evItem[k] = vocab.items().id(e.item());
            evCat[k] = evItem[k] == 0 ? 0 : vocab.categories().id(e.category());
        }
        return new EncodedHistory(evItem, evCat);
    }

    /**
     * As {@link #prepare(String, List, List, Search, int)}, from a history already in the model's ids
     * ({@link #encode}), which it does not change.
     */
    public Prepared prepare(String user, EncodedHistory history, List<Candidate> candidates, Search search,
                            int topK) {
        int b = candidates.size();
        if (b == 0) {
            throw new IllegalArgumentException("no candidates to score");
        }
        int l = historyLength;
        int shortLength = model.config().shortLength();
        int longLength = l - shortLength;
        if (topK < 1 || topK > longLength) {
            throw new IllegalArgumentException("top k " + topK + " outside 1.." + longLength);
        }
        int events = history.size();
        int[] evItem = history.items();
        int[] evCat = history.categories();
        int[] uid = new int[b];
        int[] item = new int[b];
        int[] cat = new int[b];
        int[] histItems = new int[b * l];
        int[] histCats = new int[b * l];
        int u = vocab.users().id(user);
        int shortN = Math.min(shortLength, events);
        int used = 0;
        // The history's part of the soft search, once per request (the candidate-independent half of the work).
        SoftSearch soft = search == Search.SOFT && events - shortN > topK
                ? new SoftSearch(evItem, evCat, shortN, embeddings("embedding.item"), embeddings("embedding.category"),
                        model.config().embeddingDim())
                : null;
        for (int r = 0; r < b; r++) {
            uid[r] = u;
            item[r] = vocab.items().id(candidates.get(r).item());
            cat[r] = vocab.categories().id(candidates.get(r).category());
            int base = r * l;
            for (int k = 0; k < shortN; k++) { // newest at position L - 1
                histItems[base + l - 1 - k] = evItem[k];
                histCats[base + l - 1 - k] = evCat[k];
            }
            int[] picked = longPart(search, evItem, evCat, shortN, topK, item[r], cat[r], soft);
            // picked: indices into the newest-first history, newest first; placed oldest first, right-aligned.
            for (int j = 0; j < picked.length; j++) {
                int pos = base + longLength - 1 - j;
                histItems[pos] = evItem[picked[j]];
                histCats[pos] = evCat[picked[j]];
            }
            used = Math.max(used, shortN + picked.length);
        }
        return new Prepared(b, uid, item, cat, histItems, histCats, used);
    }

    /**
     * Scores several prepared requests in one model pass (their rows stacked: a row's logit does not depend on the
     * other rows of the batch); one {@link Scores} per request, in order. One caller at a time.
     */
    public List<Scores> scoreAll(List<Prepared> requests) {
        int b = 0;
        for (Prepared p : requests) {
            b += p.rows();
        }
        int l = historyLength;
        int[] uid = new int[b];
        int[] item = new int[b];
        int[] cat = new int[b];
        int[] histItems = new int[b * l];
        int[] histCats = new int[b * l];
        int at = 0;
        for (Prepared p : requests) {
            System.arraycopy(p.uid(), 0, uid, at, p.rows());
            System.arraycopy(p.item(), 0, item, at, p.rows());
            System.arraycopy(p.cat(), 0, cat, at, p.rows());
            System.arraycopy(p.histItems(), 0, histItems, at * l, p.rows() * l);
            System.arraycopy(p.histCats(), 0, histCats, at * l, p.rows() * l);
            at += p.rows();
        }
        boolean explain = explains() && requests.stream().anyMatch(Prepared::explain);
        float[] logits;
        int[] selected = null;
        float[] weights = null;
        try (TensorScope scope = backend.openScope()) {
            ModelInput in = new ModelInput(backend.upload(uid, b), backend.upload(item, b), backend.upload(cat, b),
                    backend.upload(histItems, b, l), backend.upload(histCats, b, l), backend.zeros(DType.I32, b, l),
                    backend.zeros(DType.I32, b, l), backend.zeros(backend.floatType(), b));
            Tensor out = model.predict(in, sharedRows(uid, histItems, histCats, b));
            logits = backend.toFloats(out);
            if (explain) {
                SimModel sim = (SimModel) model;
                selected = backend.toInts(sim.selectedPositions());
                weights = backend.toFloats(sim.selectedWeights());
            }
        }
        int k = model.config().topK();
        List<Scores> out = new ArrayList<>(requests.size());
        at = 0;
        for (Prepared p : requests) {
            float[] lg = Arrays.copyOfRange(logits, at, at + p.rows());
            float[] pr = new float[p.rows()];
            for (int r = 0; r < p.rows(); r++) {
                pr[r] = (float) (1 / (1 + Math.exp(-lg[r])));
            }
            List<List<Selected>> why = null;
            if (explain && p.explain()) {
                why = new ArrayList<>(p.rows());
                for (int r = 0; r < p.rows(); r++) {
                    List<Selected> rowWhy = new ArrayList<>();
                    int row = at + r;
                    for (int j = 0; j < k; j++) {
                        int pos = selected[row * k + j];
                        int id = histItems[row * l + pos];
                        if (id == 0 || !(weights[row * k + j] > 0)) {
                            continue; // padding: not an event
                        }
                        int c = histCats[row * l + pos];
                        rowWhy.add(new Selected(vocab.items().name(id), c == 0 ? "" : vocab.categories().name(c), pos,
                                weights[row * k + j]));
                    }
                    why.add(rowWhy);
                }
            }
            out.add(new Scores(lg, pr, p.historyEvents(), why));
            at += p.rows();
        }
        return out;
    }

    /**
     * The groups of rows the model may share work between: a row joins the previous row's group when it has the same
     * user and the same short history (the last S positions, items and categories), as a request's candidates do
     * (a hard search through per-candidate windows may give them different ones: then they are groups of their own).
     */
    private SharedRows sharedRows(int[] uid, int[] histItems, int[] histCats, int b) {
        int l = historyLength;
        int s = model.config().shortLength();
        int[] groupOfRow = new int[b];
        int[] first = new int[b];
        int groups = 0;
        for (int r = 0; r < b; r++) {
            int f = groups == 0 ? -1 : first[groups - 1];
            boolean same = f >= 0 && uid[f] == uid[r]
                    && Arrays.equals(histItems, f * l + l - s, f * l + l, histItems, r * l + l - s, r * l + l)
                    && Arrays.equals(histCats, f * l + l - s, f * l + l, histCats, r * l + l - s, r * l + l);
            if (!same) {
                first[groups++] = r;
            }
            groupOfRow[r] = groups - 1;
        }
        return new SharedRows(backend.upload(Arrays.copyOf(first, groups), groups),
                backend.upload(groupOfRow, b));
    }

    /**
     * The history events (indices into the newest-first arrays, from {@code from} on) that fill the long part for a
     * candidate, newest first, at most {@code longLength}.
     */
    private int[] longPart(Search search, int[] evItem, int[] evCat, int from, int longLength, int candItem,
                           int candCat, SoftSearch soft) {
        int older = evItem.length - from;
        switch (search) {
            case RECENT -> {
                int n = Math.min(longLength, older);
                int[] out = new int[n];
                for (int j = 0; j < n; j++) {
                    out[j] = from + j;
                }
                return out;
            }
            case HARD -> {
                int[] out = new int[Math.min(longLength, older)];
                int n = 0;
                for (int k = from; k < evItem.length && n < out.length; k++) {
                    if (evItem[k] != 0 && evCat[k] == candCat) {
                        out[n++] = k;
                    }
                }
                return Arrays.copyOf(out, n);
            }
            case SOFT -> {
                if (older <= longLength) {
                    return longPart(Search.RECENT, evItem, evCat, from, longLength, candItem, candCat, null);
                }
                return soft.pick(candItem, candCat, longLength);
            }
            default -> throw new IllegalStateException(search.toString());
        }
    }

    private final Map<String, float[]> tables = new ConcurrentHashMap<>();

    /** An embedding table on the host, read once (soft search scores events against candidates there). */
    private float[] embeddings(String name) {
        return tables.computeIfAbsent(name, n -> backend.toFloats(model.parameters().get(n).value()));
    }

    /**
     * The scores of one request.
     *
     * @param logits         the model's logit per candidate
     * @param probabilities  sigmoid(logit) per candidate
     * @param historyEvents  events of the history the model read (at most L)
     * @param explanations   per candidate, the events SIM's search selected, largest weight first (null unless
     *                       asked for with {@link Prepared#explained()})
     */
    public record Scores(float[] logits, float[] probabilities, int historyEvents, List<List<Selected>> explanations) {
    }
}
