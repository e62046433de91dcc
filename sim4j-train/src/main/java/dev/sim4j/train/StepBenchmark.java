package dev.sim4j.train;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.train.optim.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference's benchmark mode: skip {@code warmup} steps, then time {@code steps} steps of training (forward,
 * backward, optimizer update) or inference (forward only), and report samples/s and step latency. Batches are read
 * from the mapping once, kept on the backend and cycled, so the figure is the model's, not the reader's.
 */
public final class StepBenchmark {
    /**
     * Result of one benchmark.
     *
     * @param mode             train or inference
     * @param batchSize        rows per step
     * @param steps            timed steps
     * @param samplesPerSecond rows per second over the timed steps
     * @param latencyMs        step latency: mean, p50, p90, p95, p99 in milliseconds
     */
    public record Result(String mode, int batchSize, int steps, double samplesPerSecond, Latency latencyMs) {
    }

    /** Step latency statistics in milliseconds. */
    public record Latency(double mean, double p50, double p90, double p95, double p99) {
    }

    private StepBenchmark() {
    }

    public static Result run(CtrModel model, Optimizer optimizer, Dataset dataset, String mapping, boolean train,
                             int batchSize, int warmup, int steps, int maxBatches) {
        Backend backend = model.parameters().all().getFirst().value().backend();
        List<ModelInput> inputs = new ArrayList<>();
        try (BatchPipeline batches = dataset.batches(mapping, BatchOptions.of(batchSize).dropRemainder(true))) {
            while (batches.hasNext() && inputs.size() < maxBatches) {
                // Each kept batch needs its own tensors: BatchTensors reuses its buffers between calls.
                inputs.add(new BatchTensors(backend, model.config().historyLength()).upload(batches.next()));
            }
        }
        if (inputs.isEmpty()) {
            throw new DataException(dataset.dir() + ": mapping " + mapping + " has fewer rows than one batch of " + batchSize);
        }
        Trainer trainer = new Trainer(model, optimizer);
        for (int i = 0; i < warmup; i++) {
            step(trainer, model, inputs.get(i % inputs.size()), train);
        }
        double[] ms = new double[steps];
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            step(trainer, model, inputs.get((warmup + i) % inputs.size()), train);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        Latency latency = new Latency(Arrays.stream(ms).average().orElse(0), pct(sorted, 0.50), pct(sorted, 0.90),
                pct(sorted, 0.95), pct(sorted, 0.99));
        return new Result(train ? "train" : "inference", batchSize, steps, (double) steps * batchSize / seconds, latency);
    }

    private static void step(Trainer trainer, CtrModel model, ModelInput input, boolean train) {
        if (train) {
            trainer.step(input);
        } else {
            model.parameters().all().getFirst().value().backend().toFloats(model.predict(input));
        }
    }

    private static double pct(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
