package dev.sim4j.serve.scoring;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The soft search's cut-off: the indices of the k largest of n scores, in {@link Double#compare}'s order with ties to
 * the lower index (the more recent event), ascending. Scratch for one history, reused by a request's candidates: not
 * thread-safe.
 *
 * <p>A histogram first: each finite score falls into one of {@value #BUCKETS} equal-width buckets between the scores'
 * minimum and maximum ({@code (s - min) * scale}, rounded down: a map that never decreases, so a higher bucket holds
 * only larger scores), the padding's negative infinity into a bucket below them all. The buckets above the one that
 * holds the k-th largest score are taken whole; only that boundary bucket's few scores are ordered exactly. That is
 * about three passes over the scores with no data-dependent branch where the heap selection it replaces
 * ({@link #kthSmallest}) took some 200 unpredictable sift-downs per candidate over 1,000 events. Scores the histogram
 * cannot order (NaN, positive infinity, negative zero, a spread too small or too large to scale) take that heap
 * selection, which picks the same for every input.
 */
final class LargestScores {
    static final int BUCKETS = 256;
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Long> LONGS = VectorSpecies.of(long.class, SPECIES.vectorShape());

    /** Per score: 0 for negative infinity, 1..BUCKETS for finite ones. */
    private final long[] bucket;
    private final int[] histogram = new int[BUCKETS + 1];
    private final long[] keys;
    /** Indices: the boundary bucket's scores, then the picks. */
    private final int[] members;
    private int heapSelections;

    /** Scratch for up to {@code capacity} scores. */
    LargestScores(int capacity) {
        bucket = new long[capacity];
        keys = new long[capacity];
        members = new int[capacity + 1];
    }

    /**
     * {@code offset} plus the indices of the {@code k} largest of {@code score[0, n)} (1 <= k < n), ascending: every
     * score above the k-th largest, then those equal to it, lowest index first.
     */
    int[] pick(double[] score, int n, int k, int offset) {
        if (k < 1 || k >= n || n > bucket.length) {
            throw new IllegalArgumentException("k " + k + " of n " + n + " (capacity " + bucket.length + ")");
        }
        // Pass 1, one score per vector lane: the finite scores' range, and whether any score is one the buckets
        // cannot order. NaN fails s < +infinity (so does +infinity); -0.0 is told apart by its bits.
        DoubleVector lo = DoubleVector.broadcast(SPECIES, Double.POSITIVE_INFINITY);
        DoubleVector hi = DoubleVector.broadcast(SPECIES, Double.NEGATIVE_INFINITY);
        boolean unordered = false;
        int lanes = SPECIES.length();
        int j = 0;
        for (; j + lanes <= n; j += lanes) {
            DoubleVector s = DoubleVector.fromArray(SPECIES, score, j);
            VectorMask<Double> padding = s.eq(Double.NEGATIVE_INFINITY);
            unordered |= !s.lt(Double.POSITIVE_INFINITY).allTrue()
                    || s.reinterpretAsLongs().eq(Long.MIN_VALUE).anyTrue();
            lo = lo.min(s.blend(Double.POSITIVE_INFINITY, padding));
            hi = hi.max(s);
        }
        double min = lo.reduceLanes(VectorOperators.MIN);
        double max = hi.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) {
            double s = score[j];
            unordered |= !(s < Double.POSITIVE_INFINITY) || Double.doubleToRawLongBits(s) == Long.MIN_VALUE;
            if (s != Double.NEGATIVE_INFINITY) {
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
        }
        if (min > max) { // no finite score: all padding, all in bucket 0
            min = 0;
            max = 0;
        }
        double spread = max - min;
        double scale = spread == 0 ? 0 : BUCKETS / spread;
        if (unordered || !(spread < Double.POSITIVE_INFINITY) || !(scale < Double.POSITIVE_INFINITY)) {
            return byHeap(score, n, k, offset);
        }
        // Pass 2: each score's bucket (in lanes), then the histogram.
        DoubleVector vmin = DoubleVector.broadcast(SPECIES, min);
        DoubleVector vscale = DoubleVector.broadcast(SPECIES, scale);
        j = 0;
        for (; j + lanes <= n; j += lanes) {
            DoubleVector s = DoubleVector.fromArray(SPECIES, score, j);
            LongVector b = (LongVector) s.sub(vmin).mul(vscale).convert(VectorOperators.D2L, 0);
            b = b.min(BUCKETS - 1).add(1).blend(0, s.eq(Double.NEGATIVE_INFINITY).cast(LONGS));
            b.intoArray(bucket, j);
        }
        for (; j < n; j++) {
            double s = score[j];
            bucket[j] = s == Double.NEGATIVE_INFINITY ? 0 : 1 + Math.min(BUCKETS - 1, (long) ((s - min) * scale));
        }
        Arrays.fill(histogram, 0);
        for (j = 0; j < n; j++) {
            histogram[(int) bucket[j]]++;
        }
        int boundary = BUCKETS;
        int above = 0;
        while (above + histogram[boundary] < k) {
            above += histogram[boundary--];
        }
        // The boundary bucket's scores as order-preserving keys: the (k - above)-th largest of them is the k-th overall.
        // (Each loop below writes every step and advances only on a match: no branch to mispredict.)
        int m = 0;
        for (j = 0; j < n; j++) {
            members[m] = j;
            m += bucket[j] == boundary ? 1 : 0;
        }
        for (int i = 0; i < m; i++) {
            keys[i] = key(score[members[i]]);
        }
        int need = k - above;
        long kth = kthSmallestKey(keys, m, m - need);
        // The boundary's picks, lowest index first among equals, move above it; the rest stay.
        int ties = need;
        for (int i = 0; i < m; i++) {
            ties -= key(score[members[i]]) > kth ? 1 : 0;
        }
        for (int i = 0; i < m; i++) {
            long key = key(score[members[i]]);
            if (key > kth || (key == kth && ties-- > 0)) {
                bucket[members[i]] = boundary + 1;
            }
        }
        int taken = 0;
        for (j = 0; j < n; j++) {
            members[taken] = offset + j;
            taken += bucket[j] > boundary ? 1 : 0;
        }
        return Arrays.copyOf(members, k);
    }

    /** How many picks took the heap selection (scores the histogram cannot order): for tests. */
    int heapSelections() {
        return heapSelections;
    }

    /** The same picks by a heap selection over every score: for scores the histogram cannot order. */
    private int[] byHeap(double[] score, int n, int k, int offset) {
        heapSelections++;
        double threshold = Double.longBitsToDouble(unkey(kthSmallestKey(keysOf(score, n), n, n - k)));
        int[] out = new int[k];
        int taken = 0;
        for (int j = 0; j < n; j++) {
            if (score[j] > threshold) {
                out[taken++] = offset + j;
            }
        }
        for (int j = 0; j < n && taken < k; j++) {
            if (score[j] == threshold || (Double.isNaN(threshold) && Double.isNaN(score[j]))) {
                out[taken++] = offset + j;
            }
        }
        Arrays.sort(out, 0, taken); // back to index order
        return Arrays.copyOf(out, taken);
    }

    private long[] keysOf(double[] a, int n) {
        for (int i = 0; i < n; i++) {
            keys[i] = key(a[i]);
        }
        return keys;
    }

    /**
     * A long that orders as {@link Double#compare} orders doubles: a negative's magnitude bits flipped; NaN is
     * canonical, above +infinity.
     */
    static long key(double x) {
        long b = Double.doubleToLongBits(x);
        return b ^ ((b >> 63) & Long.MAX_VALUE);
    }

    /** The inverse of {@link #key} (as raw double bits). */
    static long unkey(long key) {
        return key ^ ((key >> 63) & Long.MAX_VALUE);
    }

    /**
     * The element that would sit at index k of {@code a} sorted by {@link Double#compare}; {@code keys} is scratch of
     * a's length.
     */
    static double kthSmallest(double[] a, long[] keys, int k) {
        for (int i = 0; i < a.length; i++) {
            keys[i] = key(a[i]);
        }
        return Double.longBitsToDouble(unkey(kthSmallestKey(keys, a.length, k)));
    }

    /**
     * The key that would sit at index k of {@code keys[0, n)} sorted (which it reorders): a min-heap of the n - k
     * largest, whose root ends as the k-th smallest. Most keys lose to the root at once.
     */
    static long kthSmallestKey(long[] heap, int n, int k) {
        int m = n - k;
        for (int i = m / 2 - 1; i >= 0; i--) {
            siftDown(heap, i, m);
        }
        for (int i = m; i < n; i++) {
            if (heap[i] > heap[0]) {
                heap[0] = heap[i];
                siftDown(heap, 0, m);
            }
        }
        return heap[0];
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
