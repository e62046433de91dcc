package dev.sim4j.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.DType;
import dev.sim4j.engine.KernelTimes;
import dev.sim4j.engine.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The CPU backend's per-kernel clock: transparent to results, counts what runs while recording, once per call. */
class KernelClockTest {
    @Test
    void aProfiledBackendComputesTheSameBitsAndOnlyItHasAClock() {
        try (CpuBackend plain = new CpuBackend(2); CpuBackend profiled = CpuBackend.profiled(2)) {
            assertThat(plain.kernelTimes()).isEmpty();
            KernelTimes clock = profiled.kernelTimes().orElseThrow();
            clock.start();
            List<float[]> expected = CpuBackendDeterminismTest.chain(plain, new SplittableRandom(7));
            List<float[]> got = CpuBackendDeterminismTest.chain(profiled, new SplittableRandom(7));
            for (int k = 0; k < got.size(); k++) {
                assertThat(got.get(k)).as("output " + k).isEqualTo(expected.get(k));
            }
            List<KernelTimes.Entry> times = clock.stop();
            assertThat(times).extracting(KernelTimes.Entry::kernel)
                    .contains("gatherRows", "prelu", "preluBackward", "scatterAddRows", "gruCell", "gruCellBackward",
                            "matmul NN 92160x18x96", "matmul TN 18x92160x96", "matmul NT 92160x96x18");
            assertThat(times).allSatisfy(e -> assertThat(e.calls()).isPositive());
            assertThat(times).extracting(KernelTimes.Entry::millis).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        }
    }

    @Test
    void countsOnlyWhileRecordingAndAFusedKernelOnce() {
        try (CpuBackend be = CpuBackend.profiled(1)) {
            KernelTimes clock = be.kernelTimes().orElseThrow();
            Tensor gp = be.zeros(DType.F32, 4, 6);
            Tensor s = be.zeros(DType.F32, 4, 3);
            Tensor g = be.zeros(DType.F32, 4, 6);
            Tensor r = be.zeros(DType.F32, 4, 3);
            Tensor u = be.zeros(DType.F32, 4, 3);
            Tensor rs = be.zeros(DType.F32, 4, 3);
            be.augruGates(gp, s, g, r, u, rs);
            clock.start();
            be.augruGates(gp, s, g, r, u, rs);
            be.augruGates(gp, s, g, r, u, rs);
            be.fill(s, 1);
            List<KernelTimes.Entry> times = clock.stop();
            assertThat(times).extracting(e -> e.family() + " " + e.kernel() + " " + e.calls())
                    .containsExactlyInAnyOrder("recurrent augruGates 2", "dense fill 1");
            be.fill(s, 2);
            clock.start();
            assertThat(clock.stop()).isEmpty();
        }
    }
}
