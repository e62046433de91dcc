package dev.sim4j.cuda.backend;

import dev.sim4j.engine.DType;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CudaMixedPrecisionDenseTest} for the float16 build on views 16 bytes into their buffers, where the
 * element-wise kernels take eight elements at a time with 16-byte accesses (common.cuh): the same contract.
 */
class CudaFloat16DenseAlignedTest extends CudaMixedPrecisionDenseTest {
    @BeforeAll
    static void setUp() {
        t = new MixedPrecisionTwins(Long.getLong("sim4j.seed", 20261209L), DType.F16, true);
    }
}
