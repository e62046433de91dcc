package dev.sim4j.engine.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * The CPU backend's threads: a private {@link ForkJoinPool} (none for one thread) and the one way kernels use it,
 * {@link #forChunks}, which splits work into chunks whose size depends on the shapes alone, never on the thread
 * count, so every element sees the same code path at every thread count.
 */
final class CpuParallel implements AutoCloseable {
    /** Target elements of work per parallel chunk: big enough to amortise a fork, small enough to balance. */
    static final int WORK = 16_384;

    private final int threads;
    private final ForkJoinPool pool;

    CpuParallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads, p -> {
            ForkJoinWorkerThread w = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            w.setName("sim4j-cpu-" + w.getPoolIndex());
            w.setDaemon(true);
            return w;
        }, null, false);
    }

    int threads() {
        return threads;
    }

    /** True when everything runs on the caller's thread (kernels then skip the work of a parallel split). */
    boolean sequential() {
        return pool == null;
    }

    /** The body of a parallel loop over {@code [lo, hi)}. */
    @FunctionalInterface
    interface Body {
        void run(int lo, int hi);
    }

    /**
     * Runs body over {@code [0, n)} in chunks of {@code grain}. Always chunk by chunk, also on one thread, so each
     * element sees the same code path (same tails, same partial sums) at every thread count.
     */
    void forChunks(int n, int grain, Body body) {
        if (n <= 0) {
            return;
        }
        int chunks = (int) ((n + (long) grain - 1) / grain);
        if (pool == null || chunks == 1) {
            for (int c = 0; c < chunks; c++) {
                body.run(c * grain, Math.min(n, (c + 1) * grain));
            }
            return;
        }
        pool.invoke(new Chunks(body, n, grain, 0, chunks));
    }

    /** Rows per chunk for rows of {@code rowWork} elements: a function of the shape only. */
    static int rowGrain(long rowWork) {
        return (int) Math.max(1, WORK / Math.max(1, rowWork));
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }

    private static final class Chunks extends RecursiveAction {
        private final Body body;
        private final int n;
        private final int grain;
        private final int lo;
        private final int hi;

        Chunks(Body body, int n, int grain, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.grain = grain;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                body.run(lo * grain, Math.min(n, (lo + 1) * grain));
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunks(body, n, grain, lo, mid), new Chunks(body, n, grain, mid, hi));
        }
    }
}
