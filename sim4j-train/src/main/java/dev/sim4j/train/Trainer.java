package dev.sim4j.train;

import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.model.sim.ModelOutput;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.train.optim.LazyAdam;
import dev.sim4j.train.optim.Optimizer;
import dev.sim4j.train.report.MetricsLog;
import dev.sim4j.train.report.StepRecord;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Trains a model on a mapping's rows: per batch, zero the gradients, forward, backward, one optimizer update. Rows
 * are read in file order and the last incomplete batch is dropped, as in the reference; with the same seed, data and
 * thread-count-independent backend the weights come out bit-identical.
 */
public final class Trainer {
    private final CtrModel model;
    private final Optimizer optimizer;
    private final Backend backend;
    private final BatchTensors tensors;

    /**
     * What one epoch did.
     *
     * @param steps                  optimizer steps taken
     * @param samples                rows trained on
     * @param seconds                wall time
     * @param meanTotalLoss          mean of the per-batch total losses (the reference's reported loss)
     * @param meanClassificationLoss mean of the per-batch classification losses
     * @param meanAuxLoss            mean of the per-batch auxiliary losses (0 for DIN)
     * @param stepMillis             wall time of each step, in order
     */
    public record EpochResult(long steps, long samples, double seconds, double meanTotalLoss,
                              double meanClassificationLoss, double meanAuxLoss, double[] stepMillis) {
        public double samplesPerSecond() {
            return seconds > 0 ? samples / seconds : 0;
        }
    }

    public Trainer(CtrModel model, Optimizer optimizer) {
        this.model = model;
        this.optimizer = optimizer;
        this.backend = model.parameters().all().getFirst().value().backend();
        this.tensors = new BatchTensors(backend, model.config().historyLength());
    }

    /** One training step on a batch already on the backend. */
    public ModelOutput step(ModelInput input) {
        for (Parameter p : model.parameters().all()) {
            backend.fill(p.grad(), 0);
        }
        ModelOutput out = model.forward(input);
        model.backward();
        if (optimizer instanceof LazyAdam lazy) {
            lazy.setTouchedRows(touchedRows(input));
        }
        optimizer.step(model.parameters());
        return out;
    }

    /** The rows of each embedding table this batch looked up (lazy Adam updates only those). */
    private Map<String, Tensor> touchedRows(ModelInput in) {
        var params = model.parameters();
        return Map.of(
                "embedding.user", LazyAdam.touchedRows(params.get("embedding.user").value(), List.of(in.uid())),
                "embedding.item", LazyAdam.touchedRows(params.get("embedding.item").value(),
                        List.of(in.targetItem(), in.historyItems(), in.negativeItems())),
                "embedding.category", LazyAdam.touchedRows(params.get("embedding.category").value(),
                        List.of(in.targetCategory(), in.historyCategories(), in.negativeCategories())));
    }

    /**
     * Trains one epoch over {@code mapping} in batches of {@code batchSize} (the last incomplete one dropped), logging
     * every {@code logEvery}-th step to {@code log} (may be null). {@code firstStep} numbers the steps globally.
     */
    public EpochResult trainEpoch(Dataset dataset, String mapping, int batchSize, int epoch, long firstStep,
                                  MetricsLog log, int logEvery) {
        long start = System.nanoTime();
        long steps = 0;
        long samples = 0;
        double total = 0;
        double classification = 0;
        double aux = 0;
        double[] millis = new double[16];
        boolean hasAux = model.config().type() != ModelType.DIN;
        try (BatchPipeline batches = dataset.batches(mapping, BatchOptions.of(batchSize).dropRemainder(true))) {
            while (batches.hasNext()) {
                Batch batch = batches.next();
                long t0 = System.nanoTime();
                ModelOutput out = step(tensors.upload(batch));
                double ms = (System.nanoTime() - t0) / 1e6;
                if (steps == millis.length) {
                    millis = Arrays.copyOf(millis, millis.length * 2);
                }
                millis[(int) steps] = ms;
                steps++;
                samples += batch.size();
                total += out.totalLoss();
                classification += out.classificationLoss();
                aux += out.auxiliaryLoss();
                if (log != null && (steps % logEvery == 0)) {
                    log.write(new StepRecord(firstStep + steps, epoch, out.classificationLoss(),
                            hasAux ? out.auxiliaryLoss() : null, out.totalLoss(), batch.size() / (ms / 1000)));
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double n = Math.max(1, steps);
        return new EpochResult(steps, samples, seconds, total / n, classification / n, aux / n,
                Arrays.copyOf(millis, (int) steps));
    }
}
