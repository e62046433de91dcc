package dev.sim4j.engine.cpu;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.conformance.BackendConformanceSuite;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The conformance suite on the CPU backend at 1, 2 and 4 threads, which must also agree bit for bit. */
class CpuBackendConformanceTest extends BackendConformanceSuite {
    @Override
    protected List<Backend> candidates() {
        return List.of(new CpuBackend(1), new CpuBackend(2), new CpuBackend(4));
    }

    @Override
    protected boolean checksIds() {
        return true;
    }

    @Test
    void hasNoFloat64Tensors() {
        try (CpuBackend cpu = new CpuBackend(1)) {
            assertThatThrownBy(() -> cpu.zeros(DType.F64, 2)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
