package dev.sim4j.train;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.dataset.MappingReader;
import dev.sim4j.engine.Backend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelInput;
import dev.sim4j.train.metrics.Evaluator;
import java.util.List;

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

    /**
     * Fills {@code evaluator} with every row of {@code mapping}, in file order, in batches of {@code batchSize}. Every
     * id is checked against the model's tables first ({@link BatchTensors}).
     */
    public static Evaluator evaluate(CtrModel model, Dataset dataset, String mapping, int batchSize, Evaluator evaluator) {
        return evaluate(model, dataset, mapping, batchSize, evaluator, Listener.NONE);
    }

    /**
     * As {@link #evaluate(CtrModel, Dataset, String, int, Evaluator)}, telling {@code listener} (may be null) after
     * every batch how many rows are scored.
     */
    public static Evaluator evaluate(CtrModel model, Dataset dataset, String mapping, int batchSize, Evaluator evaluator,
                                     Listener listener) {
        return evaluate(model, dataset, mapping, batchSize, evaluator, listener, null);
    }

    /**
     * As {@link #evaluate(CtrModel, Dataset, String, int, Evaluator, Listener)}; when {@code resident} (may be null)
     * holds the mapping, its batches are built on the backend ({@link ResidentSequences}) and only each row's logit
     * and label come back, the same rows as the data pipeline's, so the same metrics.
     */
    public static Evaluator evaluate(CtrModel model, Dataset dataset, String mapping, int batchSize, Evaluator evaluator,
                                     Listener listener, ResidentSequences resident) {
        return evaluate(model, dataset, mapping, batchSize, evaluator, listener, resident, 1);
    }

    /**
     * As {@link #evaluate(CtrModel, Dataset, String, int, Evaluator, Listener, ResidentSequences)}, rows read on the
     * host by {@code readers} background threads (the same batches, see {@link BatchOptions#readers()}).
     */
    public static Evaluator evaluate(CtrModel model, Dataset dataset, String mapping, int batchSize, Evaluator evaluator,
                                     Listener listener, ResidentSequences resident, int readers) {
        Listener progress = listener != null ? listener : Listener.NONE;
        if (resident != null && resident.holds(mapping)) {
            return evaluateResident(model, resident, mapping, batchSize, evaluator, progress);
        }
        long scored = 0;
        Backend backend = model.parameters().all().getFirst().value().backend();
        BatchTensors tensors = new BatchTensors(backend, model.config(), dataset.channels(), source(dataset, mapping));
        try (Scorer scorer = new Scorer(model);
             BatchPipeline batches = dataset.batches(mapping, BatchOptions.of(batchSize).readers(readers))) {
            while (batches.hasNext()) {
                Batch batch = batches.next();
                // One rank, full batches until the last: the batch's first row is index x batch size.
                ModelInput input = tensors.upload(batch, batch.index() * batchSize);
                float[] logits = backend.toFloats(scorer.score(input));
                float[] labels = new float[logits.length];
                for (int i = 0; i < logits.length; i++) {
                    labels[i] = batch.label()[i];
                }
                add(evaluator, logits, labels);
                scored += logits.length;
                progress.rowsScored(scored);
            }
        }
        return evaluator;
    }

    /** Adds a batch's logits, their probabilities and its labels. */
    private static void add(Evaluator evaluator, float[] logits, float[] labels) {
        float[] probabilities = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            probabilities[i] = (float) (1 / (1 + Math.exp(-logits[i])));
        }
        evaluator.add(logits, probabilities, labels);
    }

    private static Evaluator evaluateResident(CtrModel model, ResidentSequences resident, String mapping,
                                              int batchSize, Evaluator evaluator, Listener progress) {
        Backend backend = model.parameters().all().getFirst().value().backend();
        int rows = resident.rows(mapping);
        long scored = 0;
        try (Scorer scorer = new Scorer(model); ResidentSequences.Inputs inputs = resident.inputs()) {
            for (long first = 0; first < rows; first += batchSize) {
                int size = (int) Math.min(batchSize, rows - first);
                ModelInput input = inputs.batch(mapping, first, 1, size);
                float[] logits = backend.toFloats(scorer.score(input));
                add(evaluator, logits, backend.toFloats(input.label()));
                scored += logits.length;
                progress.rowsScored(scored);
            }
        }
        return evaluator;
    }

    /**
     * Refuses a mapping without rows, whose metrics would be NaN: a {@link DataException} naming the mapping and the
     * dataset. Reads at most one row.
     *
     * @param purpose what the rows were wanted for, e.g. "nothing to evaluate"
     */
    public static void requireRows(Dataset dataset, String mapping, String purpose) {
        try (MappingReader reader = dataset.reader(mapping, List.of())) {
            if (reader.read(new int[0][], 0, 1) == 0) {
                throw new DataException(source(dataset, mapping) + " has no rows (its data files hold 0 rows): "
                        + purpose + "; give a mapping with rows (--mapping) or a dataset whose " + mapping
                        + " mapping is not empty");
            }
        }
    }

    /** How messages name a mapping's rows: "DIR mapping 'NAME'". */
    static String source(Dataset dataset, String mapping) {
        return dataset.dir() + " mapping '" + mapping + "'";
    }
}
