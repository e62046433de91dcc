package dev.sim4j.train;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.ModelChannels;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.InputStaging;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;

/**
 * Moves batches from the data pipeline onto the model's backend, through its {@link InputStaging}. Two sets of input
 * tensors are allocated per batch size and used in turn, so that on a device the upload of one batch overlaps the
 * step that reads the previous one (a batch's arrays may be longer than its rows; only the first {@code size} rows are
 * copied). The input of a batch stays valid until the second upload after it; callers queue its step before the next
 * upload. Not thread-safe: one batch at a time.
 *
 * <p>Built with the model's configuration, it checks every id against the embedding table it indexes, in one pass
 * over the host arrays before they are uploaded: this is the last point where a bad id can be reported with its
 * feature and row, since backend kernels (a GPU's above all) cannot throw.
 */
public final class BatchTensors {
    private final Backend backend;
    private final int historyLength;
    /** Null: ids not checked (see the two-argument constructor). */
    private final IdLimits limits;
    /** The two input sets used in turn, and which one the next batch goes to. */
    private final ModelInput[] inputs = new ModelInput[2];
    private int next;
    private float[] labels = new float[0];

    /**
     * The largest id each table takes and, for messages, the features that feed it and where the rows come from.
     *
     * @param source a phrase naming the rows, e.g. "data/books mapping 'test'"
     */
    private record IdLimits(long users, long items, long categories, ModelChannels channels, String source) {
    }

    /**
     * Tensors that check every id of a batch against the model's tables ({@code config}'s cardinalities; 0 is
     * padding), so that an id out of range is a {@link DataException} naming {@code source}, the feature and the row
     * instead of an index error inside a kernel.
     *
     * @param channels the dataset's channels, for the feature names in messages
     * @param source   a phrase naming the rows, e.g. "data/books mapping 'test'"
     */
    public BatchTensors(Backend backend, ModelConfig config, ModelChannels channels, String source) {
        this.backend = backend;
        this.historyLength = config.historyLength();
        this.limits = new IdLimits(config.users(), config.items(), config.categories(), channels, source);
    }

    /**
     * Tensors that do not check ids: only for a model built from the dataset's own cardinalities, whose ids the data
     * reader has already checked against the feature spec (training, benchmarks). Prefer the checking constructor.
     */
    public BatchTensors(Backend backend, int historyLength) {
        this.backend = backend;
        this.historyLength = historyLength;
        this.limits = null;
    }

    /**
     * Checks that a dataset's channels fit the models: one user feature, and item channels of exactly two features
     * (item id, category) with histories as long as the model's.
     */
    public static void requireCompatible(ModelChannels channels, ModelConfig config, String dataset) {
        requireModelChannels(channels, dataset);
        if (channels.historyLength() != config.historyLength()) {
            throw new DataException(dataset + ": histories hold " + channels.historyLength() + " items but the model expects "
                    + config.historyLength() + " (" + config.longLength() + " long + " + config.shortLength()
                    + " short); preprocess with --max-seq-len " + config.historyLength());
        }
    }

    /** Checks that a dataset has the channels the models read: one user feature and two item features. */
    public static void requireModelChannels(ModelChannels channels, String dataset) {
        if (channels.user().size() != 1 || channels.targetItem().size() != 2) {
            throw new DataException(dataset + ": the SIM, DIEN and DIN models read one user feature and two item features "
                    + "(item id, category); the dataset's channels have " + channels.user().size() + " user and "
                    + channels.targetItem().size() + " item feature(s)");
        }
    }

    /**
     * The model input for {@code batch}, valid until the second call after this one; the batch's row indices in the
     * mapping are unknown, so a bad id is reported by its batch and the row in it.
     */
    public ModelInput upload(Batch batch) {
        return upload(batch, -1);
    }

