package dev.sim4j.serve.scoring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Soft search over one request's lifelong history: per candidate, the {@code longLength} events whose embeddings
 * (item and category) have the largest dot product with the candidate's, ties to the more recent. Each event's score
 * is the item dot product plus the category dot product, each summed in double over the dimensions in order (the
 * rule the brute force and the training-serving tests state). What does not depend on the candidate is laid out once
 * per request: the events' item vectors side by side, and the distinct categories of the history, whose dot products
 * with the candidate's category are computed once per candidate instead of once per event (the same sums, so the
 * same bits). The item dot products run one event per vector lane (the Vector API), and the cut-off is a
 * selection, not a sort ({@link LargestScores}).
 */
final class SoftSearch {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    /** As many float lanes as SPECIES has double lanes: a float load widened to one double register. */
    private static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class,
            VectorShape.forBitSize(SPECIES.vectorBitSize() / 2));

    private final int from;
    private final int older;
    private final int e;
    /**
     * [e][older]: dimension d of the item vector of event from + k at d * older + k, so that one vector register
     * holds one dimension of several events; kept in float (half the bytes to stream per candidate) and widened to
     * double, exactly, in the register.
     */
    private final float[] itemDims;
    private final boolean[] padding;
    /** The distinct categories of the events, and each event's index into them. */
    private final int[] distinctCats;
    private final int[] catSlot;
    private final float[] itemTable;
    private final float[] catTable;
    private final double[] catDot;
    private final double[] candidate;
    private final double[] score;
    private final LargestScores largest;

    /** The events [from, evItem.length) of a newest-first history, with the model's embedding tables [rows, e]. */
    SoftSearch(int[] evItem, int[] evCat, int from, float[] itemTable, float[] catTable, int e) {
        this.from = from;
        this.older = evItem.length - from;
        this.e = e;
        this.itemTable = itemTable;
        this.catTable = catTable;
        itemDims = new float[e * older];
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
        candidate = new double[e];
        score = new double[older];
        largest = new LargestScores(older);
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
        for (int d = 0; d < e; d++) {
            candidate[d] = itemTable[candItem * e + d];
        }
        // Lanes are events: each lane sums its event's products in dimension order; a float times a float is exact in
        // double, so each fused multiply-add rounds as s + a * b does, the scalar dot product's rounding. Then, as
        // the scalar tail does, the category's dot product is added and padding scores negative infinity.
        int k = 0;
        int lanes = SPECIES.length();
        DoubleVector padded = DoubleVector.broadcast(SPECIES, Double.NEGATIVE_INFINITY);
        for (; k + lanes <= older; k += lanes) {
            DoubleVector acc = DoubleVector.zero(SPECIES);
            for (int d = 0; d < e; d++) {
                DoubleVector dim = (DoubleVector) FloatVector.fromArray(FLOATS, itemDims, d * older + k)
                        .convertShape(VectorOperators.F2D, SPECIES, 0);
                acc = dim.fma(DoubleVector.broadcast(SPECIES, candidate[d]), acc);
            }
            acc.add(DoubleVector.fromArray(SPECIES, catDot, 0, catSlot, k))
                    .blend(padded, VectorMask.fromArray(SPECIES, padding, k))
                    .intoArray(score, k);
        }
        for (; k < older; k++) {
            double s = 0;
            for (int d = 0; d < e; d++) {
                s = Math.fma((double) itemDims[d * older + k], candidate[d], s);
            }
            score[k] = padding[k] ? Double.NEGATIVE_INFINITY : s + catDot[catSlot[k]];
        }
        // The longLength largest scores (in Double.compare's order, as a sort gives them), ties to the more recent.
        return largest.pick(score, older, longLength, from);
    }

    /**
     * The element that would sit at index k of {@code a} sorted by {@link Double#compare}; {@code keys} is scratch of
     * a's length (the order {@link LargestScores} selects in).
     */
    static double kthSmallest(double[] a, long[] keys, int k) {
        return LargestScores.kthSmallest(a, keys, k);
    }
}
