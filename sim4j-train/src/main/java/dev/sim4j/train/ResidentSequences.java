package dev.sim4j.train;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.format.sequence.SequenceStore;
import dev.sim4j.data.format.sequence.SequenceStoreFiles;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.kernels.RowTensors;
import dev.sim4j.engine.kernels.SequenceMapping;
import dev.sim4j.engine.kernels.SequenceStream;
import dev.sim4j.engine.kernels.SequenceTables;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelInput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A dataset's sequence store uploaded once to a backend, whose batches are then built there from row numbers alone
 * ({@link dev.sim4j.engine.kernels.InputKernels#sequenceRows}): each user's events once (about 70 MB for Books-size
 * data, plus the 46 MB draw table) instead of 1.6 KB of ids per row and step through the host. The rows are those
 * the data pipeline reads from the same store, negatives included (the same per-row streams), so a model trains to
 * the same bits either way.
 *
 * <p>Batches are built into an {@link Inputs}' tensors: like {@link BatchTensors}, two sets per batch size handed out
 * in turn, so a batch's input is valid until the second batch of its size after it. Not thread-safe.
 */
public final class ResidentSequences implements AutoCloseable {
    private final Backend backend;
    private final Path storeFile;
    private final SequenceTables tables;
    private final Map<String, SequenceMapping> mappings = new HashMap<>();
    private final List<Inputs> handedOut = new ArrayList<>();

    private ResidentSequences(Backend backend, Path storeFile, SequenceStore store, ModelConfig config) {
        this.backend = backend;
        this.storeFile = storeFile;
        checkIds(store, config, storeFile);
        int users = store.users();
        int[] eventStart = new int[users + 1];
        for (int u = 0; u < users; u++) {
            eventStart[u + 1] = eventStart[u] + store.lengths()[u];
        }
        int[] cumulative = store.cumulativeReviews();
        int draws = store.totalEvents();
        int[] itemOfDraw = null;
        if (draws <= MAX_DRAW_TABLE) {
            itemOfDraw = new int[draws];
            for (int item = 1; item < cumulative.length; item++) {
                Arrays.fill(itemOfDraw, cumulative[item - 1], cumulative[item], item);
            }
        }
        int n = store.items().length;
        this.tables = new SequenceTables(backend.upload(eventStart, users + 1), backend.upload(store.items(), n),
                backend.upload(store.cats(), n), backend.upload(store.itemCategory(), store.itemCategory().length),
                itemOfDraw == null ? null : backend.upload(itemOfDraw, draws),
                backend.upload(cumulative, cumulative.length), draws, store.maxHistory());
        for (Map.Entry<String, SequenceStore.RowKind> m : store.mappings().entrySet()) {
            boolean test = m.getValue() == SequenceStore.RowKind.TEST;
            int[] rowStart = new int[users + 1];
            for (int u = 0; u < users; u++) {
                int len = store.lengths()[u];
                long rows = rowStart[u] + (test ? 2L : 2L * Math.max(0, len - 2));
                if (rows > Integer.MAX_VALUE) {
                    throw new DataException(storeFile + ": mapping " + m.getKey() + " holds more than 2^31 rows; "
                            + "train with --host-input, which reads any number of rows");
                }
                rowStart[u + 1] = (int) rows;
            }
            mappings.put(m.getKey(), new SequenceMapping(tables, backend.upload(rowStart, users + 1), test,
                    SequenceStream.streamKey(store.seed(), m.getValue().ordinal() + 1), rowStart[users]));
        }
    }

    /** The largest store whose draw -> item table is uploaded (4 bytes per event); larger ones search the counts. */
    static final int MAX_DRAW_TABLE = 50_000_000;

    /**
     * The store behind {@code dataset}'s {@code mappings}, on {@code backend}, when each of them is rebuilt from the same
     * sequence store ({@link Dataset#sequenceStore}); empty otherwise (the caller reads the rows on the host). Every id
     * of the store is checked against the model's tables first.
     *
     * @throws DataException if the store cannot be read or holds an id outside the model's tables
     */
    public static Optional<ResidentSequences> open(Dataset dataset, Backend backend, ModelConfig config,
                                                   String... mappings) {
        Path store = null;
        for (String m : mappings) {
            Optional<Path> s = dataset.sequenceStore(m);
            if (s.isEmpty() || (store != null && !store.equals(s.get()))) {
                return Optional.empty();
            }
            store = s.get();
        }
        if (store == null) {
            return Optional.empty();
        }
        SequenceStore read = SequenceStoreFiles.read(store);
        if (read.maxHistory() != config.historyLength()) {
            return Optional.empty();
        }
        for (String m : mappings) {
            if (!read.mappings().containsKey(m)) {
                throw new DataException(store + ": the sequence store holds no rows for mapping '" + m + "' (it has "
                        + read.mappings().keySet() + ")");
            }
        }
        return Optional.of(new ResidentSequences(backend, store, read, config));
    }

    /** Whether this store holds {@code mapping}'s rows. */
    public boolean holds(String mapping) {
        return mappings.containsKey(mapping);
    }

    /** The number of rows of a mapping. */
    public int rows(String mapping) {
        return mapping(mapping).rows();
    }

    /** The store file, for messages. */
    public Path storeFile() {
        return storeFile;
    }

    /** A new set of input tensors to build batches into (one per consumer: the trainer, an evaluation). */
    public Inputs inputs() {
        Inputs in = new Inputs();
        handedOut.add(in);
        return in;
    }

    /**
     * Input tensors batches are built into: per batch size, two sets used in turn, so that building one batch can be
     * queued while the step on the previous one runs; the same {@link ModelInput} objects come back, which is what
     * lets recorded steps replay on them.
     */
    public final class Inputs implements AutoCloseable {
        private final Map<Integer, ModelInput[]> bySize = new HashMap<>();
        private final Map<Integer, Integer> nextBySize = new HashMap<>();

        private Inputs() {
        }

        /**
         * Rows {@code firstRow + i * rowStride}, i in [0, size), of {@code mapping}, built on the backend (queued,
         * nothing waits); valid until the second batch of this size after it.
         */
        public ModelInput batch(String mapping, long firstRow, int rowStride, int size) {
            SequenceMapping m = mapping(mapping);
            ModelInput[] sets = bySize.computeIfAbsent(size, k -> new ModelInput[2]);
            int k = nextBySize.getOrDefault(size, 0);
            nextBySize.put(size, k ^ 1);
            if (sets[k] == null) {
                int l = tables.maxHistory();
                sets[k] = new ModelInput(backend.empty(DType.I32, size), backend.empty(DType.I32, size),
                        backend.empty(DType.I32, size), backend.empty(DType.I32, size, l),
                        backend.empty(DType.I32, size, l), backend.empty(DType.I32, size, l),
                        backend.empty(DType.I32, size, l), backend.empty(backend.floatType(), size));
            }
            ModelInput input = sets[k];
            backend.sequenceRows(m, firstRow, rowStride, new RowTensors(input.label(), input.uid(),
                    input.targetItem(), input.targetCategory(), input.historyItems(), input.historyCategories(),
                    input.negativeItems(), input.negativeCategories()));
            return input;
        }

        /** Frees the input tensors. */
        @Override
        public void close() {
            for (ModelInput[] sets : bySize.values()) {
                for (ModelInput in : sets) {
                    if (in != null) {
                        in.uid().close();
                        in.targetItem().close();
                        in.targetCategory().close();
                        in.historyItems().close();
                        in.historyCategories().close();
                        in.negativeItems().close();
                        in.negativeCategories().close();
                        in.label().close();
                    }
                }
            }
            bySize.clear();
            handedOut.remove(this);
        }
    }

    private SequenceMapping mapping(String name) {
        SequenceMapping m = mappings.get(name);
        if (m == null) {
            throw new IllegalArgumentException("the resident store holds no mapping '" + name + "'");
        }
        return m;
    }

    /** Every id the rows can hold against the model's tables: users, event items and categories, item categories. */
    private static void checkIds(SequenceStore store, ModelConfig config, Path file) {
        if (store.users() > config.users()) {
            throw new DataException(file + ": the store has " + store.users() + " users but the model's user table "
                    + "takes ids 1.." + config.users() + "; train on data preprocessed with the model's vocabulary");
        }
        if (store.itemCount() > config.items()) {
            throw new DataException(file + ": the store has " + store.itemCount() + " items but the model's item "
                    + "table takes ids 1.." + config.items() + "; train on data preprocessed with the model's vocabulary");
        }
        range(store.items(), 1, store.itemCount(), file, "an event's item");
        range(store.cats(), 0, config.categories(), file, "an event's category");
        range(Arrays.copyOfRange(store.itemCategory(), 1, store.itemCategory().length), 0, config.categories(), file,
                "an item's category");
    }

    private static void range(int[] values, int min, long max, Path file, String what) {
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (values.length > 0 && (lo < min || hi > max)) {
            throw new DataException(file + ": " + what + " id " + (lo < min ? lo : hi) + " lies outside " + min + ".."
                    + max + " (the model's table); the store is damaged or belongs to another vocabulary");
        }
    }

    /** Frees the store and every {@link Inputs}' tensors on the backend. */
    @Override
    public void close() {
        for (Inputs in : List.copyOf(handedOut)) {
            in.close();
        }
        mappings.values().forEach(SequenceMapping::close);
        tables.close();
    }
}
