package dev.sim4j.benchmarks.model;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.TensorScope;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.ModelOutput;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One model step on the CPU backend at the reference's shapes: B = 2048, E = 16, H = 96, history 100 (90 long + 10
 * short), K = 50. {@code train} = forward + backward with every gradient (no optimizer); {@code inference} = forward
 * only. Scores are samples/s. Histories have random real lengths 1..100, left-padded, as in the Amazon data.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx8g"})
public class ModelStepBenchmark {
    static final int BATCH = 2048;

    @Param({"sim", "dien", "din"})
    public String model;

    /** Table sizes: "small" (1,000 users, 10,000 items, 100 categories) or "books" (Amazon Books). */
    @Param({"small"})
    public String tables;

    @Param({"2"})
    public int threads;

    private Backend backend;
    private CtrModel net;
    private ModelInput input;

    @Setup(Level.Trial)
    public void setUp() {
        backend = new CpuBackend(threads);
        boolean books = tables.equals("books");
        int users = books ? 105_925 : 1_000;
        int items = books ? 1_209_081 : 10_000;
        int cats = books ? 2_330 : 100;
        ModelConfig config = ModelConfig.defaults(ModelType.valueOf(model.toUpperCase(java.util.Locale.ROOT)), users,
                items, cats);
        net = Models.create(config, backend, 42);
        input = batch(backend, config, 7);
        // Check the step once: finite loss, some non-zero gradient.
        ModelOutput out = net.forward(input);
        net.backward();
        double norm = 0;
        for (Parameter p : net.parameters().all()) {
            for (float g : backend.toFloats(p.grad())) {
                norm += g * g;
            }
        }
        if (!Double.isFinite(out.totalLoss()) || !(norm > 0)) {
            throw new IllegalStateException("bad step: loss " + out.totalLoss() + ", gradient norm " + norm);
        }
    }

    static ModelInput batch(Backend be, ModelConfig c, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int t = c.historyLength();
        int[] uid = new int[BATCH];
        int[] item = new int[BATCH];
        int[] cat = new int[BATCH];
        int[] hi = new int[BATCH * t];
        int[] hc = new int[BATCH * t];
        int[] ni = new int[BATCH * t];
        int[] nc = new int[BATCH * t];
        float[] label = new float[BATCH];
        for (int r = 0; r < BATCH; r++) {
            uid[r] = 1 + rng.nextInt(c.users());
            item[r] = 1 + rng.nextInt(c.items());
            cat[r] = 1 + rng.nextInt(c.categories());
            label[r] = rng.nextInt(2);
            int len = 1 + rng.nextInt(t);
            for (int p = t - len; p < t; p++) {
                hi[r * t + p] = 1 + rng.nextInt(c.items());
                hc[r * t + p] = 1 + rng.nextInt(c.categories());
                ni[r * t + p] = 1 + rng.nextInt(c.items());
                nc[r * t + p] = 1 + rng.nextInt(c.categories());
            }
        }
        return new ModelInput(be.upload(uid, BATCH), be.upload(item, BATCH), be.upload(cat, BATCH),
                be.upload(hi, BATCH, t), be.upload(hc, BATCH, t), be.upload(ni, BATCH, t), be.upload(nc, BATCH, t),
                be.upload(label, BATCH));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double train() {
        try (TensorScope scope = backend.openScope()) {
            for (Parameter p : net.parameters().all()) {
                backend.fill(p.grad(), 0);
            }
            ModelOutput out = net.forward(input);
            net.backward();
            return out.totalLoss();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public float[] inference() {
        try (TensorScope scope = backend.openScope()) {
            return backend.toFloats(net.predict(input));
        }
    }
}
