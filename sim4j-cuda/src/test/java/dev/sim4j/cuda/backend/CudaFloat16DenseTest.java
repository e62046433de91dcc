package dev.sim4j.cuda.backend;

import dev.sim4j.engine.DType;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CudaMixedPrecisionDenseTest} for the float16 build (--amp --amp-dtype fp16): the same contract, each float16 output the float32
 * output rounded to float16 (or within one float16 rounding where the build computes in float).
 */
class CudaFloat16DenseTest extends CudaMixedPrecisionDenseTest {
    @BeforeAll
    static void setUp() {
        t = new MixedPrecisionTwins(Long.getLong("sim4j.seed", 20261205L), DType.F16);
    }
}
