package dev.sim4j.engine.cpu;

/**
 * Top-k selection over packed keys: a float weight and its position in one {@code long} that sorts ascending in the
 * order {@code tf.math.top_k} returns (descending weight, then lower position first), so every key is distinct and
 * selection plus a sort of the first k gives the exact answer with no comparator objects.
 */
final class TopK {
    private TopK() {
    }

    /**
     * The key of weight {@code w} at position {@code pos}: the float's bits mapped to a signed int that orders like the
     * float (NaN above +infinity, -0 below +0, as {@link Double#compare}), inverted for descending order, above the
     * position.
     */
    static long key(float w, int pos) {
        int bits = Float.floatToIntBits(w);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ~ordered << 32) | pos;
    }

    /** Partially orders {@code keys} so that its first k entries are the k smallest (quickselect, Hoare partition). */
    static void selectSmallest(long[] keys, int k) {
        selectSmallest(keys, keys.length, k);
    }

    /** {@link #selectSmallest(long[], int)} over the first {@code n} entries of {@code keys}. */
    static void selectSmallest(long[] keys, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            long pivot = median(keys[lo], keys[(lo + hi) >>> 1], keys[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (keys[i] < pivot) {
                    i++;
                }
                while (keys[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = keys[i];
                    keys[i] = keys[j];
                    keys[j] = t;
                    i++;
                    j--;
                }
            }
            // [lo, j] <= pivot <= [i, hi]; keep narrowing towards position k - 1.
            if (k - 1 <= j) {
                hi = j;
            } else if (k - 1 >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    private static long median(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
