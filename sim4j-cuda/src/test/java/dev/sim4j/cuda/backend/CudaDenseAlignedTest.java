package dev.sim4j.cuda.backend;

import dev.sim4j.engine.DType;
import dev.sim4j.engine.reference.ScalarBackend;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link CudaDenseTest} on views 16 bytes into their buffers, where the element-wise kernels take eight elements at a
 * time with 16-byte accesses (common.cuh's map1, map2, map_columns): the same reference, bit for bit.
 */
class CudaDenseAlignedTest extends CudaDenseTest {
    @BeforeAll
    static void setUp() {
        h = new CudaTwins(Long.getLong("sim4j.seed", 20261207L), true);
        s32 = new ScalarBackend(DType.F32);
    }
}
