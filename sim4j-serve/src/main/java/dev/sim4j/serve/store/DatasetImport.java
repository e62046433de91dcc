package dev.sim4j.serve.store;

import dev.sim4j.data.DataException;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.format.sequence.SequenceStore;
import dev.sim4j.data.format.sequence.SequenceStoreFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Bulk-loads a behaviour store from a preprocessed dataset: every kept user's whole sequence (the dataset's sequence
 * store, in the order preprocessing sorted it, by time then item), translated to raw ids through the dataset's
 * vocabularies. The dataset keeps no timestamps, so a user's events get the times 0, 1, 2, ... in their order. Writes
 * unsynced and flushes once at the end, when everything becomes durable.
 */
public final class DatasetImport {
    /** What an import did. */
    public record Result(long users, long events, double seconds) {
    }

    private DatasetImport() {
    }

    /**
     * Imports {@code dataset} into {@code store}, which must be empty; {@code progress} hears the users done so far.
     *
     * @throws DataException   if the dataset has no sequence store or vocabularies, or they disagree
     * @throws OutputException if the store already holds events
     */
    public static Result run(Path dataset, BehaviourStore store, LongConsumer progress) {
        long start = System.nanoTime();
        Path storeFile = dataset.resolve("sequences").resolve(SequenceStoreFiles.STORE);
        if (!Files.isRegularFile(storeFile)) {
            throw new DataException(dataset + ": no sequence store (sequences/" + SequenceStoreFiles.STORE + "); "
                    + "store import reads a dataset written by 'sim4j preprocess amazon --format sim4j'");
        }
        long existing = store.stats().events();
        if (existing > 0) {
            throw new OutputException(store.dir() + ": the store already holds " + existing + " events; import into "
                    + "an empty folder (a second import would append every history again)");
        }
        Vocabulary users = Vocabulary.read(dataset.resolve("vocab").resolve("users.tsv"));
        Vocabulary items = Vocabulary.read(dataset.resolve("vocab").resolve("items.tsv"));
        Vocabulary categories = Vocabulary.read(dataset.resolve("vocab").resolve("categories.tsv"));
        SequenceStore seq = SequenceStoreFiles.read(storeFile);
        if (seq.users() != users.size()) {
            throw new DataException(dataset + ": the sequence store has " + seq.users() + " users but vocab/users.tsv "
                    + users.size());
        }
        long at = 0;
        long events = 0;
        List<BehaviourEvent> buffer = new ArrayList<>();
        for (int u = 0; u < seq.users(); u++) {
            int n = seq.lengths()[u];
            buffer.clear();
            for (int k = 0; k < n; k++) {
                int item = seq.items()[(int) (at + k)];
                int cat = seq.cats()[(int) (at + k)];
                if (item > items.size() || cat > categories.size()) {
                    throw new DataException(dataset + ": user " + (u + 1) + " event " + k + " has item " + item
                            + " / category " + cat + " outside vocab/items.tsv (" + items.size()
                            + ") / categories.tsv (" + categories.size() + ")");
                }
                buffer.add(new BehaviourEvent(items.name(item), categories.name(cat), k));
            }
            store.appendUnsynced(users.name(u + 1), buffer);
            at += n;
            events += n;
            if ((u & 1023) == 1023) {
                progress.accept(u + 1);
            }
        }
        store.flush();
        progress.accept(seq.users());
        return new Result(seq.users(), events, (System.nanoTime() - start) / 1e9);
    }
}
