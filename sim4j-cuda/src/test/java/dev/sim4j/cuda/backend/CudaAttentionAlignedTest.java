package dev.sim4j.cuda.backend;

/**
 * {@link CudaAttentionTest} on views 16 bytes into their buffers, where the kernels with an eight-at-a-time path (16-byte
 * accesses when the row widths are multiples of eight) take it: the same reference, the same checks.
 */
class CudaAttentionAlignedTest extends CudaAttentionTest {
    @Override
    CudaTwins twins(long seed) {
        return new CudaTwins(seed, true);
    }
}
