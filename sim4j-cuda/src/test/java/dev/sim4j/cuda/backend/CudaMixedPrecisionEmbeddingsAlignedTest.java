package dev.sim4j.cuda.backend;

import dev.sim4j.engine.DType;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CudaMixedPrecisionEmbeddingsTest} for the bfloat16 build on views 16 bytes into their buffers, where the
 * sequence embedding takes eight columns at a time (E = 16).
 */
class CudaMixedPrecisionEmbeddingsAlignedTest extends CudaMixedPrecisionEmbeddingsTest {
    @BeforeAll
    static void setUp() {
        t = new MixedPrecisionTwins(Long.getLong("sim4j.seed", 20261213L), DType.BF16, true);
    }
}
