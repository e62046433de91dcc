package dev.sim4j.engine.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The CPU backend's threads and the one way kernels use them, {@link #forChunks}, which splits work into chunks whose
 * size depends on the shapes alone, never on the thread count, so every element sees the same code path at every
 * thread count.
 *
 * <p>A step is hundreds of kernel calls of a fraction of a millisecond each, so what a parallel call costs to start
 * and finish matters as much as the work: {@code threads - 1} workers wait for the next call by spinning a little
 * (then sleep), the calling thread takes chunks too, and chunks go to whichever thread asks next (a shared counter).
 * A fork-join pool here woke parked workers on every call and left the caller idle: two threads ran slower than one
 * (docs/engine.md). Which thread computes a chunk changes nothing in its result.
 */
final class CpuParallel implements AutoCloseable {
    /** Target elements of work per parallel chunk: big enough to amortise a hand-off, small enough to balance. */
    static final int WORK = 16_384;
    /** How long a worker spins for the next call before it sleeps (a step's calls follow each other closely). */
    private static final long SPIN_NANOS = 200_000;

    private final int threads;
    private final Worker[] workers;
    /** Held by the call in progress; a second caller meanwhile runs its call on its own thread. */
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean closed;
    /** The call in progress; published by a write of {@link #generation}. */
    private Job job;
    private volatile long generation;

    CpuParallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, not " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker();
            workers[i].thread = Thread.ofPlatform().name("sim4j-cpu-" + (i + 1)).daemon().unstarted(workers[i]);
            workers[i].thread.start();
        }
    }

    int threads() {
        return threads;
    }

    /** True when everything runs on the caller's thread (kernels then skip the work of a parallel split). */
    boolean sequential() {
        return workers.length == 0;
    }

    /** The body of a parallel loop over {@code [lo, hi)}. */
    @FunctionalInterface
    interface Body {
        void run(int lo, int hi);
    }

    /**
     * Runs body over {@code [0, n)} in chunks of {@code grain}. Always chunk by chunk, also on one thread, so each
     * element sees the same code path (same tails, same partial sums) at every thread count. A call made from inside
     * a body, or while another thread's call runs, runs its chunks on its own thread.
     */
    void forChunks(int n, int grain, Body body) {
        if (n <= 0) {
            return;
        }
        int chunks = (int) ((n + (long) grain - 1) / grain);
        if (workers.length == 0 || chunks == 1 || !busy.compareAndSet(false, true)) {
            for (int c = 0; c < chunks; c++) {
                body.run(c * grain, Math.min(n, (c + 1) * grain));
            }
            return;
        }
        try {
            Job j = new Job(body, n, grain, chunks);
            job = j;
            generation = generation + 1; // publishes job
            for (Worker w : workers) {
                if (w.sleeping) {
                    LockSupport.unpark(w.thread);
                }
            }
            j.work();
            while (j.done.get() < chunks) {
                Thread.onSpinWait();
            }
            if (j.failure != null) {
                if (j.failure instanceof RuntimeException e) {
                    throw e;
                }
                if (j.failure instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(j.failure);
            }
        } finally {
            busy.set(false);
        }
    }

    /** Rows per chunk for rows of {@code rowWork} elements: a function of the shape only. */
    static int rowGrain(long rowWork) {
        return (int) Math.max(1, WORK / Math.max(1, rowWork));
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w.thread);
        }
    }

    /** One parallel call: its chunks handed out in turn to whichever thread asks. */
    private static final class Job {
        final Body body;
        final int n;
        final int grain;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(Body body, int n, int grain, int chunks) {
            this.body = body;
            this.n = n;
            this.grain = grain;
            this.chunks = chunks;
        }

        /** Takes chunks until none is left. */
        void work() {
            int c;
            while ((c = next.getAndIncrement()) < chunks) {
                try {
                    if (failure == null) {
                        body.run(c * grain, Math.min(n, (c + 1) * grain));
                    }
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    }
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private final class Worker implements Runnable {
        Thread thread;
        volatile boolean sleeping;

        @Override
        public void run() {
            long seen = 0;
            while (!closed) {
                long g = generation;
                if (g != seen) {
                    seen = g;
                    job.work();
                    continue;
                }
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (generation == seen && !closed && System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                }
                if (generation == seen && !closed) {
                    sleeping = true;
                    if (generation == seen && !closed) {
                        LockSupport.park(this);
                    }
                    sleeping = false;
                }
            }
        }
    }
}
