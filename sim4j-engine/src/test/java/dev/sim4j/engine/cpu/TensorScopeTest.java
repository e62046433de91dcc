package dev.sim4j.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.TensorScope;
import org.junit.jupiter.api.Test;

/** The CPU backend's recycling of a step's temporaries: what comes back, when, and zeroed. */
class TensorScopeTest {
    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void aRecycledTensorComesBackAsZerosAndIsTheSameMemory() {
        try (CpuBackend be = new CpuBackend(1)) {
            Tensor first;
            try (TensorScope s = be.openScope()) {
                first = be.zeros(DType.F32, 10, 10);
                be.fill(first, 7);
            }
            try (TensorScope s = be.openScope()) {
                Tensor again = be.zeros(DType.F32, 100);
                assertThat(be.toFloats(again)).containsOnly(0f);
                be.fill(again, 3);
                // Same array: the first step's tensor (no longer to be used) now shows the new values.
                assertThat(be.toFloats(first)).containsOnly(3f);
            }
        }
    }

    @Test
    void tensorsMadeOutsideAScopeAreNeverRecycled() {
        try (CpuBackend be = new CpuBackend(1)) {
            Tensor kept = be.zeros(DType.F32, 64);
            be.write(kept, filled(64, 5));
            for (int i = 0; i < 3; i++) {
                try (TensorScope s = be.openScope()) {
                    be.fill(be.zeros(DType.F32, 64), 9);
                }
            }
            assertThat(be.toFloats(kept)).containsOnly(5f);
        }
    }

    @Test
    void anInnerScopeFreesOnlyItsOwnTensors() {
        try (CpuBackend be = new CpuBackend(1); TensorScope outer = be.openScope()) {
            Tensor stepTensor = be.zeros(DType.F32, 32);
            be.fill(stepTensor, 1);
            for (int i = 0; i < 3; i++) {
                try (TensorScope micro = be.openScope()) {
                    Tensor t = be.zeros(DType.F32, 32);
                    assertThat(be.toFloats(t)).containsOnly(0f);
                    be.fill(t, 8);
                }
            }
            assertThat(be.toFloats(stepTensor)).containsOnly(1f);
        }
    }

    @Test
    void scopesMustCloseInnermostFirst() {
        try (CpuBackend be = new CpuBackend(1)) {
            TensorScope outer = be.openScope();
            TensorScope inner = be.openScope();
            assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("innermost first");
            inner.close();
            outer.close();
            outer.close();
        }
    }
}
