package dev.sim4j.data.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feature specs laid out as the reference's preprocessing lays them out: features {@code label, user_feat_0,
 * item_feat_0_trgt, item_feat_1_trgt, item_feat_0_pos, item_feat_1_pos, item_feat_0_neg, item_feat_1_neg}, all int64
 * but the bool label, histories of {@code maxSeqLen}.
 */
public final class ReferenceSpecs {
    private ReferenceSpecs() {
    }

    /** The Amazon-shaped spec (one user feature, item id and category), without sources. */
    public static FeatureSpec amazon(long users, long items, long categories, int maxSeqLen) {
        return withItemFeatures(List.of(users), List.of(items, categories), maxSeqLen);
    }

    /** The reference's default spec for any number of user and item features, without sources. */
    public static FeatureSpec withItemFeatures(List<Long> userCardinalities, List<Long> itemCardinalities, int maxSeqLen) {
        Map<String, FeatureDef> features = new LinkedHashMap<>();
        features.put("label", new FeatureDef("label", "bool", java.util.OptionalLong.empty(), List.of(), Map.of()));
        List<String> user = new ArrayList<>();
        for (int i = 0; i < userCardinalities.size(); i++) {
            String name = "user_feat_" + i;
            features.put(name, FeatureDef.categorical(name, "int64", userCardinalities.get(i), List.of()));
            user.add(name);
        }
        Map<String, List<String>> items = new LinkedHashMap<>();
        for (String suffix : List.of("trgt", "pos", "neg")) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < itemCardinalities.size(); i++) {
                String name = "item_feat_" + i + "_" + suffix;
                List<Integer> dims = suffix.equals("trgt") ? List.of() : List.of(maxSeqLen);
                features.put(name, FeatureDef.categorical(name, "int64", itemCardinalities.get(i), dims));
                names.add(name);
            }
            items.put(suffix, names);
        }
        Map<String, List<String>> channels = new LinkedHashMap<>();
        channels.put(ModelChannels.LABEL, List.of("label"));
        channels.put(ModelChannels.USER_FEATURES, user);
        channels.put(ModelChannels.TARGET_ITEM_FEATURES, items.get("trgt"));
        channels.put(ModelChannels.POSITIVE_HISTORY, items.get("pos"));
        channels.put(ModelChannels.NEGATIVE_HISTORY, items.get("neg"));
        return new FeatureSpec(features, Map.of(), channels, Map.of());
    }
}
