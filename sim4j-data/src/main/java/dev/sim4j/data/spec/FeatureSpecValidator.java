package dev.sim4j.data.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a feature spec describes a dataset the models can read: every problem is collected (not just the
 * first) and each names its section, the feature, mapping or channel, and what is wrong.
 */
public final class FeatureSpecValidator {
    private FeatureSpecValidator() {
    }

    /** Reads and validates {@code dir/feature_spec.yaml}; throws {@link InvalidSpecException} listing all problems. */
    public static FeatureSpec readValid(Path dir) {
        FeatureSpec spec = FeatureSpecYaml.read(dir);
        requireValid(spec, dir);
        return spec;
    }

    public static void requireValid(FeatureSpec spec, Path dir) {
        List<SpecProblem> problems = validate(spec, dir);
        if (!problems.isEmpty()) {
            throw new InvalidSpecException(dir.resolve(FeatureSpec.FILE_NAME), problems);
        }
    }

    /** All problems of the spec for a dataset in folder {@code dir}; empty when it is usable. */
    public static List<SpecProblem> validate(FeatureSpec spec, Path dir) {
        List<SpecProblem> problems = new ArrayList<>();
        checkFeatures(spec, problems);
        checkSources(spec, dir, problems);
        checkChannels(spec, problems);
        return problems;
    }

    private static void checkFeatures(FeatureSpec spec, List<SpecProblem> problems) {
        String s = "feature_spec";
        for (FeatureDef f : spec.features().values()) {
            Dtype dtype = f.parsedDtype();
            if (dtype == null) {
                problems.add(new SpecProblem(s, f.name(), "unknown dtype '" + f.dtype()
                        + "'; use one of bool, int8, int16, int32, int64 (numpy names, optionally torch./tf. prefixed)"));
            } else if (!dtype.integral()) {
                problems.add(new SpecProblem(s, f.name(), "dtype '" + f.dtype()
                        + "' is not supported: sim4j datasets hold bool and integer features"));
            }
            f.cardinality().ifPresent(c -> {
                if (c < 1) {
                    problems.add(new SpecProblem(s, f.name(), "cardinality is " + c + "; it must be at least 1"));
                } else if (c >= Integer.MAX_VALUE) {
                    problems.add(new SpecProblem(s, f.name(), "cardinality " + c + " is too large (at most 2^31 - 2)"));
                }
            });
            for (int d : f.dimensions()) {
                if (d < 1) {
                    problems.add(new SpecProblem(s, f.name(), "dimensions " + f.dimensions() + " hold " + d
                            + "; every dimension must be at least 1"));
                }
            }
        }
    }

