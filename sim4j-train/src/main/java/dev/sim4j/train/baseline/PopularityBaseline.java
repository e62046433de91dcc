package dev.sim4j.train.baseline;

import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.dataset.MappingReader;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.ModelChannels;
import java.util.ArrayList;
import java.util.List;

/**
 * Popularity counts of the target item and the target category over a train mapping, and the popularity scores of
 * {@link BaselineKind#ITEM}, {@link BaselineKind#ITEM_CTR}, {@link BaselineKind#CATEGORY} and
 * {@link BaselineKind#CATEGORY_CTR} derived from them. Fitted on train only, applied to any mapping, so test rows are
 * scored without looking at their labels.
 *
 * <p>The item id is the first target-item feature and the category the second, the Amazon layout the models read
 * (sim-model.md section 1); a dataset with a single item feature has item counts only.
 */
public final class PopularityBaseline {
    /** Rows read per call: enough to amortise the per-call overhead, small enough to stay in cache-sized buffers. */
    static final int READ_ROWS = 8192;

    private final String trainMapping;
    private final long trainRows;
    private final long trainPositives;
    private final TargetCounts items;
    private final TargetCounts categories;

    private PopularityBaseline(String trainMapping, long trainRows, long trainPositives, TargetCounts items,
                               TargetCounts categories) {
        this.trainMapping = trainMapping;
        this.trainRows = trainRows;
        this.trainPositives = trainPositives;
        this.items = items;
        this.categories = categories;
    }

    /**
     * Counts, in one pass over {@code trainMapping}, the rows and positives per target item and per target category.
     * Reads only the label and the target features, so a compact sequence store skips drawing negative histories.
     */
    public static PopularityBaseline fit(Dataset dataset, String trainMapping) {
        ModelChannels ch = dataset.channels();
        List<FeatureDef> targets = ch.targetItem();
        boolean hasCategory = targets.size() >= 2;
        List<FeatureDef> wanted = new ArrayList<>(List.of(ch.label(), targets.get(0)));
        if (hasCategory) {
            wanted.add(targets.get(1));
        }
        TargetCounts items = new TargetCounts(expectedMaxId(targets.get(0)));
        TargetCounts categories = hasCategory ? new TargetCounts(expectedMaxId(targets.get(1))) : null;
        long rows = 0;
        long positives = 0;
        int[][] cols = new int[wanted.size()][READ_ROWS];
        try (MappingReader reader = dataset.reader(trainMapping, wanted)) {
            int n;
            while ((n = reader.read(cols, 0, READ_ROWS)) > 0) {
                for (int i = 0; i < n; i++) {
                    boolean positive = cols[0][i] == 1;
                    items.add(cols[1][i], positive);
                    if (hasCategory) {
                        categories.add(cols[2][i], positive);
                    }
                    positives += positive ? 1 : 0;
                }
                rows += n;
            }
        }
        return new PopularityBaseline(trainMapping, rows, positives, items, categories);
    }

    /** The declared cardinality (the largest id) of a feature, or a small start when the spec declares none. */
    private static int expectedMaxId(FeatureDef f) {
        return (int) Math.min(Integer.MAX_VALUE - 9, f.cardinality().orElse(1024));
    }

    /** The mapping the counts come from. */
    public String trainMapping() {
        return trainMapping;
    }

    /** Rows read from the train mapping. */
    public long trainRows() {
        return trainRows;
    }

    /** Positive rows of the train mapping. */
    public long trainPositives() {
        return trainPositives;
    }

    /** Per target item id: rows and positives in train. */
    public TargetCounts items() {
        return items;
    }

    /** Per target category id: rows and positives in train; {@code null} when the dataset has no category feature. */
    public TargetCounts categories() {
        return categories;
    }

    /**
     * The counts a popularity kind reads: items for the item kinds, categories for the category kinds.
     *
     * @throws IllegalArgumentException for a kind that is not a popularity kind
     * @throws IllegalStateException    for a category kind when the dataset has no category feature
     */
    TargetCounts countsFor(BaselineKind kind) {
        return switch (kind) {
            case ITEM, ITEM_CTR -> items;
            case CATEGORY, CATEGORY_CTR -> {
                if (categories == null) {
                    throw new IllegalStateException("no category counts: the dataset has one target-item feature");
                }
                yield categories;
            }
            default -> throw new IllegalArgumentException(kind + " is not a popularity kind");
        };
    }

    /**
     * The score of a row whose target has {@code id} (item or category, as the kind says), as ranked by the exact
     * AUC: the positive count for the count kinds, the smoothed click rate for the rate kinds.
     */
    public double score(BaselineKind kind, int id) {
        TargetCounts c = countsFor(kind);
        return kind.probability() ? c.smoothedRate(id) : c.positives(id);
    }

    /**
     * The same score in [0, 1], for the 8000-threshold AUC (which buckets probabilities): counts divided by the
     * largest count, a strictly increasing map that keeps the ranking; rates as they are.
     */
    public double unitScore(BaselineKind kind, int id) {
        TargetCounts c = countsFor(kind);
        if (kind.probability()) {
            return c.smoothedRate(id);
        }
        return c.maxPositives() == 0 ? 0.0 : (double) c.positives(id) / c.maxPositives();
    }
}
