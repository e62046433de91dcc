package dev.sim4j.cuda.backend;

import dev.sim4j.engine.DType;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CudaMixedPrecisionDenseTest} for the bfloat16 build on views 16 bytes into their buffers, where the
 * element-wise kernels take eight elements at a time with 16-byte accesses (common.cuh): the same contract.
 */
class CudaMixedPrecisionDenseAlignedTest extends CudaMixedPrecisionDenseTest {
    @BeforeAll
    static void setUp() {
        t = new MixedPrecisionTwins(Long.getLong("sim4j.seed", 20261208L), DType.BF16, true);
    }
}
