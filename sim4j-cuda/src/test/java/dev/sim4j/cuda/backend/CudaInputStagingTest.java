package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.GpuTests;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.InputStaging;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The copy-stream upload of input batches ({@link CudaInputStaging}) against races: the compute stream is kept busy
 * with large products before each read, so a copy ordered wrongly (too early against the kernels still reading a
 * buffer, or too late for the kernel that reads it) overwrites or misses values and the comparison fails.
 */
class CudaInputStagingTest {
    private static final int N = 1 << 22;
    private static final int M = 4096;
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

    /** Keeps the compute stream busy for a few milliseconds (pedantic float32 products). */
    private static void busy(CudaBackend gpu, Tensor a, Tensor c) {
        for (int k = 0; k < 3; k++) {
            gpu.matmul(a, false, a, false, c, 0);
        }
    }

    private static int[] ints(int group) {
        int[] v = new int[N];
        for (int i = 0; i < N; i++) {
            v[i] = group * 1_000_003 + i;
        }
        return v;
    }

    private static float[] floats(int group) {
        float[] v = new float[N];
        for (int i = 0; i < N; i++) {
            v[i] = group + i * 0.25f;
        }
        return v;
    }

    @Test
    void doubleBufferedGroupsReachTheKernelsThatReadThem() {
        try (CudaBackend gpu = new CudaBackend(libs, 0, false, false, null)) {
            Tensor a = gpu.upload(new float[M * M], M, M);
            Tensor c = gpu.empty(DType.F32, M, M);
            Tensor[] idSets = {gpu.empty(DType.I32, N), gpu.empty(DType.I32, N)};
            Tensor[] floatSets = {gpu.empty(DType.F32, N), gpu.empty(DType.F32, N)};
            InputStaging staging = gpu.inputStaging();
            assertThat(gpu.inputStaging()).isSameAs(staging);
            List<Tensor> idCopies = new ArrayList<>();
            List<Tensor> floatCopies = new ArrayList<>();
            int groups = 10;
            // Made before the loop, so the host races ahead of the busy device as a training loop does.
            List<int[]> idGroups = new ArrayList<>();
            List<float[]> floatGroups = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                idGroups.add(ints(g));
                floatGroups.add(floats(g));
            }
            for (int g = 0; g < groups; g++) {
                int[] ids = idGroups.get(g);
                float[] values = floatGroups.get(g);
                staging.write(idSets[g & 1], ids);
                staging.write(floatSets[g & 1], values);
                Arrays.fill(ids, -1); // the values are taken before write returns
                Arrays.fill(values, -1);
                staging.submit();
                busy(gpu, a, c); // the next group's copy must not overtake this group's readers below
                Tensor ic = gpu.empty(DType.I32, N);
                Tensor fc = gpu.empty(DType.F32, N);
                gpu.copy(idSets[g & 1], ic);
                gpu.copy(floatSets[g & 1], fc);
                idCopies.add(ic);
                floatCopies.add(fc);
            }
            for (int g = 0; g < groups; g++) {
                assertThat(Arrays.equals(gpu.toInts(idCopies.get(g)), ints(g))).as("ids of group " + g).isTrue();
                assertThat(Arrays.equals(gpu.toFloats(floatCopies.get(g)), floats(g))).as("floats of group " + g)
                        .isTrue();
            }
        }
    }

    @Test
    void aTargetInRecycledMemoryWaitsForTheKernelsStillUsingIt() {
        try (CudaBackend gpu = new CudaBackend(libs, 0, false, false, null)) {
            Tensor a = gpu.upload(new float[M * M], M, M);
            Tensor c = gpu.empty(DType.F32, M, M);
            InputStaging staging = gpu.inputStaging();
            // Warm the staging up on other tensors, so its previous-submit mark is old.
            Tensor warm = gpu.empty(DType.F32, N);
            for (int g = 0; g < 3; g++) {
                staging.write(warm, floats(g));
                staging.submit();
            }
            Tensor out = gpu.empty(DType.F32, N);
            float[] late = floats(99);
            long address;
            try (TensorScope scope = gpu.openScope()) {
                Tensor temp = gpu.empty(DType.F32, N);
                address = CudaBackend.cuda(temp).address();
                gpu.fill(temp, 7);
                busy(gpu, a, c);
                gpu.copy(temp, out); // queued, and probably not run yet, when the scope recycles temp
            }
            Tensor target = gpu.empty(DType.F32, N);
            assertThat(CudaBackend.cuda(target).address()).as("the pool hands the block out again").isEqualTo(address);
            staging.write(target, late);
            staging.submit();
            float[] seen = gpu.toFloats(out);
            float[] sevens = new float[N];
            Arrays.fill(sevens, 7);
            assertThat(Arrays.equals(seen, sevens)).as("the kernel queued before the upload read the old values")
                    .isTrue();
            assertThat(Arrays.equals(gpu.toFloats(target), floats(99))).isTrue();
        }
    }

    @Test
    void tooFewValuesAreRefused() {
        try (CudaBackend gpu = new CudaBackend(libs, 0, false, false, null)) {
            Tensor t = gpu.empty(DType.I32, 10);
            assertThatThrownBy(() -> gpu.inputStaging().write(t, new int[9]))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9 int values")
                    .hasMessageContaining("[10]");
        }
    }
}
