package dev.sim4j.benchmarks.engine;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.engine.reference.ScalarBackend;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code C = A B} at the model's GEMM shapes ({@code MxKxN}: [B, in] x [in, out] of the MLP and GRU input projection,
 * and a [B*T, 384] x [384, 80] batch-times-sequence layer), on {@link CpuBackend} with 2 threads and on
 * {@link ScalarBackend} in F32. The score is milliseconds per GEMM; GFLOP/s = 2 M K N / time. Setup checks one
 * output element against a double-precision dot product, so a fast but wrong kernel cannot score. {@link #main}
 * prints GFLOP/s directly from a short timed loop, for a quick figure without JMH.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar sim4j-benchmarks/target/benchmarks.jar MatmulBenchmark -f 1 -wi 2 -i 3
 * java --add-modules jdk.incubator.vector -cp sim4j-benchmarks/target/benchmarks.jar \
 *      dev.sim4j.benchmarks.engine.MatmulBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class MatmulBenchmark {
    /** M x K x N. */
    @Param({"2048x32x288", "2048x96x288", "20480x384x80"})
    public String shape;

    @Param({"cpu", "scalar"})
    public String backend;

    @Param({"2"})
    public int threads;

    private Backend be;
    private Tensor a;
    private Tensor b;
    private Tensor c;

    @Setup
    public void setUp() {
        String[] p = shape.split("x");
        int m = Integer.parseInt(p[0]);
        int k = Integer.parseInt(p[1]);
        int n = Integer.parseInt(p[2]);
        be = backend.equals("cpu") ? new CpuBackend(threads) : new ScalarBackend(DType.F32);
        SplittableRandom rnd = new SplittableRandom(42);
        float[] av = random(rnd, m * k);
        float[] bv = random(rnd, k * n);
        a = be.upload(av, m, k);
        b = be.upload(bv, k, n);
        c = be.zeros(DType.F32, m, n);
        be.matmul(a, false, b, false, c, 0);
        double want = 0;
        int i = m / 3;
        int j = n / 2;
        for (int q = 0; q < k; q++) {
            want += (double) av[i * k + q] * bv[q * n + j];
        }
        double got = be.toFloats(c.rows(i, i + 1))[j];
        if (Math.abs(got - want) > 1e-4 * Math.sqrt(k)) {
            throw new IllegalStateException("wrong GEMM result: " + got + " vs " + want);
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int q = 0; q < n; q++) {
            v[q] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    @TearDown
    public void tearDown() {
        be.close();
    }

    @Benchmark
    public Tensor matmul() {
        be.matmul(a, false, b, false, c, 0);
        return c;
    }

    /** Quick GFLOP/s figures: args are backends to run ("cpu", "scalar"); default cpu only. */
    public static void main(String[] args) {
        String[] backends = args.length == 0 ? new String[] {"cpu"} : args;
        int threads = Integer.getInteger("threads", 2);
        for (String bk : backends) {
            for (String s : new String[] {"2048x32x288", "2048x96x288", "20480x384x80"}) {
                MatmulBenchmark mb = new MatmulBenchmark();
                mb.shape = s;
                mb.backend = bk;
                mb.threads = threads;
                mb.setUp();
                String[] p = s.split("x");
                double flops = 2.0 * Long.parseLong(p[0]) * Long.parseLong(p[1]) * Long.parseLong(p[2]);
                double best = Double.MAX_VALUE;
                long until = System.nanoTime() + (bk.equals("cpu") ? 4_000_000_000L : 8_000_000_000L);
                int reps = 0;
                while (System.nanoTime() < until || reps < 3) {
                    long t0 = System.nanoTime();
                    mb.matmul();
                    best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                    reps++;
                }
                System.out.printf("%-7s threads=%d %-13s best of %3d: %8.3f ms  %7.2f GFLOP/s%n", bk, threads, s, reps,
                        best * 1e3, flops / best / 1e9);
                mb.tearDown();
            }
        }
    }
}
