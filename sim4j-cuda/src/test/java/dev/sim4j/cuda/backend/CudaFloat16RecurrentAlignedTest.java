package dev.sim4j.cuda.backend;

import dev.sim4j.engine.DType;
import org.junit.jupiter.api.BeforeAll;

/** {@link CudaMixedPrecisionRecurrentTest} for the float16 build on 16-byte-aligned views (the eight-unit path). */
class CudaFloat16RecurrentAlignedTest extends CudaMixedPrecisionRecurrentTest {
    @BeforeAll
    static void setUp() {
        t = new MixedPrecisionTwins(Long.getLong("sim4j.seed", 20261211L), DType.F16, true);
        composed = withDefaultSteps(t.gpu);
    }
}
