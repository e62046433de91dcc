package dev.sim4j.train;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.KernelTimes;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.train.optim.LossScaleOptimizer;
import dev.sim4j.train.optim.Optimizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The reference's benchmark mode: skip {@code warmup} steps, then time {@code steps} steps of training (forward,
 * backward, optimizer update) or inference (forward only), and report samples/s, step latency and where the time goes.
 * By default batches are read from the mapping once, kept on the backend and cycled, so the figure is the model's, not
 * the reader's; {@link Plan#streamData()} reads every batch through the pipeline instead, as training does.
 */
public final class StepBenchmark {
    /**
     * Result of one benchmark.
     *
     * @param mode             train or inference
     * @param batchSize        rows per step
     * @param steps            timed steps
     * @param samplesPerSecond rows per second over the timed steps
     * @param latencyMs        step latency: mean, p50, p90, p95, p99 in milliseconds (data included when streamed)
     * @param phasesMs         mean milliseconds per timed step in each phase
     * @param kernelsPerStep   device time per kernel and step, from extra profiled steps after the timed ones
     *                         (empty unless asked for and the backend measures it; calls and millis per step)
     */
    public record Result(String mode, int batchSize, int steps, double samplesPerSecond, Latency latencyMs,
                         Phases phasesMs, List<KernelTimes.Entry> kernelsPerStep) {
    }

    /** Step latency statistics in milliseconds. */
    public record Latency(double mean, double p50, double p90, double p95, double p99) {
    }

    /**
     * Where a step's time goes, in mean milliseconds per step.
     *
     * @param data      waiting for the next batch from the pipeline and copying it to the backend (0 when the batches
     *                  were loaded before timing)
     * @param forward   model forward passes with the losses (inference: the prediction)
     * @param backward  model backward passes and micro-batch gradient sums
     * @param optimizer gradient zeroing and the optimizer update
     */
    public record Phases(double data, double forward, double backward, double optimizer) {
    }

    /**
     * What to run.
     *
     * @param train      a training step (forward, backward, optimizer) or inference (forward only)
     * @param batchSize  rows per step
     * @param warmup     untimed steps first
     * @param steps      timed steps
     * @param streamData read every step's batch through the data pipeline as training does (rows rebuilt, negatives
     *                   drawn, copied to the backend) and time it; otherwise cycle over {@code maxBatches} batches
     *                   loaded before timing
     * @param maxBatches batches kept in memory when not streaming
     * @param microBatch rows per forward/backward pass (see {@link Trainer#Trainer(CtrModel, Optimizer, int)})
     * @param profileSteps steps run after the timed ones with per-kernel device timing (0: none; needs a backend
     *                   with {@link Backend#kernelTimes()})
     */
    public record Plan(boolean train, int batchSize, int warmup, int steps, boolean streamData, int maxBatches,
                       int microBatch, int profileSteps) {
        /** A plan without profiled steps. */
        public Plan(boolean train, int batchSize, int warmup, int steps, boolean streamData, int maxBatches,
                    int microBatch) {
            this(train, batchSize, warmup, steps, streamData, maxBatches, microBatch, 0);
        }
    }

    private StepBenchmark() {
    }

    public static Result run(CtrModel model, Optimizer optimizer, Dataset dataset, String mapping, boolean train,
                             int batchSize, int warmup, int steps, int maxBatches) {
        return run(model, optimizer, dataset, mapping,
                new Plan(train, batchSize, warmup, steps, false, maxBatches, Trainer.DEFAULT_MICRO_BATCH));
    }

