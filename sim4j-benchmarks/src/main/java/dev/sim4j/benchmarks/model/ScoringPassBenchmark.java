package dev.sim4j.benchmarks.model;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.TensorScope;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.model.sim.SharedRows;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * The model pass of one scoring request, as a serving lane runs it: one user's {@code candidates} rows (the same
 * user and 100-event history, a target each) on a one-thread CPU backend, at the reference's sizes (E = 16, H = 96).
 * {@code shared = true} hands the model the request as one group ({@link SharedRows}: the candidate-independent work
 * once), {@code false} scores every row in full. Scores are milliseconds per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class ScoringPassBenchmark {
    @Param({"sim", "dien"})
    public String model;

    @Param({"100"})
    public int candidates;

    @Param({"false", "true"})
    public boolean shared;

    private Backend backend;
    private CtrModel net;
    private ModelInput input;
    private SharedRows groups;

    @Setup(Level.Trial)
    public void setUp() {
        backend = new CpuBackend(1);
        ModelConfig c = ModelConfig.defaults(ModelType.valueOf(model.toUpperCase(Locale.ROOT)), 3_000, 60_000, 800);
        net = Models.create(c, backend, 42);
        SplittableRandom rng = new SplittableRandom(7);
        int b = candidates;
        int t = c.historyLength();
        int[] history = new int[t];
        int[] historyCats = new int[t];
        for (int p = 0; p < t; p++) {
            history[p] = 1 + rng.nextInt(c.items());
            historyCats[p] = 1 + rng.nextInt(c.categories());
        }
        int[] uid = new int[b];
        int[] item = new int[b];
        int[] cat = new int[b];
        int[] hi = new int[b * t];
        int[] hc = new int[b * t];
        for (int r = 0; r < b; r++) {
            uid[r] = 1;
            item[r] = 1 + rng.nextInt(c.items());
            cat[r] = 1 + rng.nextInt(c.categories());
            System.arraycopy(history, 0, hi, r * t, t);
            System.arraycopy(historyCats, 0, hc, r * t, t);
        }
        input = new ModelInput(backend.upload(uid, b), backend.upload(item, b), backend.upload(cat, b),
                backend.upload(hi, b, t), backend.upload(hc, b, t), backend.zeros(DType.I32, b, t),
                backend.zeros(DType.I32, b, t), backend.zeros(backend.floatType(), b));
        groups = new SharedRows(backend.upload(new int[] {0}, 1), backend.upload(new int[b], b));
    }

    @Benchmark
    public float request() {
        try (TensorScope scope = backend.openScope()) {
            Tensor logits = shared ? net.predict(input, groups) : net.predict(input);
            return backend.toFloats(logits)[0];
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }
}
