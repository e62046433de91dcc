package dev.sim4j.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cuda.backend.KernelLibrary;
import dev.sim4j.cuda.lib.LibraryLocator;
import dev.sim4j.cuda.lib.NativeLibrary;
import dev.sim4j.cuda.nvrtc.KernelCompiler;
import dev.sim4j.cuda.nvrtc.Nvrtc;
import dev.sim4j.engine.DType;
import java.lang.foreign.Arena;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kernel family compiles for Hopper (sm_90) with NVRTC, in both builds (float32 and bfloat16 activations). Needs only NVRTC, not a GPU: NVRTC compiles on any
 * machine, so point SIM4J_CUDA_LIB_PATH at a folder holding libnvrtc (e.g. the pip wheel nvidia-cuda-nvrtc) to check
 * kernels without a GPU; skipped (with the reason printed) where there is none.
 */
class KernelSourcesCompileTest {
    @ParameterizedTest
    @ValueSource(strings = {"dense", "embeddings", "attention", "recurrent", "losses", "optimizers", "input"})
    void familyCompilesForHopper(String family) {
        try (Arena arena = Arena.ofShared()) {
            LibraryLocator locator = LibraryLocator.fromEnvironment();
            Optional<NativeLibrary> lib = locator.load(CudaLibraries.NVRTC, arena);
            if (lib.isEmpty()) {
                String reason = "kernel compile check skipped: " + locator.describeSearch(CudaLibraries.NVRTC);
                System.out.println("[sim4j] " + reason);
                Assumptions.abort(reason);
            }
            KernelCompiler compiler = new KernelCompiler(new Nvrtc(lib.get()), "sm_90", null);
            for (DType activations : new DType[] {DType.F32, DType.BF16, DType.F16}) {
                byte[] cubin = compiler.compile(KernelLibrary.source(family, activations), family + "-" + activations);
                assertThat(cubin.length).as(family + " with " + activations + " activations").isGreaterThan(0);
            }
        }
    }
}
