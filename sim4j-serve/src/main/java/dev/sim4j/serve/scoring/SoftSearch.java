package dev.sim4j.serve.scoring;

/**
 * Soft search over one request's lifelong history: per candidate, the {@code longLength} events whose embeddings
 * (item and category) have the largest dot product with the candidate's, ties to the more recent. Each event's score
 * is the item dot product plus the category dot product, each summed in double over the dimensions in order (the
 * rule the brute force and the training-serving tests state). What does not depend on the candidate is laid out once
 * per request: the events' item vectors side by side, and the distinct categories of the history, whose dot products
 * with the candidate's category are computed once per candidate instead of once per event (the same sums, so the
 * same bits). The item dot products run eight events at a time (eight independent sums), and the cut-off is a
 * selection, not a sort.
 */
final class SoftSearch {
    private static final int BLOCK = 8;

    private final int from;
    private final int older;
    private final int e;
    /** [older][e] item vectors of events from..from+older-1 (zero rows for padding; their score is -infinity). */
    private final float[] itemVectors;
    private final boolean[] padding;
    /** The distinct categories of the events, and each event's index into them. */
    private final int[] distinctCats;
    private final int[] catSlot;
    private final float[] itemTable;
    private final float[] catTable;
    private final double[] catDot;
    private final double[] score;
    private final long[] keys;

    /** The events [from, evItem.length) of a newest-first history, with the model's embedding tables [rows, e]. */
    SoftSearch(int[] evItem, int[] evCat, int from, float[] itemTable, float[] catTable, int e) {
        this.from = from;
        this.older = evItem.length - from;
        this.e = e;
        this.itemTable = itemTable;
        this.catTable = catTable;
        itemVectors = new float[older * e];
        padding = new boolean[older];
        catSlot = new int[older];
        java.util.Map<Integer, Integer> slots = new java.util.HashMap<>();
        for (int k = 0; k < older; k++) {
            int item = evItem[from + k];
            padding[k] = item == 0;
            System.arraycopy(itemTable, item * e, itemVectors, k * e, e);
            catSlot[k] = slots.computeIfAbsent(evCat[from + k], c -> slots.size());
        }
        distinctCats = new int[slots.size()];
        slots.forEach((cat, slot) -> distinctCats[slot] = cat);
        catDot = new double[distinctCats.length];
        score = new double[older];
        keys = new long[older];
    }

    /** Indices into the newest-first history of the picked events, newest first (not thread-safe: one request). */
    int[] pick(int candItem, int candCat, int longLength) {
        for (int j = 0; j < distinctCats.length; j++) {
            double s = 0;
            int row = distinctCats[j] * e;
            for (int d = 0; d < e; d++) {
                s += (double) catTable[row + d] * catTable[candCat * e + d];
            }
            catDot[j] = s;
        }
        double[] c = new double[e];
        for (int d = 0; d < e; d++) {
            c[d] = itemTable[candItem * e + d];
        }
        int k = 0;
        for (; k + BLOCK <= older; k += BLOCK) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            double s4 = 0;
            double s5 = 0;
            double s6 = 0;
            double s7 = 0;
            int b = k * e;
            for (int d = 0; d < e; d++) {
                double cd = c[d];
                s0 += itemVectors[b + d] * cd;
                s1 += itemVectors[b + e + d] * cd;
                s2 += itemVectors[b + 2 * e + d] * cd;
                s3 += itemVectors[b + 3 * e + d] * cd;
                s4 += itemVectors[b + 4 * e + d] * cd;
                s5 += itemVectors[b + 5 * e + d] * cd;
                s6 += itemVectors[b + 6 * e + d] * cd;
                s7 += itemVectors[b + 7 * e + d] * cd;
            }
            score[k] = s0;
            score[k + 1] = s1;
            score[k + 2] = s2;
            score[k + 3] = s3;
            score[k + 4] = s4;
            score[k + 5] = s5;
            score[k + 6] = s6;
            score[k + 7] = s7;
        }
        for (; k < older; k++) {
            double s = 0;
            for (int d = 0; d < e; d++) {
                s += itemVectors[k * e + d] * c[d];
            }
            score[k] = s;
        }
        for (int j = 0; j < older; j++) {
            score[j] = padding[j] ? Double.NEGATIVE_INFINITY : score[j] + catDot[catSlot[j]];
        }
        // The longLength-th largest score (in Double.compare's order, as a sort gives it); every event above it, then
        // those equal to it, more recent (lower index) first: "largest score first, ties to the more recent".
        double threshold = kthSmallest(score, keys, older - longLength);
        int[] out = new int[longLength];
        int n = 0;
        for (int j = 0; j < older; j++) {
            if (score[j] > threshold) {
                out[n++] = from + j;
            }
        }
        for (int j = 0; j < older && n < longLength; j++) {
            if (score[j] == threshold || (Double.isNaN(threshold) && Double.isNaN(score[j]))) {
                out[n++] = from + j;
            }
        }
        java.util.Arrays.sort(out, 0, n); // back to newest first
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * The element that would sit at index k of {@code a} sorted by {@link Double#compare}; {@code keys} is scratch of
     * a's length. The doubles become longs that order as Double.compare does (a negative's magnitude bits flipped; NaN is
     * canonical, above +infinity), and a quickselect over plain long comparisons finds the k-th.
     */
    static double kthSmallest(double[] a, long[] keys, int k) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            long b = Double.doubleToLongBits(a[i]);
            keys[i] = b ^ ((b >> 63) & Long.MAX_VALUE);
        }
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            long pivot = keys[(lo + hi) >>> 1];
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
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                break;
            }
        }
        long key = keys[k];
        long b = key ^ ((key >> 63) & Long.MAX_VALUE);
        return Double.longBitsToDouble(b);
    }
}
