package dev.sim4j.data.spec;

import java.util.List;

/**
 * The five channels the SIM, DIEN and DIN models read, resolved to feature definitions. The three item channels
 * list their features in the same order (item id first, then category) because they share embedding tables.
 *
 * @param label           the label feature (0/1)
 * @param user            user features (scalars)
 * @param targetItem      target item features (scalars)
 * @param positiveHistory positive history features (sequences of {@link #historyLength()})
 * @param negativeHistory negative history features (sequences of {@link #historyLength()})
 */
public record ModelChannels(FeatureDef label, List<FeatureDef> user, List<FeatureDef> targetItem,
                            List<FeatureDef> positiveHistory, List<FeatureDef> negativeHistory) {

    public static final String LABEL = "label";
    public static final String USER_FEATURES = "user_features";
    public static final String TARGET_ITEM_FEATURES = "target_item_features";
    public static final String POSITIVE_HISTORY = "positive_history";
    public static final String NEGATIVE_HISTORY = "negative_history";
    public static final List<String> REQUIRED = List.of(LABEL, USER_FEATURES, TARGET_ITEM_FEATURES, POSITIVE_HISTORY,
            NEGATIVE_HISTORY);

    public ModelChannels {
        user = List.copyOf(user);
        targetItem = List.copyOf(targetItem);
        positiveHistory = List.copyOf(positiveHistory);
        negativeHistory = List.copyOf(negativeHistory);
    }

    /** Resolves the channels of a spec that {@link FeatureSpecValidator} accepted. */
    public static ModelChannels of(FeatureSpec spec) {
        return new ModelChannels(
                spec.feature(spec.channels().get(LABEL).getFirst()),
                resolve(spec, USER_FEATURES),
                resolve(spec, TARGET_ITEM_FEATURES),
                resolve(spec, POSITIVE_HISTORY),
                resolve(spec, NEGATIVE_HISTORY));
    }

    private static List<FeatureDef> resolve(FeatureSpec spec, String channel) {
        return spec.channels().get(channel).stream().map(spec::feature).toList();
    }

    /** L: the length of every history sequence. */
    public int historyLength() {
        return positiveHistory.getFirst().width();
    }
}
