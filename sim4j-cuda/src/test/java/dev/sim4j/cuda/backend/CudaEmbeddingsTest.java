package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.TensorScope;
import dev.sim4j.engine.reference.ScalarBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The embedding kernels against the scalar reference: gathers exactly, the gradient reductions within a tolerance of
 * the F64 reference and bit for bit equal to {@link #chunkedReduction}, the kernels' order written out in Java (the
 * F32 reference's serial order for every id with at most one chunk of positions, which is checked too), plus the
 * radix sort and the scan they are built on, on awkward and model sizes.
 */
class CudaEmbeddingsTest {
    /** The twins each test runs on: views 8 bytes into their buffers here; {@code *AlignedTest} puts them 16 in. */
    CudaTwins twins(long seed) {
        return new CudaTwins(seed);
    }

    private final Backend f32 = new ScalarBackend(DType.F32);

    @Test
    void gatherRows() {
        try (CudaTwins h = twins(101)) {
            // {table rows, embedding width, ids}: tiny tables force many repeated ids.
            int[][] cases = {{1, 1, 1}, {1, 7, 17}, {7, 17, 33}, {127, 33, 7}, {50, 18, 4096}, {100000, 18, 4096},
                    {3, 36, 20000}, {20000, 16, 409600}, {2_000_000, 4, 33}};
            for (int[] c : cases) {
                CudaTwins.T table = h.rand(c[0], c[1]);
                CudaTwins.T ids = h.ids(c[0], c[2]);
                CudaTwins.T out = h.output(c[2], c[1]);
                h.run(be -> be.gatherRows(table.on(be), ids.on(be), out.on(be)));
                h.checkExact(out, "gatherRows " + Arrays.toString(c));
            }
            // Ids as a [B, T] view of a larger tensor, gathered into a [B*T, E] output.
            CudaTwins.T table = h.rand(40, 8);
            CudaTwins.T idsAll = h.ids(40, 10, 6);
            CudaTwins.T out = h.output(24, 8);
            h.run(be -> be.gatherRows(table.on(be), idsAll.on(be).rows(3, 7), out.on(be)));
            h.checkExact(out, "gatherRows of a rows() view");
        }
    }

    @Test
    void scatterAddRowsMatchesTheReferenceBitForBit() {
        try (CudaTwins h = twins(102)) {
            // {table rows, embedding width, ids}
            int[][] cases = {{1, 1, 1}, {1, 16, 7}, {1, 36, 33}, {7, 17, 33}, {127, 33, 7}, {50, 18, 4096},
                    {100000, 18, 4096}, {3, 36, 20000}, {1021, 32, 4099}, {300, 16, 2049}, {2_000_000, 2, 100_000},
                    {257, 16, 70_000}, {65_537, 36, 70_000}};
            for (int[] c : cases) {
                CudaTwins.T ids = h.ids(c[0], c[2]);
                scatterCase(h, c[0], c[1], ids, "scatterAddRows " + Arrays.toString(c));
            }
        }
    }

    @Test
    void scatterAddRowsAtModelSizeWithHeavyRepeats() {
        try (CudaTwins h = twins(103)) {
            int rows = 20000;
            int n = 409600;
            int[] ids = new int[n];
            for (int k = 0; k < n; k++) {
                // Half the ids from a few hundred popular rows, the rest uniform.
                ids[k] = h.rnd.nextBoolean() ? h.rnd.nextInt(300) : h.rnd.nextInt(rows);
            }
            // One id 10,000 times, at random positions (a long segment, reduced by one warp in order).
            for (int k = 0; k < 10_000; k++) {
                ids[h.rnd.nextInt(n)] = 4242;
            }
            ids[0] = rows - 1;
            ids[n - 1] = 0;
            scatterCase(h, rows, 16, h.ints(ids, n), "scatterAddRows 409600 ids into 20000 rows");
            // Large, mostly distinct batches: many short segments, three radix passes (the 2M-row table narrow, to
            // keep the host-side reference copies small).
            scatterCase(h, 300_000, 16, h.ids(300_000, 1_000_000), "scatterAddRows 1M ids into 300k rows");
            scatterCase(h, 2_000_000, 4, h.ids(2_000_000, 1_000_000), "scatterAddRows 1M ids into 2M rows");
            // History size (131072 x 100 ids), one column to keep the host copies small.
            scatterCase(h, 2_000_000, 1, h.ids(2_000_000, 131072, 100), "scatterAddRows 13.1M ids into 2M rows");
            // Everything in one row.
            scatterCase(h, 1, 16, h.ints(new int[50_000], 1000, 50), "scatterAddRows all into one row, [1000,50] ids");
        }
    }

    @Test
    void scatterAddRowsIsDeterministic() {
        try (CudaTwins h = twins(104)) {
            int rows = 500;
            int e = 16;
            int n = 200_000;
            CudaTwins.T ids = h.ids(rows, n);
            CudaTwins.T dOut = h.rand(n, e);
            float[] table = floats(h, h.rand(rows, e));
            float[][] results = new float[2][];
            for (int k = 0; k < 2; k++) {
                Tensor dTable = h.gpu.upload(table, rows, e);
                h.gpu.scatterAddRows(dOut.on(h.gpu), ids.on(h.gpu), dTable);
                results[k] = h.gpu.toFloats(dTable);
            }
            assertBitIdentical(results[0], results[1], "scatterAddRows run twice");
        }
    }

    /** scatterAddRows of random gradients into a random table: vs F64 within a tolerance, vs F32 bit for bit. */
    private void scatterCase(CudaTwins h, int rows, int e, CudaTwins.T ids, String what) {
        int n = (int) ids.on(h.ref).size();
        CudaTwins.T dOut = h.rand(n, e);
        CudaTwins.T dTable = h.rand(rows, e);
        float[] g = floats(h, dOut);
        float[] t0 = floats(h, dTable);
        int[] idv = h.ref.toInts(ids.on(h.ref));
        h.run(be -> be.scatterAddRows(dOut.on(be), ids.on(be), dTable.on(be)));
        h.check(dTable, 1e-6 * Math.sqrt(n), 1e-6 * Math.sqrt(n), what);
        float[] want = t0.clone();
        chunkedReduction(want, e, idv, -1, g, e, 0);
        assertBitIdentical(h.gpu.toFloats(dTable.on(h.gpu)), want, what + " vs the chunked order");
        if (longestRun(idv, -1) <= CudaEmbeddings.REDUCE_CHUNK) {
            // No run long enough to be cut: the reference's serial sums exactly.
            Tensor serial = f32.upload(t0, rows, e);
            f32.scatterAddRows(f32.upload(g, n, e), f32.upload(idv, idv.length), serial);
            assertBitIdentical(want, f32.toFloats(serial), what + " chunked order vs F32 reference (no long run)");
        }
    }

    @Test
    void embedSequence() {
        try (CudaTwins h = twins(105)) {
            // {B, T, from, to, items, categories, E1, E2}
            int[][] cases = {{1, 1, 0, 1, 1, 1, 1, 1}, {1, 1, 0, 0, 5, 5, 4, 4}, {7, 10, 3, 9, 17, 3, 16, 16},
                    {33, 17, 0, 17, 1021, 7, 18, 18}, {127, 10, 0, 10, 100, 20, 16, 16}, {4096, 10, 0, 10, 5000, 300,
                    16, 16}, {4096, 100, 10, 100, 50000, 1000, 18, 18}, {17, 990, 900, 990, 2000, 1, 16, 20}};
            for (int[] c : cases) {
                int b = c[0];
                int tt = c[1];
                int from = c[2];
                int to = c[3];
                int w = to - from;
                String what = "embedSequence " + Arrays.toString(c);
                CudaTwins.T items = h.rand(c[4], c[6]);
                CudaTwins.T cats = h.rand(c[5], c[7]);
                CudaTwins.T itemIds = sequenceIds(h, c[4], b, tt);
                CudaTwins.T catIds = h.ids(c[5], b, tt);
                CudaTwins.T out = h.output(b, w, c[6] + c[7]);
                CudaTwins.T mask = h.output(b, w);
                h.run(be -> be.embedSequence(items.on(be), cats.on(be), itemIds.on(be), catIds.on(be), from, to,
                        out.on(be), mask.on(be)));
                h.checkExact(out, what);
                h.checkExact(mask, what + " mask");
            }
        }
    }

    @Test
    void embedSequenceBackwardMatchesTheReferenceBitForBit() {
        try (CudaTwins h = twins(106)) {
            // {B, T, from, to, items, categories, E1, E2}: one-row category tables and a 2-row item table (the padding
            // row and one more) give the longest segments.
            int[][] cases = {{1, 1, 0, 1, 1, 1, 1, 1}, {1, 1, 0, 1, 2, 1, 16, 16}, {1, 1, 0, 0, 5, 5, 4, 4},
                    {7, 10, 3, 9, 17, 3, 16, 16}, {33, 17, 0, 17, 1021, 7, 18, 18}, {127, 10, 0, 10, 2, 1, 16, 16},
                    {4096, 10, 0, 10, 5000, 300, 16, 16}, {4096, 100, 10, 100, 50000, 1000, 18, 18},
                    {17, 990, 900, 990, 2000, 1, 16, 20}, {1024, 90, 0, 90, 500_000, 5000, 16, 16}};
            for (int[] c : cases) {
                int b = c[0];
                int tt = c[1];
                int from = c[2];
                int to = c[3];
                int w = to - from;
                int e1 = c[6];
                int e2 = c[7];
                String what = "embedSequenceBackward " + Arrays.toString(c);
                CudaTwins.T itemIds = sequenceIds(h, c[4], b, tt);
                CudaTwins.T catIds = h.ids(c[5], b, tt);
                CudaTwins.T dOut = h.rand(b, w, e1 + e2);
                CudaTwins.T dItems = h.rand(c[4], e1);
                CudaTwins.T dCats = h.rand(c[5], e2);
                float[] g = floats(h, dOut);
                float[] di0 = floats(h, dItems);
                float[] dc0 = floats(h, dCats);
                h.run(be -> be.embedSequenceBackward(dOut.on(be), itemIds.on(be), catIds.on(be), from, to,
                        dItems.on(be), dCats.on(be)));
                double tol = 1e-6 * Math.sqrt(Math.max(1, b * w));
                h.check(dItems, tol, tol, what + " dItems");
                h.check(dCats, tol, tol, what + " dCategories");
                int[] ii = h.ref.toInts(itemIds.on(h.ref));
                int[] ci = h.ref.toInts(catIds.on(h.ref));
                // Keys per position (b, t - from): items skip the padding id 0; a padding position's category key is
                // the sentinel C, skipped (its vector is masked to zero).
                int[] itemKeys = new int[b * w];
                int[] catKeys = new int[b * w];
                for (int r = 0; r < b; r++) {
                    for (int t = from; t < to; t++) {
                        itemKeys[r * w + t - from] = ii[r * tt + t];
                        catKeys[r * w + t - from] = ii[r * tt + t] == 0 ? c[5] : ci[r * tt + t];
                    }
                }
                float[] wantItems = di0.clone();
                float[] wantCats = dc0.clone();
                chunkedReduction(wantItems, e1, itemKeys, 0, g, e1 + e2, 0);
                chunkedReduction(wantCats, e2, catKeys, c[5], g, e1 + e2, e1);
                assertBitIdentical(h.gpu.toFloats(dItems.on(h.gpu)), wantItems, what + " dItems vs the chunked order");
                assertBitIdentical(h.gpu.toFloats(dCats.on(h.gpu)), wantCats, what + " dCategories vs the chunked order");
                if (longestRun(itemKeys, 0) <= CudaEmbeddings.REDUCE_CHUNK
                        && longestRun(catKeys, c[5]) <= CudaEmbeddings.REDUCE_CHUNK) {
                    Tensor serialItems = f32.upload(di0, c[4], e1);
                    Tensor serialCats = f32.upload(dc0, c[5], e2);
                    f32.embedSequenceBackward(f32.upload(g, b, w, e1 + e2), f32.upload(ii, b, tt),
                            f32.upload(ci, b, tt), from, to, serialItems, serialCats);
                    assertBitIdentical(wantItems, f32.toFloats(serialItems), what + " chunked vs F32 (no long run)");
                    assertBitIdentical(wantCats, f32.toFloats(serialCats), what + " chunked vs F32 (no long run)");
                }
            }
        }
    }

    @Test
    void embedSequenceBackwardIsDeterministic() {
        try (CudaTwins h = twins(107)) {
            int b = 2048;
            int tt = 50;
            CudaTwins.T itemIds = sequenceIds(h, 300, b, tt);
            CudaTwins.T catIds = h.ids(20, b, tt);
            CudaTwins.T dOut = h.rand(b, tt, 32);
            float[] items = floats(h, h.rand(300, 16));
            float[] cats = floats(h, h.rand(20, 16));
            float[][] results = new float[4][];
            for (int k = 0; k < 2; k++) {
                Tensor di = h.gpu.upload(items, 300, 16);
                Tensor dc = h.gpu.upload(cats, 20, 16);
                h.gpu.embedSequenceBackward(dOut.on(h.gpu), itemIds.on(h.gpu), catIds.on(h.gpu), 0, tt, di, dc);
                results[2 * k] = h.gpu.toFloats(di);
                results[2 * k + 1] = h.gpu.toFloats(dc);
            }
            assertBitIdentical(results[0], results[2], "embedSequenceBackward dItems run twice");
            assertBitIdentical(results[1], results[3], "embedSequenceBackward dCategories run twice");
        }
    }

    @Test
    void uniqueRows() {
        try (CudaTwins h = twins(108)) {
            // Hand-picked: several tensors (views at offsets), padding 0 included, the tail of out untouched.
            uniqueCase(h, List.of(h.ints(new int[] {5, 0, 5, 9, 2}, 5), h.ints(new int[] {2, 2, 7}, 3)), 10, 8,
                    "uniqueRows hand-picked");
            uniqueCase(h, List.of(h.ints(new int[] {0}, 1)), 1, 1, "uniqueRows one id, bound 1");
            uniqueCase(h, List.of(h.ids(1, 7), h.ids(1, 33)), 1, 40, "uniqueRows bound 1");
            uniqueCase(h, List.of(h.ids(5, 7)), 5, 7, "uniqueRows 7 ids");
            uniqueCase(h, List.of(h.ids(1000, 33), h.ints(new int[0], 0), h.ids(1000, 3, 11)), 1000, 100,
                    "uniqueRows with an empty tensor");
            uniqueCase(h, List.of(h.ids(300, 4099)), 300, 300, "uniqueRows 4099 ids into 300");
            uniqueCase(h, List.of(h.ids(256, 5000)), 256, 300, "uniqueRows bound 256 (one pass)");
            uniqueCase(h, List.of(h.ids(257, 5000)), 257, 300, "uniqueRows bound 257 (two passes)");
            // Model size: 3 tensors of 100k ids over a 2M-row table (three passes), and a few popular ids.
            List<CudaTwins.T> three = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                int[] v = new int[100_000];
                for (int j = 0; j < v.length; j++) {
                    v[j] = h.rnd.nextInt(4) == 0 ? h.rnd.nextInt(50) : h.rnd.nextInt(2_000_000);
                }
                three.add(h.ints(v, 1000, 100));
            }
            uniqueCase(h, three, 2_000_000, 300_000, "uniqueRows 3 x 100k ids, bound 2M");
            // Four passes: ids anywhere in int range.
            uniqueCase(h, List.of(h.ids(Integer.MAX_VALUE, 70_000), h.ints(new int[] {Integer.MAX_VALUE - 1, 0}, 2)),
                    Integer.MAX_VALUE, 70_002, "uniqueRows bound 2^31 - 1");
        }
    }

    private static void uniqueCase(CudaTwins h, List<CudaTwins.T> ids, int bound, int outSize, String what) {
        int[] init = new int[outSize];
        Arrays.fill(init, -7);
        CudaTwins.T out = h.ints(init, outSize);
        Tensor count = h.gpu.upload(new int[] {-1}, 1);
        Tensor refCount = h.ref.zeros(DType.I32, 1);
        h.ref.uniqueRows(ids.stream().map(t -> t.on(h.ref)).toList(), bound, out.on(h.ref), refCount);
        int want = h.ref.toInts(refCount)[0];
        h.gpu.embeddings.uniqueRows(ids.stream().map(t -> t.on(h.gpu)).toList(), bound, out.on(h.gpu), count);
        assertThat(h.gpu.toInts(count)[0]).as(what + " count").isEqualTo(want);
        h.checkInts(out, what);
        // Twice: the same answer (and the count overwritten, not accumulated).
        h.gpu.embeddings.uniqueRows(ids.stream().map(t -> t.on(h.gpu)).toList(), bound, out.on(h.gpu), count);
        assertThat(h.gpu.toInts(count)[0]).as(what + " count, second run").isEqualTo(want);
        h.checkInts(out, what + ", second run");
    }

    @Test
    void radixSortIsStable() {
        try (CudaTwins h = twins(109)) {
            // {n, bound}
            int[][] cases = {{1, 1}, {7, 1}, {33, 2}, {33, 1000}, {2047, 256}, {2048, 257}, {2049, 70_000},
                    {100_000, 3}, {100_000, 2_000_000}, {300_001, Integer.MAX_VALUE}, {13_107_200, 2_000_000}};
            for (int[] c : cases) {
                sortCase(h.gpu, h.rnd, c[0], c[1], "radix sort " + Arrays.toString(c));
            }
        }
    }

    private static void sortCase(CudaBackend gpu, SplittableRandom rnd, int n, int bound, String what) {
        int[] keys = new int[n];
        for (int k = 0; k < n; k++) {
            keys[k] = rnd.nextInt(bound);
        }
        // Stable by key = sorted by (key, position), positions being distinct.
        long[] pairs = new long[n];
        for (int k = 0; k < n; k++) {
            pairs[k] = ((long) keys[k] << 32) | k;
        }
        Arrays.sort(pairs);
        try (TensorScope scope = gpu.openScope()) {
            Tensor in = gpu.upload(keys, n);
            IdSort.Sorted sorted = IdSort.sort(gpu, CudaBackend.cuda(in).address(), n, bound, true);
            int[] sk = gpu.toInts(sorted.keys());
            int[] sp = gpu.toInts(sorted.positions());
            for (int k = 0; k < n; k++) {
                if (sk[k] != (int) (pairs[k] >>> 32) || sp[k] != (int) pairs[k]) {
                    fail("%s: element %d is (%d, %d), expected (%d, %d)", what, k, sk[k], sp[k], pairs[k] >>> 32,
                            (int) pairs[k]);
                }
            }
            CudaTwins.sameInts(gpu.toInts(in), keys, what + ": input untouched");
            IdSort.Sorted keysOnly = IdSort.sort(gpu, CudaBackend.cuda(in).address(), n, bound, false);
            assertThat(keysOnly.positions()).isNull();
            CudaTwins.sameInts(gpu.toInts(keysOnly.keys()), sk, what + " keys only");
            CudaTwins.sameInts(gpu.toInts(in), keys, what + ": input untouched by the keys-only sort");
        }
    }

    @Test
    void exclusiveScan() {
        try (CudaTwins h = twins(110)) {
            // Across one tile (2048), several, and more than one chunk of tile sums (2048 tiles).
            for (int n : new int[] {1, 7, 2047, 2048, 2049, 4099, 1_000_003, 2048 * 2048, 2048 * 2048 + 1,
                    9_000_000}) {
                int[] v = new int[n];
                for (int k = 0; k < n; k++) {
                    v[k] = h.rnd.nextInt(4);
                }
                int[] want = new int[n];
                int run = 0;
                for (int k = 0; k < n; k++) {
                    want[k] = run;
                    run += v[k];
                }
                try (TensorScope scope = h.gpu.openScope()) {
                    Tensor in = h.gpu.upload(v, n);
                    Tensor out = h.gpu.empty(DType.I32, n);
                    Tensor total = h.gpu.upload(new int[] {-1}, 1);
                    IdSort.exclusiveScan(h.gpu, CudaBackend.cuda(in).address(), CudaBackend.cuda(out).address(), n,
                            CudaBackend.cuda(total).address());
                    CudaTwins.sameInts(h.gpu.toInts(out), want, "scan of " + n);
                    assertThat(h.gpu.toInts(total)[0]).as("scan total of " + n).isEqualTo(run);
                    IdSort.exclusiveScan(h.gpu, CudaBackend.cuda(in).address(), CudaBackend.cuda(in).address(), n, 0);
                    CudaTwins.sameInts(h.gpu.toInts(in), want, "scan in place of " + n);
                }
            }
        }
    }

    /** Item ids [B, T] with padding: 0 with probability 0.4 (and whole padded tails), else in [1, rows). */
    private static CudaTwins.T sequenceIds(CudaTwins h, int rows, int b, int tt) {
        int[] v = new int[b * tt];
        for (int r = 0; r < b; r++) {
            int len = h.rnd.nextInt(tt + 1);
            for (int s = 0; s < tt; s++) {
                boolean pad = s >= len || rows == 1 || h.rnd.nextDouble() < 0.4;
                v[r * tt + s] = pad ? 0 : 1 + h.rnd.nextInt(rows - 1);
            }
        }
        return h.ints(v, b, tt);
    }

    /** The float values of t (the reference holds them exactly: they were float inputs). */
    static float[] floats(CudaTwins h, CudaTwins.T t) {
        double[] d = h.ref.toDoubles(t.on(h.ref));
        float[] f = new float[d.length];
        for (int k = 0; k < d.length; k++) {
            f[k] = (float) d[k];
        }
        return f;
    }

    /** The most positions of one key other than {@code skipKey}. */
    static int longestRun(int[] keys, int skipKey) {
        java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
        int most = 0;
        for (int k : keys) {
            if (k != skipKey) {
                most = Math.max(most, counts.merge(k, 1, Integer::sum));
            }
        }
        return most;
    }

    /**
     * The CUDA gradient reduction's order, in Java: dT[keys[p]] += g[p * ldg + offset, ...e) for every position p
     * whose key is not skipKey. The (key, p) pairs are sorted by key then p; a key with at most
     * {@link CudaEmbeddings#REDUCE_CHUNK} positions is added serially onto dT (the reference's order); a longer run is
     * cut where chunks of that many sorted pairs end, each piece summed from zero, then dT + piece + piece ...; every
     * add rounded to float.
     */
    static void chunkedReduction(float[] dT, int e, int[] keys, int skipKey, float[] g, int ldg, int offset) {
        int n = keys.length;
        long[] pairs = new long[n];
        for (int p = 0; p < n; p++) {
            pairs[p] = ((long) keys[p] << 32) | p;
        }
        java.util.Arrays.sort(pairs);
        int chunk = CudaEmbeddings.REDUCE_CHUNK;
        int i = 0;
        while (i < n) {
            int key = (int) (pairs[i] >> 32);
            int j = i;
            while (j < n && (int) (pairs[j] >> 32) == key) {
                j++;
            }
            if (key != skipKey) {
                for (int c = 0; c < e; c++) {
                    float acc = dT[key * e + c];
                    if (j - i <= chunk) {
                        for (int q = i; q < j; q++) {
                            acc += g[(int) pairs[q] * ldg + offset + c];
                        }
                    } else {
                        // Pieces end where chunks of the sorted pairs end.
                        int q = i;
                        while (q < j) {
                            int pieceEnd = Math.min(j, (q / chunk + 1) * chunk);
                            float piece = 0f;
                            for (int r = q; r < pieceEnd; r++) {
                                piece += g[(int) pairs[r] * ldg + offset + c];
                            }
                            acc += piece;
                            q = pieceEnd;
                        }
                    }
                    dT[key * e + c] = acc;
                }
            }
            i = j;
        }
    }

    static void assertBitIdentical(float[] got, float[] want, String what) {
        assertThat(got.length).as(what + " length").isEqualTo(want.length);
        for (int k = 0; k < got.length; k++) {
            if (Float.floatToRawIntBits(got[k]) != Float.floatToRawIntBits(want[k])) {
                fail("%s: element %d is %s, expected %s (bit for bit)", what, k, got[k], want[k]);
            }
        }
    }
}
