package dev.sim4j.data.spec;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One entry of the {@code feature_spec} section.
 *
 * @param name        feature name
 * @param dtype       the dtype string exactly as written in the spec (kept for writing it back unchanged)
 * @param cardinality number of real ids of a categorical feature (ids 1..cardinality, 0 = padding); empty if absent
 * @param dimensions  per-row shape, e.g. {@code [100]} for a fixed-length sequence; empty for a scalar
 * @param extra       any other metadata keys, kept so that a spec survives a read-write round trip
 */
public record FeatureDef(String name, String dtype, OptionalLong cardinality, List<Integer> dimensions,
                         Map<String, Object> extra) {

    public FeatureDef {
        dimensions = List.copyOf(dimensions);
        extra = Map.copyOf(extra);
    }

    /** A scalar or sequence integer feature with a cardinality and no extra keys. */
    public static FeatureDef categorical(String name, String dtype, long cardinality, List<Integer> dimensions) {
        return new FeatureDef(name, dtype, OptionalLong.of(cardinality), dimensions, Map.of());
    }

    /** Values per row: the product of {@link #dimensions()}, 1 for a scalar. */
    public int width() {
        int w = 1;
        for (int d : dimensions) {
            w = Math.multiplyExact(w, d);
        }
        return w;
    }

    /** The parsed dtype, or null when the spec names one sim4j does not know (validation reports it). */
    public Dtype parsedDtype() {
        return Dtype.parse(dtype).orElse(null);
    }
}
