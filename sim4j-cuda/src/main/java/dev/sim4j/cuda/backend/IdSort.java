package dev.sim4j.cuda.backend;

import dev.sim4j.cuda.driver.Kernel;
import dev.sim4j.engine.DType;

/**
 * Device building blocks of the deterministic embedding reductions: a stable LSD radix sort of int keys with their
 * positions, an exclusive scan of ints, and the segments (runs of equal keys) of sorted keys. Everything is integer
 * work, so the results do not depend on scheduling. Temporaries come from {@link CudaBackend#empty}: call these inside
 * a scope that outlives the last launch using them (the caller's {@code openScope()}), so that no temporary returns to
 * the pool, and is handed out again, while this thread still queues work on it. Kernels in {@code
 * kernels/embeddings.cu}.
 */
final class IdSort {
    private static final String FAMILY = "embeddings";
    /** Keys per tile (one block) of the radix passes (RADIX_TILE). */
    static final int RADIX_TILE = 2048;
    /** Threads per block of the radix passes (RADIX_THREADS). */
    private static final int RADIX_THREADS = 256;
    private static final int RADIX_DIGITS = 256;
    /** Elements per block of the scan (SCAN_TILE) and its threads. */
    private static final int SCAN_TILE = 2048;
    private static final int SCAN_THREADS = 256;
    /** The largest key count: tile arithmetic in the kernels is in int. */
    static final int MAX_KEYS = Integer.MAX_VALUE - 2 * RADIX_TILE;

    private IdSort() {
    }

    /** Sorted keys and, when asked for, the positions (0..n-1 in the input) they came from, as I32 [n] tensors. */
    record Sorted(CudaTensor keys, CudaTensor positions) {
    }

    /** The segments of sorted keys: starts I32 [n + 1] (segment s is [starts[s], starts[s + 1])) and their count I32 [1]. */
    record Segments(CudaTensor starts, CudaTensor count) {
    }

    /** Radix passes of 8 bits that cover keys in [0, bound): at least one, so the output is always a fresh copy. */
    static int passes(int bound) {
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(bound - 1, 1));
        return (bits + 7) / 8;
    }

    /**
     * Stable sort of the n keys at device address {@code keys} (I32, each in [0, bound); left unchanged), with the
     * positions 0..n-1 as values when {@code withPositions}. Equal keys keep their input order, so the positions of
     * one key come out increasing.
     */
    static Sorted sort(CudaBackend be, long keys, int n, int bound, boolean withPositions) {
        if (n < 1 || n > MAX_KEYS) {
            throw new IllegalArgumentException("IdSort: " + n + " keys");
        }
        int tiles = (n + RADIX_TILE - 1) / RADIX_TILE;
        CudaTensor[] k = {empty(be, n), empty(be, n)};
        CudaTensor[] v = withPositions ? new CudaTensor[] {empty(be, n), empty(be, n)} : null;
        CudaTensor counts = empty(be, (long) RADIX_DIGITS * tiles);
        Kernel histogram = be.kernels().kernel(FAMILY, "radix_histogram");
        Kernel scatter = be.kernels().kernel(FAMILY, "radix_scatter");
        int passes = passes(bound);
        long keysIn = keys;
        long valsIn = 0;
        for (int p = 0; p < passes; p++) {
            int shift = 8 * p;
            CudaTensor kOut = k[p & 1];
            long valsOut = withPositions ? v[p & 1].address() : 0;
            histogram.begin().pointer(keysIn).i32(n).i32(shift).i32(tiles).pointer(counts.address())
                    .launch(be.stream(), tiles, RADIX_THREADS);
            exclusiveScan(be, counts.address(), counts.address(), counts.size(), 0);
            scatter.begin().pointer(keysIn).pointer(valsIn).pointer(kOut.address()).pointer(valsOut).i32(n).i32(shift)
                    .i32(tiles).pointer(counts.address()).launch(be.stream(), tiles, RADIX_THREADS);
            keysIn = kOut.address();
            valsIn = valsOut;
        }
        int last = (passes - 1) & 1;
        return new Sorted(k[last], withPositions ? v[last] : null);
    }

    /**
     * out[i] = in[0] + ... + in[i - 1] for the n ints at {@code in} ({@code out == in} allowed); the sum of all n into
     * the int at {@code total} unless it is 0. Three launches: tile sums, their scan (one block), the tiles' scans.
     */
    static void exclusiveScan(CudaBackend be, long in, long out, long n, long total) {
        if (n == 0) {
            if (total != 0) {
                be.driver().memset32(total, 0, 1, be.stream().handle());
            }
            return;
        }
        long m = (n + SCAN_TILE - 1) / SCAN_TILE;
        if (m > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("exclusiveScan: " + n + " elements");
        }
        CudaTensor sums = empty(be, m);
        CudaTensor sink = total == 0 ? empty(be, 1) : null;
        long totalAt = total == 0 ? sink.address() : total;
        be.kernels().kernel(FAMILY, "scan_tile_sums").begin().pointer(in).i64(n).pointer(sums.address())
                .launch(be.stream(), (int) m, SCAN_THREADS);
        be.kernels().kernel(FAMILY, "scan_carries").begin().pointer(sums.address()).i32((int) m).pointer(totalAt)
                .launch(be.stream(), 1, SCAN_THREADS);
        be.kernels().kernel(FAMILY, "scan_apply").begin().pointer(in).pointer(out).i64(n).pointer(sums.address())
                .launch(be.stream(), (int) m, SCAN_THREADS);
    }

    /** The segments of the n sorted keys at {@code sortedKeys}. */
    static Segments segments(CudaBackend be, long sortedKeys, int n) {
        CudaTensor index = empty(be, n);
        CudaTensor count = empty(be, 1);
        CudaTensor starts = empty(be, (long) n + 1);
        flagsAndScan(be, sortedKeys, n, index, count.address());
        be.kernels().kernel(FAMILY, "segment_starts").begin().pointer(sortedKeys).pointer(index.address()).i32(n)
                .pointer(count.address()).pointer(starts.address())
                .launch(be.stream(), Launches.blocks(n), Launches.THREADS);
        return new Segments(starts, count);
    }

    /** index[i] = the segment of sorted key i (an exclusive scan of the segment-start flags); the segment count into total. */
    static void flagsAndScan(CudaBackend be, long sortedKeys, int n, CudaTensor index, long total) {
        be.kernels().kernel(FAMILY, "segment_flags").begin().pointer(sortedKeys).i32(n).pointer(index.address())
                .launch(be.stream(), Launches.blocks(n), Launches.THREADS);
        exclusiveScan(be, index.address(), index.address(), n, total);
    }

    private static CudaTensor empty(CudaBackend be, long n) {
        return (CudaTensor) be.empty(DType.I32, Math.toIntExact(n));
    }
}
