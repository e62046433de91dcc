package dev.sim4j.serve.scoring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Soft search over one request's lifelong history: per candidate, the {@code longLength} events whose embeddings
 * (item and category) have the largest dot product with the candidate's, ties to the more recent. Each event's score
 * is the item dot product plus the category dot product, each summed in double over the dimensions in order (the
 * rule the brute force and the training-serving tests state). What does not depend on the candidate is laid out once
 * per request: the events' item vectors side by side, and the distinct categories of the history, whose dot products
 * with the candidate's category are computed once per candidate instead of once per event (the same sums, so the
 * same bits). The item dot products run one event per vector lane (the Vector API), and the cut-off is a
 * selection, not a sort.
 */
final class SoftSearch {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;

    private final int from;
    private final int older;
    private final int e;
    /**
     * [e][older]: dimension d of the item vector of event from + k at d * older + k, in double (exact), so that one
     * vector register holds one dimension of several events.
     */
    private final double[] itemDims;
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
        itemDims = new double[e * older];
        padding = new boolean[older];
        catSlot = new int[older];
        java.util.Map<Integer, Integer> slots = new java.util.HashMap<>();
        for (int k = 0; k < older; k++) {
            int item = evItem[from + k];
            padding[k] = item == 0;
            for (int d = 0; d < e; d++) {
                itemDims[d * older + k] = itemTable[item * e + d];
            }
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
        // Lanes are events: each lane sums its event's products in dimension order; a float times a float is exact in
        // double, so each fused multiply-add rounds as s + a * b does, the scalar dot product's rounding.
        int k = 0;
        int lanes = SPECIES.length();
        for (; k + lanes <= older; k += lanes) {
            DoubleVector acc = DoubleVector.zero(SPECIES);
            for (int d = 0; d < e; d++) {
                acc = DoubleVector.fromArray(SPECIES, itemDims, d * older + k)
                        .fma(DoubleVector.broadcast(SPECIES, (double) itemTable[candItem * e + d]), acc);
            }
            acc.intoArray(score, k);
        }
        for (; k < older; k++) {
            double s = 0;
            for (int d = 0; d < e; d++) {
                s = Math.fma(itemDims[d * older + k], (double) itemTable[candItem * e + d], s);
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
     * canonical, above +infinity), and a heap of the n - k largest over plain long comparisons finds the k-th.
     */
    static double kthSmallest(double[] a, long[] keys, int k) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            long b = Double.doubleToLongBits(a[i]);
            keys[i] = b ^ ((b >> 63) & Long.MAX_VALUE);
        }
        // The (n - k) largest keys in a min-heap: its root ends as the k-th smallest. Most keys lose to the root at
        // once, so this is about one predictable comparison per key.
        int m = n - k;
        long[] heap = keys;
        for (int i = m / 2 - 1; i >= 0; i--) {
            siftDown(heap, i, m);
        }
        for (int i = m; i < n; i++) {
            if (heap[i] > heap[0]) {
                heap[0] = heap[i];
                siftDown(heap, 0, m);
            }
        }
        long key = heap[0];
        long b = key ^ ((key >> 63) & Long.MAX_VALUE);
        return Double.longBitsToDouble(b);
    }

    private static void siftDown(long[] heap, int i, int m) {
        long v = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= m) {
                break;
            }
            if (child + 1 < m && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= v) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = v;
    }
}