    /**
     * The model input for {@code batch}, valid until the second call after this one.
     *
     * @param firstRow the row index in the mapping of the batch's first row, for messages (-1: unknown)
     * @throws DataException if an id is outside its table (only when built with the model's configuration)
     */
    public ModelInput upload(Batch batch, long firstRow) {
        int b = batch.size();
        if (limits != null) {
            checkIds(batch, firstRow);
        }
        ModelInput input = inputs[next];
        if (input == null || input.batch() != b) {
            input = new ModelInput(backend.empty(DType.I32, b), backend.empty(DType.I32, b),
                    backend.empty(DType.I32, b), backend.empty(DType.I32, b, historyLength),
                    backend.empty(DType.I32, b, historyLength), backend.empty(DType.I32, b, historyLength),
                    backend.empty(DType.I32, b, historyLength), backend.empty(backend.floatType(), b));
            inputs[next] = input;
        }
        next ^= 1;
        if (labels.length < b) {
            labels = new float[b];
        }
        InputStaging staging = backend.inputStaging();
        staging.write(input.uid(), batch.user()[0]);
        staging.write(input.targetItem(), batch.targetItem()[0]);
        staging.write(input.targetCategory(), batch.targetItem()[1]);
        staging.write(input.historyItems(), batch.positiveHistory()[0]);
        staging.write(input.historyCategories(), batch.positiveHistory()[1]);
        staging.write(input.negativeItems(), batch.negativeHistory()[0]);
        staging.write(input.negativeCategories(), batch.negativeHistory()[1]);
        for (int i = 0; i < b; i++) {
            labels[i] = batch.label()[i];
        }
        staging.write(input.label(), labels);
        staging.submit();
        return input;
    }

    private void checkIds(Batch batch, long firstRow) {
        ModelChannels ch = limits.channels();
        int b = batch.size();
        int l = historyLength;
        check(batch.user()[0], b, 1, limits.users(), "user", ch.user().getFirst(), batch, firstRow);
        check(batch.targetItem()[0], b, 1, limits.items(), "item", ch.targetItem().get(0), batch, firstRow);
        check(batch.targetItem()[1], b, 1, limits.categories(), "category", ch.targetItem().get(1), batch, firstRow);
        check(batch.positiveHistory()[0], b, l, limits.items(), "item", ch.positiveHistory().get(0), batch, firstRow);
        check(batch.positiveHistory()[1], b, l, limits.categories(), "category", ch.positiveHistory().get(1), batch,
                firstRow);
        check(batch.negativeHistory()[0], b, l, limits.items(), "item", ch.negativeHistory().get(0), batch, firstRow);
        check(batch.negativeHistory()[1], b, l, limits.categories(), "category", ch.negativeHistory().get(1), batch,
                firstRow);
    }

    /** Throws if a value of the first {@code rows x width} of {@code values} is outside 0..max. */
    private void check(int[] values, int rows, int width, long max, String table, FeatureDef feature, Batch batch,
                       long firstRow) {
        int n = rows * width;
        // A min/max reduction (which C2 vectorizes) says whether any id is bad; only then look for which.
        int smallest = Integer.MAX_VALUE;
        int largest = Integer.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            smallest = Math.min(smallest, values[i]);
            largest = Math.max(largest, values[i]);
        }
        if (n == 0 || (smallest >= 0 && largest <= max)) {
            return;
        }
        for (int i = 0; i < n; i++) {
            int v = values[i];
            if (v < 0 || v > max) {
                int row = i / width;
                String where = firstRow >= 0 ? "row " + (firstRow + row)
                        : "row " + row + " of batch " + batch.index();
                String position = width > 1 ? ", position " + (i % width) : "";
                throw new DataException(limits.source() + " " + where + ": feature '" + feature.name() + "'" + position
                        + " holds id " + v + ", outside the model's " + table + " table (ids 1.." + max
                        + ", 0 is padding); score data preprocessed with the vocabulary the model was trained on");
            }
        }
    }
}
