package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.GpuTests;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.KernelTimes;
import dev.sim4j.engine.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backend's per-kernel device times: every launch and product while recording, none outside it. */
class KernelProfilerTest {
    @Test
    void recordsEachLaunchOnceWithItsDeviceTime() {
        try (CudaLibraries libs = GpuTests.librariesOrSkip();
             CudaBackend gpu = new CudaBackend(libs, 0, false, false, null)) {
            KernelTimes times = gpu.kernelTimes().orElseThrow();
            Tensor a = gpu.upload(new float[512 * 256], 512, 256);
            Tensor b = gpu.upload(new float[256 * 128], 256, 128);
            Tensor c = gpu.empty(DType.F32, 512, 128);
            Tensor s = gpu.empty(DType.F32, 512, 128);
            gpu.matmul(a, false, b, false, c, 0); // before recording: not counted
            times.start();
            for (int i = 0; i < 3; i++) {
                gpu.matmul(a, false, b, false, c, 0);
            }
            gpu.sigmoid(c, s);
            gpu.fill(c, 1);
            List<KernelTimes.Entry> entries = times.stop();
            gpu.matmul(a, false, b, false, c, 0); // after: not counted
            assertThat(entries).extracting(KernelTimes.Entry::family).contains("cublas", "dense");
            KernelTimes.Entry gemm = entries.stream().filter(e -> e.family().equals("cublas")).findFirst().orElseThrow();
            assertThat(gemm.kernel()).isEqualTo("gemm NN 512x128x256");
            assertThat(gemm.calls()).isEqualTo(3);
            assertThat(gemm.millis()).isPositive();
            assertThat(entries).filteredOn(e -> e.kernel().equals("fill (memset)")).singleElement()
                    .extracting(KernelTimes.Entry::calls).isEqualTo(1L);
            assertThat(entries.stream().mapToLong(KernelTimes.Entry::calls).sum()).isEqualTo(5);
            for (int i = 1; i < entries.size(); i++) {
                assertThat(entries.get(i).millis()).isLessThanOrEqualTo(entries.get(i - 1).millis());
            }
            times.start();
            assertThat(times.stop()).as("a second window starts empty").isEmpty();
        }
    }
}
