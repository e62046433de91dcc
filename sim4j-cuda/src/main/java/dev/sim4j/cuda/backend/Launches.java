package dev.sim4j.cuda.backend;

/** Launch shapes shared by the kernel families. */
final class Launches {
    /** Threads per block of element-wise kernels. */
    static final int THREADS = 256;
    /** Enough blocks to fill an H100/H200 several times over; kernels loop with a grid stride beyond that. */
    static final int MAX_BLOCKS = 132 * 32;

    private Launches() {
    }

    /** Blocks for {@code n} elements at {@link #THREADS} per block (0 when n is 0: nothing to launch). */
    static int blocks(long n) {
        return (int) Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS);
    }
}
