package dev.sim4j.train.baseline;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.dataset.MappingReader;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.ModelChannels;
import dev.sim4j.train.metrics.ExactAuc;
import dev.sim4j.train.metrics.LogLoss;
import dev.sim4j.train.metrics.Metrics;
import dev.sim4j.train.metrics.ThresholdAuc;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Scores every row of a mapping with model-free baselines and measures them with the same metric classes as model
 * evaluation: {@link ExactAuc} (ties averaged, so the many equal popularity scores get half credit),
 * {@link ThresholdAuc} with the reference's 8000 thresholds, and {@link LogLoss} where the score is a probability.
 * All requested kinds share one pass over the mapping, reading only the columns they need (label, target, and the
 * positive history for the history-match kinds; never the sampled negative history).
 */
public final class BaselineEvaluation {
    private BaselineEvaluation() {
    }

    /**
     * Scores {@code mapping} with every kind in {@code kinds}, in that order.
     *
     * @param popularity  train counts, from {@link PopularityBaseline#fit}; may be {@code null} when no kind
     *                    {@link BaselineKind#needsTrainCounts() needs} them
     * @param shortLength the newest history positions that make up the short part (the models' default split of 100
     *                    is 90 long + 10 short); 0..L
     */
    public static List<BaselineResult> evaluate(Dataset dataset, String mapping, List<BaselineKind> kinds,
                                                PopularityBaseline popularity, int shortLength) {
        if (kinds.isEmpty()) {
            return List.of();
        }
        ModelChannels ch = dataset.channels();
        int length = ch.historyLength();
        if (shortLength < 0 || shortLength > length) {
            throw new IllegalArgumentException("short length must be in 0.." + length + ", got " + shortLength);
        }
        boolean needsCategory = false;
        boolean needsHistory = false;
        for (BaselineKind k : kinds) {
            if (k.needsTrainCounts()) {
                Objects.requireNonNull(popularity, () -> "kind " + k + " needs train counts");
            }
            needsCategory |= k != BaselineKind.ITEM && k != BaselineKind.ITEM_CTR;
            needsHistory |= !k.needsTrainCounts();
        }
        if (needsCategory && (ch.targetItem().size() < 2 || ch.positiveHistory().size() < 2)) {
            throw new DataException(dataset.dir() + ": the category and history-match baselines read the item "
                    + "category as the second item feature; this dataset's item channels have "
                    + ch.targetItem().size() + " feature(s)");
        }
        // Column layout: label, target item, [target category], [history items, history categories].
        List<FeatureDef> wanted = new ArrayList<>(List.of(ch.label(), ch.targetItem().get(0)));
        int targetCat = -1;
        int histItems = -1;
        int histCats = -1;
        if (needsCategory) {
            targetCat = wanted.size();
            wanted.add(ch.targetItem().get(1));
        }
        if (needsHistory) {
            histItems = wanted.size();
            wanted.add(ch.positiveHistory().get(0));
            histCats = wanted.size();
            wanted.add(ch.positiveHistory().get(1));
        }
        int rows = PopularityBaseline.READ_ROWS;
        int[][] cols = new int[wanted.size()][];
        for (int f = 0; f < cols.length; f++) {
            cols[f] = new int[rows * wanted.get(f).width()];
        }
        int k = kinds.size();
        ExactAuc[] exact = new ExactAuc[k];
        ThresholdAuc[] threshold = new ThresholdAuc[k];
        LogLoss[] loss = new LogLoss[k];
        for (int j = 0; j < k; j++) {
            exact[j] = new ExactAuc();
            threshold[j] = new ThresholdAuc();
            loss[j] = new LogLoss();
        }
        long start = System.nanoTime();
        try (MappingReader reader = dataset.reader(mapping, wanted)) {
            int n;
            float[] labels = new float[rows];
            float[] scores = new float[rows];
            float[] unit = new float[rows];
            while ((n = reader.read(cols, 0, rows)) > 0) {
                if (n != labels.length) { // the last, shorter read: LogLoss takes whole arrays
                    labels = new float[n];
                    scores = new float[n];
                    unit = new float[n];
                }
                for (int i = 0; i < n; i++) {
                    labels[i] = cols[0][i];
                }
                for (int j = 0; j < k; j++) {
                    BaselineKind kind = kinds.get(j);
                    for (int i = 0; i < n; i++) {
                        if (kind.needsTrainCounts()) {
                            int id = kind == BaselineKind.ITEM || kind == BaselineKind.ITEM_CTR
                                    ? cols[1][i] : cols[targetCat][i];
                            // Counts are exact in a float up to 2^24; rates are rounded, which can only merge
                            // nearly equal rates into ties.
                            scores[i] = (float) popularity.score(kind, id);
                            unit[i] = (float) popularity.unitScore(kind, id);
                        } else {
                            float share = historyMatch(kind, cols[histItems], cols[histCats], i, length, shortLength,
                                    cols[targetCat][i]);
                            scores[i] = share;
                            unit[i] = share;
                        }
                    }
                    exact[j].add(scores, labels, 0, n);
                    threshold[j].add(unit, labels, 0, n);
                    if (kind.probability()) {
                        loss[j].addProbabilities(scores, labels);
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<BaselineResult> out = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            Metrics m = new Metrics(exact[j].compute(), threshold[j].compute(),
                    kinds.get(j).probability() ? loss[j].compute() : Double.NaN, exact[j].count(), exact[j].positives());
            out.add(new BaselineResult(kinds.get(j), mapping, m, seconds));
        }
        return out;
    }

    /**
     * The share of real (non-padding) history items of row {@code row} in the window the kind reads whose category
     * is {@code targetCategory}; 0 when the window holds no real item (no evidence either way). Padding is item id 0,
     * the models' mask (sim-model.md section 1); histories are oldest first, so the short part is the last
     * {@code shortLength} positions.
     */
    static float historyMatch(BaselineKind kind, int[] items, int[] cats, int row, int length, int shortLength,
                              int targetCategory) {
        int from = row * length;
        int to = from + length;
        switch (kind) {
            case HISTORY_MATCH -> { }
            case HISTORY_MATCH_SHORT -> from = to - shortLength;
            case HISTORY_MATCH_LONG -> to -= shortLength;
            default -> throw new IllegalArgumentException(kind + " is not a history-match kind");
        }
        int real = 0;
        int match = 0;
        for (int p = from; p < to; p++) {
            if (items[p] > 0) {
                real++;
                if (cats[p] == targetCategory) {
                    match++;
                }
            }
        }
        // float division of two small ints is correctly rounded, so equal fractions (1/2, 2/4) tie exactly.
        return real == 0 ? 0.0f : (float) match / real;
    }
}
