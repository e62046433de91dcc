package dev.sim4j.cli.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sim4j.cli.OptionChecks;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.spec.ModelChannels;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.KernelTimes;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.train.BatchTensors;
import dev.sim4j.train.StepBenchmark;
import dev.sim4j.train.StepMemory;
import dev.sim4j.train.Trainer;
import dev.sim4j.train.optim.Optimizers;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j benchmark}: the reference's benchmark mode on the CPU backend. */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Time training steps (forward, backward, optimizer) or inference steps on batches of a dataset: "
                + "warm-up steps first, then timed steps; prints samples/s and step latency (mean, p50, p90, p95, p99), "
                + "optionally as JSON.")
public final class BenchmarkCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--mode", defaultValue = "train", paramLabel = "MODE", description = "train or inference (default: ${DEFAULT-VALUE}).")
    private String mode;

    @Option(names = {"--dataset", "--dataset_dir"}, required = true, paramLabel = "DIR", description = "Dataset folder (its train mapping is used).")
    private Path dataset;

    @Option(names = {"--model", "--model_type"}, defaultValue = "sim", paramLabel = "MODEL", description = "sim, dien or din (default: ${DEFAULT-VALUE}).")
    private String model;

    @Option(names = {"--batch-size", "--global_batch_size"}, defaultValue = "2048", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int batchSize;

    @Option(names = {"--warmup-steps", "--benchmark_warmup_steps"}, defaultValue = "20", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int warmup;

    @Option(names = {"--steps", "--benchmark_steps"}, defaultValue = "50", paramLabel = "N", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "NAME", description = "train mode: adam, lazy_adam or sgd (default: ${DEFAULT-VALUE}).")
    private String optimizer;

    @Option(names = "--stream-data", description = "Read every step's batch through the data pipeline, as training "
            + "does, and time it (default: cycle over batches loaded before timing).")
    private boolean streamData;

    @Option(names = {"--micro-batch-size", "--micro_batch_size"}, defaultValue = "" + Trainer.DEFAULT_MICRO_BATCH,
            paramLabel = "N", description = "Rows per forward/backward pass (default: ${DEFAULT-VALUE}).")
    private int microBatchSize;

    @Option(names = "--output", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    private Path output;

    @Option(names = "--json", description = "Print the result as JSON.")
    private boolean json;

    @Option(names = "--profile", description = "After the timed steps, run as many again with every kernel timed "
            + "(on a GPU by CUDA events, eagerly; on the CPU by wall time around each kernel call) and report the time "
            + "per kernel and step.")
    private boolean profile;

    @Mixin
    private DeviceOptions cpu = new DeviceOptions();

    @Override
    public Integer call() throws Exception {
        OptionChecks checks = OptionChecks.of(spec);
        checks.oneOf("--mode", mode, List.of("train", "inference"));
        boolean train = mode.equals("train");
        checks.oneOf("--model", model.toLowerCase(Locale.ROOT), List.of("sim", "dien", "din"));
        ModelType type = ModelType.valueOf(model.toUpperCase(Locale.ROOT));
        checks.positive("--batch-size", batchSize);
        checks.atLeast("--warmup-steps", warmup, 0);
        checks.positive("--steps", steps);
        checks.positive("--micro-batch-size", microBatchSize);
        checks.oneOf("--optimizer", optimizer, Optimizers.NAMES);
        if (output != null) {
            checks.writableFile("--output", output);
        }
        Dataset ds = Dataset.open(dataset);
        ModelChannels ch = ds.channels();
        ModelConfig config = ModelConfig.defaults(type, (int) ch.user().getFirst().cardinality().orElse(1),
                (int) ch.targetItem().getFirst().cardinality().orElse(1), (int) ch.targetItem().get(1).cardinality().orElse(1));
        BatchTensors.requireCompatible(ch, config, dataset.toString());
        if (!cpu.cuda()) {
            // The estimate is of the Java heap; on a GPU the step's tensors live in device memory.
            StepMemory.benchmark(config, optimizer, train, batchSize, microBatchSize, streamData ? 1 : 8).requireFits();
        }
        StepBenchmark.Result r;
        int threads;
        String device;
        try (Backend backend = cpu.backend(spec.commandLine().getErr(), profile)) {
            threads = backend instanceof CpuBackend c ? c.threads() : 0;
            device = backend.name();
            CtrModel net = Models.create(config, backend, 12345L);
            r = StepBenchmark.run(net, Optimizers.create(optimizer, 0.01, 0), ds, "train",
                    new StepBenchmark.Plan(train, batchSize, warmup, steps, streamData, 8, microBatchSize,
                            profile ? steps : 0));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", model);
        result.put("mode", r.mode());
        result.put("batch_size", r.batchSize());
        result.put("warmup_steps", warmup);
        result.put("steps", r.steps());
        result.put("device", device);
        result.put("threads", threads);
        result.put("samples/s", r.samplesPerSecond());
        result.put("latency_mean", r.latencyMs().mean());
        result.put("latency_p50", r.latencyMs().p50());
        result.put("latency_p90", r.latencyMs().p90());
        result.put("latency_p95", r.latencyMs().p95());
        result.put("latency_p99", r.latencyMs().p99());
        result.put("data_stream", streamData);
        result.put("micro_batch_size", microBatchSize);
        Map<String, Object> phases = new LinkedHashMap<>();
        phases.put("data", r.phasesMs().data());
        phases.put("forward", r.phasesMs().forward());
        phases.put("backward", r.phasesMs().backward());
        phases.put("optimizer", r.phasesMs().optimizer());
        result.put("phase_ms_per_step", phases);
        if (profile) {
            double total = r.kernelsPerStep().stream().mapToDouble(KernelTimes.Entry::millis).sum();
            List<Map<String, Object>> kernels = new java.util.ArrayList<>();
            for (KernelTimes.Entry e : r.kernelsPerStep()) {
                Map<String, Object> k = new LinkedHashMap<>();
                k.put("family", e.family());
                k.put("kernel", e.kernel());
                k.put("calls_per_step", e.calls());
                k.put("ms_per_step", e.millis());
                k.put("share", total > 0 ? e.millis() / total : 0);
                kernels.add(k);
            }
            result.put("device_ms_per_step", total);
            result.put("kernels", kernels);
        }
        String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(text);
        } else {
            out.printf("%s %s, batch %,d, %d threads: %,.0f samples/s; step latency ms: mean %.1f, p50 %.1f, p90 %.1f, "
                    + "p95 %.1f, p99 %.1f%n", model, r.mode(), r.batchSize(), threads, r.samplesPerSecond(),
                    r.latencyMs().mean(), r.latencyMs().p50(), r.latencyMs().p90(), r.latencyMs().p95(), r.latencyMs().p99());
            StepBenchmark.Phases p = r.phasesMs();
            out.printf("per step, ms: data %.1f%s, forward %.1f, backward %.1f, optimizer %.1f%n", p.data(),
                    streamData ? "" : " (batches preloaded)", p.forward(), p.backward(), p.optimizer());
            if (profile) {
                printKernels(out, r.kernelsPerStep());
            }
        }
        if (output != null) {
            Path target = output.toAbsolutePath();
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            try {
                Files.writeString(tmp, text + "\n");
                Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.io.IOException e) {
                Files.deleteIfExists(tmp);
                throw new OutputException(checks.flag("--output") + " " + output + ": cannot write: " + e.getMessage(), e);
            }
        }
        return 0;
    }

    /** The per-kernel table: device time per step by kernel, largest first, with family totals. */
    private static void printKernels(PrintWriter out, List<KernelTimes.Entry> kernels) {
        double total = kernels.stream().mapToDouble(KernelTimes.Entry::millis).sum();
        Map<String, Double> families = new java.util.TreeMap<>();
        for (KernelTimes.Entry e : kernels) {
            families.merge(e.family(), e.millis(), Double::sum);
        }
        out.printf("kernel time per step: %.2f ms in %,d calls%n", total,
                kernels.stream().mapToLong(KernelTimes.Entry::calls).sum());
        families.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(f -> out.printf("  %-11s %8.3f ms  %5.1f %%%n", f.getKey(), f.getValue(),
                        100 * f.getValue() / total));
        out.printf("  %-11s %-40s %6s %9s %6s%n", "family", "kernel", "calls", "ms", "share");
        for (KernelTimes.Entry e : kernels) {
            out.printf("  %-11s %-40s %6d %9.3f %5.1f%%%n", e.family(), e.kernel(), e.calls(), e.millis(),
                    100 * e.millis() / total);
        }
    }
}
