package dev.sim4j.cuda.backend;

import dev.sim4j.engine.DType;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CudaMixedPrecisionAttentionTest} for the float16 build (--amp --amp-dtype fp16): the same contract, each float16 output the float32
 * output rounded to float16 (or within one float16 rounding where the build computes in float).
 */
class CudaFloat16AttentionTest extends CudaMixedPrecisionAttentionTest {
    @BeforeAll
    static void setUp() {
        tw = new MixedPrecisionTwins(Long.getLong("sim4j.seed", 20261206L), DType.F16);
    }
}