    public static Result run(CtrModel model, Optimizer optimizer, Dataset dataset, String mapping, Plan plan) {
        Backend backend = model.parameters().all().getFirst().value().backend();
        Trainer trainer = new Trainer(model, LossScaleOptimizer.whereNeeded(optimizer, backend), plan.microBatch());
        try (Scorer scorer = new Scorer(model);
             Source source = plan.streamData()
                ? new Streamed(dataset, mapping, plan.batchSize(), new BatchTensors(backend, model.config().historyLength()))
                : Preloaded.load(dataset, mapping, plan.batchSize(), plan.maxBatches(), backend, model)) {
            for (int i = 0; i < plan.warmup(); i++) {
                step(trainer, scorer, model, source.next(), plan.train());
            }
            Trainer.PhaseTimes before = trainer.phaseTimes();
            long dataNanos = 0;
            long inferenceNanos = 0;
            double[] ms = new double[plan.steps()];
            long start = System.nanoTime();
            for (int i = 0; i < plan.steps(); i++) {
                long t0 = System.nanoTime();
                ModelInput input = source.next();
                long t1 = System.nanoTime();
                step(trainer, scorer, model, input, plan.train());
                long t2 = System.nanoTime();
                dataNanos += t1 - t0;
                inferenceNanos += t2 - t1;
                ms[i] = (t2 - t0) / 1e6;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Trainer.PhaseTimes after = trainer.phaseTimes();
            double n = plan.steps();
            Phases phases = plan.train()
                    ? new Phases(dataNanos / 1e6 / n, (after.forward() - before.forward()) / 1e6 / n,
                            (after.backward() - before.backward()) / 1e6 / n,
                            (after.optimizer() - before.optimizer()) / 1e6 / n)
                    : new Phases(dataNanos / 1e6 / n, inferenceNanos / 1e6 / n, 0, 0);
            List<KernelTimes.Entry> kernels = profile(trainer, scorer, model, source, plan, backend);
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            Latency latency = new Latency(Arrays.stream(ms).average().orElse(0), pct(sorted, 0.50),
                    pct(sorted, 0.90), pct(sorted, 0.95), pct(sorted, 0.99));
            return new Result(plan.train() ? "train" : "inference", plan.batchSize(), plan.steps(),
                    (double) plan.steps() * plan.batchSize() / seconds, latency, phases, kernels);
        }
    }

    /** Per-kernel device time per step over {@code plan.profileSteps()} more steps (empty when not asked or not measurable). */
    private static List<KernelTimes.Entry> profile(Trainer trainer, Scorer scorer, CtrModel model, Source source,
                                                   Plan plan, Backend backend) {
        Optional<KernelTimes> times = backend.kernelTimes();
        if (plan.profileSteps() <= 0 || times.isEmpty()) {
            return List.of();
        }
        // Eagerly: a replayed recording is one launch, which the per-kernel events cannot look into.
        trainer.recordSteps(false);
        scorer.record(false);
        times.get().start();
        for (int i = 0; i < plan.profileSteps(); i++) {
            step(trainer, scorer, model, source.next(), plan.train());
        }
        double n = plan.profileSteps();
        return times.get().stop().stream()
                .map(e -> new KernelTimes.Entry(e.family(), e.kernel(), Math.round(e.calls() / n), e.millis() / n))
                .toList();
    }

    /** Batches for the benchmark's steps. */
    private interface Source extends AutoCloseable {
        ModelInput next();

        @Override
        void close();
    }

    /** Batches loaded before timing, cycled over. */
    private record Preloaded(List<ModelInput> inputs, int[] position) implements Source {
        static Preloaded load(Dataset dataset, String mapping, int batchSize, int maxBatches, Backend backend,
                              CtrModel model) {
            List<ModelInput> inputs = new ArrayList<>();
            try (BatchPipeline batches = dataset.batches(mapping, BatchOptions.of(batchSize).dropRemainder(true))) {
                while (batches.hasNext() && inputs.size() < maxBatches) {
                    // Each kept batch needs its own tensors: BatchTensors reuses its buffers between calls.
                    inputs.add(new BatchTensors(backend, model.config().historyLength()).upload(batches.next()));
                }
            }
            if (inputs.isEmpty()) {
                throw new DataException(dataset.dir() + ": mapping " + mapping + " has fewer rows than one batch of "
                        + batchSize);
            }
            return new Preloaded(inputs, new int[1]);
        }

        @Override
        public ModelInput next() {
            return inputs.get(position[0]++ % inputs.size());
        }

        @Override
        public void close() {
        }
    }

    /** Batches read through the pipeline as training reads them, starting over at the end of the mapping. */
    private static final class Streamed implements Source {
        private final Dataset dataset;
        private final String mapping;
        private final int batchSize;
        private final BatchTensors tensors;
        private BatchPipeline batches;

        Streamed(Dataset dataset, String mapping, int batchSize, BatchTensors tensors) {
            this.dataset = dataset;
            this.mapping = mapping;
            this.batchSize = batchSize;
            this.tensors = tensors;
            open();
            if (!batches.hasNext()) {
                close();
                throw new DataException(dataset.dir() + ": mapping " + mapping + " has fewer rows than one batch of "
                        + batchSize);
            }
        }

        private void open() {
            batches = dataset.batches(mapping, BatchOptions.of(batchSize).dropRemainder(true));
        }

        @Override
        public ModelInput next() {
            if (!batches.hasNext()) {
                batches.close();
                open();
            }
            return tensors.upload(batches.next());
        }

        @Override
        public void close() {
            batches.close();
        }
    }

    /**
     * One step, finished: the losses (training) or the scores (inference) are read back, so on a device that queues
     * work asynchronously the step's time is its device time, not the time to queue it.
     */
    private static void step(Trainer trainer, Scorer scorer, CtrModel model, ModelInput input, boolean train) {
        Backend backend = model.parameters().all().getFirst().value().backend();
        if (train) {
            backend.toFloats(trainer.step(input).losses());
        } else {
            backend.toFloats(scorer.score(input));
        }
    }

    private static double pct(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
