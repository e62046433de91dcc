package dev.sim4j.train;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.spec.ModelChannels;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;

/**
 * Moves batches from the data pipeline onto the model's backend. The tensors of one batch size are allocated once
 * and overwritten for every batch of that size (a batch's arrays may be longer than its rows; only the first
 * {@code size} rows are copied). Not thread-safe: one batch at a time.
 */
public final class BatchTensors {
    private final Backend backend;
    private final int historyLength;
    private ModelInput input;
    private float[] labels = new float[0];

    public BatchTensors(Backend backend, int historyLength) {
        this.backend = backend;
        this.historyLength = historyLength;
    }

    /**
     * Checks that a dataset's channels fit the models: one user feature, and item channels of exactly two features
     * (item id, category) with histories as long as the model's.
     */
    public static void requireCompatible(ModelChannels channels, ModelConfig config, String dataset) {
        if (channels.user().size() != 1 || channels.targetItem().size() != 2) {
            throw new DataException(dataset + ": the SIM, DIEN and DIN models read one user feature and two item features "
                    + "(item id, category); the dataset's channels have " + channels.user().size() + " user and "
                    + channels.targetItem().size() + " item feature(s)");
        }
        if (channels.historyLength() != config.historyLength()) {
            throw new DataException(dataset + ": histories hold " + channels.historyLength() + " items but the model expects "
                    + config.historyLength() + " (" + config.longLength() + " long + " + config.shortLength()
                    + " short); preprocess with --max-seq-len " + config.historyLength());
        }
    }

    /** The model input for {@code batch}, valid until the next call. */
    public ModelInput upload(Batch batch) {
        int b = batch.size();
        if (input == null || input.batch() != b) {
            input = new ModelInput(backend.zeros(dev.sim4j.engine.DType.I32, b),
                    backend.zeros(dev.sim4j.engine.DType.I32, b), backend.zeros(dev.sim4j.engine.DType.I32, b),
                    backend.zeros(dev.sim4j.engine.DType.I32, b, historyLength),
                    backend.zeros(dev.sim4j.engine.DType.I32, b, historyLength),
                    backend.zeros(dev.sim4j.engine.DType.I32, b, historyLength),
                    backend.zeros(dev.sim4j.engine.DType.I32, b, historyLength),
                    backend.zeros(backend.floatType(), b));
            labels = new float[b];
        }
        write(input.uid(), batch.user()[0]);
        write(input.targetItem(), batch.targetItem()[0]);
        write(input.targetCategory(), batch.targetItem()[1]);
        write(input.historyItems(), batch.positiveHistory()[0]);
        write(input.historyCategories(), batch.positiveHistory()[1]);
        write(input.negativeItems(), batch.negativeHistory()[0]);
        write(input.negativeCategories(), batch.negativeHistory()[1]);
        for (int i = 0; i < b; i++) {
            labels[i] = batch.label()[i];
        }
        backend.write(input.label(), labels);
        return input;
    }

    private void write(Tensor t, int[] values) {
        backend.write(t, values);
    }
}
