package dev.sim4j.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.cuda.cublas.CublasHandle;
import dev.sim4j.cuda.driver.CudaDevice;
import dev.sim4j.cuda.driver.CudaModule;
import dev.sim4j.cuda.driver.DeviceBuffer;
import dev.sim4j.cuda.driver.Kernel;
import dev.sim4j.cuda.driver.Stream;
import dev.sim4j.cuda.nvrtc.KernelCompiler;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver, NVRTC and cuBLAS bindings on a real GPU: compile, cache, launch, copy, multiply, and error messages. */
class CudaRuntimeTest {
    static CudaLibraries libs;
    static CudaDevice device;
    static Stream stream;

    @BeforeAll
    static void open() {
        libs = GpuTests.librariesOrSkip();
        device = CudaDevice.open(libs.driver(), 0);
        stream = Stream.create(libs.driver());
    }

    @AfterAll
    static void close() {
        if (stream != null) {
            stream.close();
        }
        if (device != null) {
            device.close();
        }
        if (libs != null) {
            libs.close();
        }
    }

    static final String SAXPY = """
            extern "C" __global__ void saxpy(float* y, const float* x, float a, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) y[i] += a * x[i];
            }
            """;

    @Test
    void compilesCachesAndLaunchesAKernel(@TempDir Path cache) throws IOException {
        KernelCompiler compiler = new KernelCompiler(libs.nvrtc(), device.architecture(), cache);
        byte[] cubin = compiler.compile(SAXPY, "saxpy");
        try (java.util.stream.Stream<Path> files = Files.list(cache)) {
            assertThat(files.toList()).hasSize(1);
        }
        assertThat(compiler.compile(SAXPY, "saxpy")).isEqualTo(cubin);
        int n = 1021;
        Random rnd = new Random(7);
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
            y[i] = rnd.nextFloat() - 0.5f;
        }
        try (CudaModule module = CudaModule.load(libs.driver(), cubin, "saxpy");
             DeviceBuffer dx = upload(x);
             DeviceBuffer dy = upload(y)) {
            Kernel k = module.kernel("saxpy");
            k.begin().pointer(dy).pointer(dx).f32(2.5f).i32(n).launch(stream, (n + 255) / 256, 256);
            float[] got = download(dy, n);
            for (int i = 0; i < n; i++) {
                assertThat(got[i]).as("element %d", i).isEqualTo(Math.fma(2.5f, x[i], y[i]));
            }
        }
    }

    @Test
    void aCompileErrorCarriesTheCompilerLog() {
        KernelCompiler compiler = new KernelCompiler(libs.nvrtc(), device.architecture(), null);
        assertThatThrownBy(() -> compiler.compile("extern \"C\" __global__ void k() { undefined_thing(); }", "broken"))
                .isInstanceOf(CudaException.class)
                .hasMessageContaining("nvrtcCompileProgram(broken")
                .hasMessageContaining("undefined_thing");
    }

    @Test
    void aFailedAllocationNamesTheCallAndTheError() {
        assertThatThrownBy(() -> DeviceBuffer.allocate(libs.driver(), 1L << 50))
                .isInstanceOf(CudaException.class)
                .hasMessageContaining("cuMemAlloc(bytes=1125899906842624)")
                .hasMessageContaining("CUDA_ERROR_OUT_OF_MEMORY");
    }

    @Test
    void rowMajorProductsMatchTheScalarLoopWithEveryTranspose() {
        int m = 33;
        int n = 17;
        int k = 127;
        Random rnd = new Random(11);
        try (CublasHandle blas = new CublasHandle(libs.cublas(), stream, false, 0, 0)) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = random(rnd, m * k);
                    float[] b = random(rnd, k * n);
                    float[] c = random(rnd, m * n);
                    try (DeviceBuffer da = upload(a); DeviceBuffer db = upload(b); DeviceBuffer dc = upload(c)) {
                        blas.gemm(ta, tb, m, n, k, 1.5f, da.address(), ta ? m : k, db.address(), tb ? k : n, 0.5f,
                                dc.address(), n);
                        float[] got = download(dc, m * n);
                        double err = 0;
                        double ref = 0;
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < n; j++) {
                                double s = 0;
                                for (int p = 0; p < k; p++) {
                                    double av = ta ? a[p * m + i] : a[i * k + p];
                                    double bv = tb ? b[j * k + p] : b[p * n + j];
                                    s += av * bv;
                                }
                                double want = 1.5 * s + 0.5 * c[i * n + j];
                                err += (got[i * n + j] - want) * (got[i * n + j] - want);
                                ref += want * want;
                            }
                        }
                        assertThat(Math.sqrt(err / ref)).as("transA=%s transB=%s", ta, tb).isLessThan(1e-6);
                    }
                }
            }
        }
    }

    static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    static DeviceBuffer upload(float[] v) {
        DeviceBuffer d = DeviceBuffer.allocate(libs.driver(), 4L * v.length);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocateFrom(JAVA_FLOAT, v);
            libs.driver().copyHostToDevice(d.address(), host, 4L * v.length, stream.handle());
            stream.synchronize();
        }
        return d;
    }

    static float[] download(DeviceBuffer d, int n) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment host = a.allocate(JAVA_FLOAT, n);
            libs.driver().copyDeviceToHost(host, d.address(), 4L * n, stream.handle());
            stream.synchronize();
            return host.toArray(JAVA_FLOAT);
        }
    }
}