    private static void checkSources(FeatureSpec spec, Path dir, List<SpecProblem> problems) {
        String s = "source_spec";
        if (spec.sources().isEmpty()) {
            problems.add(new SpecProblem(s, "(section)", "no mappings; add at least 'train' and 'test'"));
        }
        Path base = dir.toAbsolutePath().normalize();
        Set<String> channelFeatures = new HashSet<>();
        spec.channels().values().forEach(channelFeatures::addAll);
        spec.sources().forEach((mapping, chunks) -> {
            if (chunks.isEmpty()) {
                problems.add(new SpecProblem(s, mapping, "mapping has no chunks"));
            }
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < chunks.size(); i++) {
                ChunkSpec c = chunks.get(i);
                String where = mapping + "[" + i + "]";
                if (c.chunkType() == null) {
                    problems.add(new SpecProblem(s, where, "unknown chunk type '" + c.type()
                            + "'; use tfrecord, csv, sim4j or sim4j_sequences"));
                }
                if (c.features().isEmpty()) {
                    problems.add(new SpecProblem(s, where, "chunk lists no features"));
                }
                for (String f : c.features()) {
                    if (!spec.features().containsKey(f)) {
                        problems.add(new SpecProblem(s, where + " / " + f,
                                "feature is not defined in feature_spec"));
                    }
                    Integer before = seen.put(f, i);
                    if (before != null) {
                        problems.add(new SpecProblem(s, mapping + " / " + f, "feature is stored twice, in chunks "
                                + before + " and " + i + "; a feature must live in exactly one chunk of a mapping"));
                    }
                }
                if (c.files().isEmpty()) {
                    problems.add(new SpecProblem(s, where, "chunk lists no files"));
                }
                for (String file : c.files()) {
                    checkFile(s, where, base, file, problems);
                }
            }
            for (String f : channelFeatures) {
                if (spec.features().containsKey(f) && !seen.containsKey(f)) {
                    problems.add(new SpecProblem(s, mapping + " / " + f,
                            "feature is used by channel_spec but no chunk of this mapping stores it"));
                }
            }
        });
    }

    private static void checkFile(String s, String where, Path base, String file, List<SpecProblem> problems) {
        DataFiles.Location at = DataFiles.locate(base, file);
        if (at.problem() != null) {
            problems.add(new SpecProblem(s, where + " / " + file, at.problem()));
        }
    }

    private static void checkChannels(FeatureSpec spec, List<SpecProblem> problems) {
        String s = "channel_spec";
        Map<String, List<String>> channels = spec.channels();
        for (String required : ModelChannels.REQUIRED) {
            List<String> names = channels.get(required);
            if (names == null) {
                problems.add(new SpecProblem(s, required, "required channel is missing"));
            } else if (names.isEmpty()) {
                problems.add(new SpecProblem(s, required, "required channel lists no features"));
            }
        }
        channels.forEach((channel, names) -> {
            for (String n : names) {
                if (!spec.features().containsKey(n)) {
                    problems.add(new SpecProblem(s, channel + " / " + n, "feature is not defined in feature_spec"));
                }
            }
        });
        List<String> label = channels.get(ModelChannels.LABEL);
        if (label != null && label.size() > 1) {
            problems.add(new SpecProblem(s, ModelChannels.LABEL, "must list exactly one feature, found " + label));
        }
        for (String channel : List.of(ModelChannels.LABEL, ModelChannels.USER_FEATURES, ModelChannels.TARGET_ITEM_FEATURES)) {
            for (FeatureDef f : defined(spec, channels.get(channel))) {
                if (!f.dimensions().isEmpty() && f.width() != 1) {
                    problems.add(new SpecProblem(s, channel + " / " + f.name(), "must be a scalar feature, but has dimensions "
                            + f.dimensions()));
                }
                if (!channel.equals(ModelChannels.LABEL) && f.cardinality().isEmpty()) {
                    problems.add(new SpecProblem(s, channel + " / " + f.name(),
                            "categorical feature has no cardinality in feature_spec"));
                }
            }
        }
        int length = 0;
        boolean haveLength = false;
        for (String channel : List.of(ModelChannels.POSITIVE_HISTORY, ModelChannels.NEGATIVE_HISTORY)) {
            for (FeatureDef f : defined(spec, channels.get(channel))) {
                if (f.dimensions().isEmpty()) {
                    problems.add(new SpecProblem("feature_spec", f.name(), "sequence feature of channel " + channel
                            + " has no 'dimensions'; add e.g. 'dimensions: [100]'"));
                    continue;
                }
                if (f.dimensions().size() != 1) {
                    problems.add(new SpecProblem("feature_spec", f.name(), "sequence feature of channel " + channel
                            + " must have one dimension, found " + f.dimensions()));
                    continue;
                }
                if (f.cardinality().isEmpty()) {
                    problems.add(new SpecProblem(s, channel + " / " + f.name(),
                            "categorical feature has no cardinality in feature_spec"));
                }
                // A primitive: boxed Integers compared with != are equal only inside the small-integer cache (<= 127).
                int own = f.dimensions().getFirst();
                if (!haveLength) {
                    length = own;
                    haveLength = true;
                } else if (length != own) {
                    problems.add(new SpecProblem(s, channel + " / " + f.name(), "sequence length "
                            + own + " differs from the other history features' " + length));
                }
            }
        }
        checkItemChannelsLineUp(spec, problems);
    }

    private static void checkItemChannelsLineUp(FeatureSpec spec, List<SpecProblem> problems) {
        List<String> target = spec.channels().get(ModelChannels.TARGET_ITEM_FEATURES);
        if (target == null) {
            return;
        }
        for (String channel : List.of(ModelChannels.POSITIVE_HISTORY, ModelChannels.NEGATIVE_HISTORY)) {
            List<String> other = spec.channels().get(channel);
            if (other == null) {
                continue;
            }
            if (other.size() != target.size()) {
                problems.add(new SpecProblem("channel_spec", channel, "lists " + other.size() + " features but "
                        + ModelChannels.TARGET_ITEM_FEATURES + " lists " + target.size()
                        + "; the item channels must line up (item id first, then category) because they share embedding tables"));
                continue;
            }
            for (int i = 0; i < target.size(); i++) {
                FeatureDef a = spec.features().get(target.get(i));
                FeatureDef b = spec.features().get(other.get(i));
                if (a == null || b == null || a.cardinality().isEmpty() || b.cardinality().isEmpty()) {
                    continue;
                }
                if (a.cardinality().getAsLong() != b.cardinality().getAsLong()) {
                    problems.add(new SpecProblem("channel_spec", channel + " / " + b.name(), "cardinality "
                            + b.cardinality().getAsLong() + " does not line up with " + a.name() + " (position " + i
                            + " of " + ModelChannels.TARGET_ITEM_FEATURES + ", cardinality " + a.cardinality().getAsLong()
                            + "); features at the same position share one embedding table"));
                }
            }
        }
    }

    private static List<FeatureDef> defined(FeatureSpec spec, List<String> names) {
        if (names == null) {
            return List.of();
        }
        return names.stream().filter(spec.features()::containsKey).map(spec::feature).toList();
    }
}
