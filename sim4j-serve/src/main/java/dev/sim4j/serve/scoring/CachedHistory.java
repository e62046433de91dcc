package dev.sim4j.serve.scoring;

import dev.sim4j.serve.store.BehaviourEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's newest events as the {@link HistoryCache} keeps them: in the model's ids for the searches, plus each
 * event's raw category (as an index into the history's distinct category names), so that a hard search's window can
 * be cut from memory exactly as the store's category index cuts it: by the raw name, which the model's ids do not
 * tell apart (every category the vocabulary lacks is id 0, and so is the category of an item it lacks).
 *
 * @param ids           the events, most recent first, in the model's ids
 * @param categoryCodes [n] each event's index into {@code categoryNames}
 * @param categoryNames the distinct raw category names of the events
 * @param complete      whether these are all the user's events (the read stopped before its limit)
 */
public record CachedHistory(EncodedHistory ids, int[] categoryCodes, List<String> categoryNames, boolean complete) {
    /** From a newest-first read of at most {@code limit} events, encoded by {@code scorer}. */
    static CachedHistory of(List<BehaviourEvent> newestFirst, int limit, CandidateScorer scorer) {
        Map<String, Integer> codes = new HashMap<>();
        List<String> names = new ArrayList<>();
        int[] code = new int[newestFirst.size()];
        for (int k = 0; k < code.length; k++) {
            code[k] = codes.computeIfAbsent(newestFirst.get(k).category(), c -> {
                names.add(c);
                return names.size() - 1;
            });
        }
        return new CachedHistory(scorer.encode(newestFirst), code, List.copyOf(names), newestFirst.size() < limit);
    }

    /**
     * The hard search's window, as {@link dev.sim4j.serve.store.BehaviourStore#hardWindow} reads it and
     * {@link CandidateScorer#encode} encodes it: the {@code recent} most recent events, then the most recent
     * {@code older} events of {@code category} before them; null unless the history is {@link #complete} (an older
     * event of the category may lie beyond what was read).
     */
    public EncodedHistory hardWindow(String category, int recent, int older) {
        if (!complete) {
            return null;
        }
        int n = ids.size();
        int r = Math.min(recent, n);
        int[] picked = new int[r + (r < recent ? 0 : Math.max(older, 0))];
        int m = 0;
        for (; m < r; m++) {
            picked[m] = m;
        }
        int wanted = categoryNames.indexOf(category);
        if (r == recent && wanted >= 0) {
            for (int k = r; k < n && m < picked.length; k++) {
                if (categoryCodes[k] == wanted) {
                    picked[m++] = k;
                }
            }
        }
        int[] items = new int[m];
        int[] cats = new int[m];
        for (int j = 0; j < m; j++) {
            items[j] = ids.items()[picked[j]];
            cats[j] = ids.categories()[picked[j]];
        }
        return new EncodedHistory(items, cats);
    }
}
