package dev.sim4j.cuda.backend;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.GpuTests;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.conformance.BackendConformanceSuite;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The engine's conformance suite, every kernel against the scalar reference, on the CUDA backend (TF32 off, empty
 * tensors NaN-poisoned). Skipped with the reason printed where there is no GPU.
 */
class CudaConformanceTest extends BackendConformanceSuite {
    static CudaLibraries libs;

    @BeforeAll
    static void open() {
        libs = GpuTests.librariesOrSkip();
    }

    @AfterAll
    static void close() {
        if (libs != null) {
            libs.close();
        }
    }

    @Override
    protected List<Backend> candidates() {
        return List.of(new CudaBackend(libs, 0, false, true, null));
    }
}
