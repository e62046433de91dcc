package dev.sim4j.cuda.backend;

import dev.sim4j.engine.DType;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CudaMixedPrecisionAttentionTest} for the bfloat16 build on views 16 bytes into their buffers, where the
 * attention kernels with an eight-at-a-time path (time gathers and scatters, broadcast products) take it.
 */
class CudaMixedPrecisionAttentionAlignedTest extends CudaMixedPrecisionAttentionTest {
    @BeforeAll
    static void setUp() {
        tw = new MixedPrecisionTwins(Long.getLong("sim4j.seed", 20261212L), DType.BF16, true);
    }
}
