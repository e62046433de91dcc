package dev.sim4j.train.baseline;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The model-free scorers {@link PopularityBaseline} offers. Each maps a row to a score without learned weights: the
 * popularity kinds from counts over the train mapping, the history-match kinds from the row's own history. They set
 * the floor a trained model must clear; the three history-match windows mirror what DIN (whole history), DIEN (short
 * part) and SIM's search (long part) read.
 */
public enum BaselineKind {
    /** Number of positive train rows whose target is the row's target item: the classic popularity baseline. */
    ITEM("item", true, false, "positive train rows with this target item"),
    /** The target item's smoothed train click rate (positives + 1) / (rows + 2), a probability. */
    ITEM_CTR("item-ctr", true, true, "(positives + 1) / (rows + 2) of the target item in train"),
    /** Number of positive train rows whose target category is the row's target category. */
    CATEGORY("category", true, false, "positive train rows with this target category"),
    /** The target category's smoothed train click rate (positives + 1) / (rows + 2), a probability. */
    CATEGORY_CTR("category-ctr", true, true, "(positives + 1) / (rows + 2) of the target category in train"),
    /** Share of the row's real history items (all positions) whose category is the target's: what DIN can see. */
    HISTORY_MATCH("history-match", false, false, "share of the history (all positions) in the target's category"),
    /** The same share over the short (newest) part of the history only: what DIEN's GRU/AUGRU reads. */
    HISTORY_MATCH_SHORT("history-match-short", false, false,
            "share of the short (newest) history in the target's category"),
    /** The same share over the long (oldest) part only: what SIM's search over the long history reads. */
    HISTORY_MATCH_LONG("history-match-long", false, false,
            "share of the long (oldest) history in the target's category");

    private final String id;
    private final boolean needsTrainCounts;
    private final boolean probability;
    private final String description;

    BaselineKind(String id, boolean needsTrainCounts, boolean probability, String description) {
        this.id = id;
        this.needsTrainCounts = needsTrainCounts;
        this.probability = probability;
        this.description = description;
    }

    /** The name on the command line and in JSON ({@code item}, {@code history-match}, ...). */
    public String id() {
        return id;
    }

    /** Whether the scores come from counts over the train mapping (so the train mapping must be read first). */
    public boolean needsTrainCounts() {
        return needsTrainCounts;
    }

    /**
     * Whether the score is an estimate of the click probability, so that a log loss says something; counts and
     * shares are only rankings, and their log loss would measure an arbitrary scaling.
     */
    public boolean probability() {
        return probability;
    }

    /** One line on what the score is. */
    public String description() {
        return description;
    }

    /** The kind named {@code id} (case-insensitive); an {@link IllegalArgumentException} listing the names if none. */
    public static BaselineKind parse(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (BaselineKind k : values()) {
            if (k.id.equals(wanted)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown baseline kind '" + id + "'; expected one of " + names());
    }

    /** Every kind's name, comma-separated, for messages and help. */
    public static String names() {
        return Arrays.stream(values()).map(BaselineKind::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
