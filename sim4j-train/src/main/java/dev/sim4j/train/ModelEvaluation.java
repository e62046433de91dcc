package dev.sim4j.train;

import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.TensorScope;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.train.metrics.Evaluator;

/**
 * Scores every row of a mapping with a model (inference: no dropout, no losses) and accumulates the reference's
 * metrics: the 8000-threshold AUC, the exact AUC and the log loss of the prediction logit.
 */
public final class ModelEvaluation {
    private ModelEvaluation() {
    }

    /**
     * Told after each scored batch, on the scoring thread (keep it cheap), for a progress bar
     * ({@link EvaluationProgress}).
     */
    @FunctionalInterface
    public interface Listener {
        /** Does nothing. */
        Listener NONE = rows -> { };

        /** @param rows rows of the mapping scored so far (the last call: all of them) */
        void rowsScored(long rows);
    }

    /** Fills {@code evaluator} with every row of {@code mapping}, in file order, in batches of {@code batchSize}. */
    public static Evaluator evaluate(CtrModel model, Dataset dataset, String mapping, int batchSize, Evaluator evaluator) {
        return evaluate(model, dataset, mapping, batchSize, evaluator, Listener.NONE);
    }

    /**
     * As {@link #evaluate(CtrModel, Dataset, String, int, Evaluator)}, telling {@code listener} (may be null) after
     * every batch how many rows are scored.
     */
    public static Evaluator evaluate(CtrModel model, Dataset dataset, String mapping, int batchSize, Evaluator evaluator,
                                     Listener listener) {
        Listener progress = listener != null ? listener : Listener.NONE;
        long scored = 0;
        Backend backend = model.parameters().all().getFirst().value().backend();
        BatchTensors tensors = new BatchTensors(backend, model.config().historyLength());
        try (BatchPipeline batches = dataset.batches(mapping, BatchOptions.of(batchSize))) {
            while (batches.hasNext()) {
                Batch batch = batches.next();
                ModelInput input = tensors.upload(batch);
                float[] logits;
                try (TensorScope scope = backend.openScope()) {
                    logits = backend.toFloats(model.predict(input));
                }
                float[] probabilities = new float[logits.length];
                float[] labels = new float[logits.length];
                for (int i = 0; i < logits.length; i++) {
                    probabilities[i] = (float) (1 / (1 + Math.exp(-logits[i])));
                    labels[i] = batch.label()[i];
                }
                evaluator.add(logits, probabilities, labels);
                scored += logits.length;
                progress.rowsScored(scored);
            }
        }
        return evaluator;
    }
}
