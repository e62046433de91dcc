package dev.sim4j.cuda.backend;

import dev.sim4j.engine.DType;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CudaMixedPrecisionRecurrentTest} for the bfloat16 build on views 16 bytes into their buffers, where the
 * fused recurrent steps take eight units at a time (H = 96 of its shapes) with 16-byte accesses: the same contract.
 */
class CudaMixedPrecisionRecurrentAlignedTest extends CudaMixedPrecisionRecurrentTest {
    @BeforeAll
    static void setUp() {
        t = new MixedPrecisionTwins(Long.getLong("sim4j.seed", 20261210L), DType.BF16, true);
        composed = withDefaultSteps(t.gpu);
    }
}
