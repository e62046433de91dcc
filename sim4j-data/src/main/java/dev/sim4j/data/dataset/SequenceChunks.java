package dev.sim4j.data.dataset;

import dev.sim4j.data.DataException;
import dev.sim4j.data.format.RowReader;
import dev.sim4j.data.format.sequence.SequenceRows;
import dev.sim4j.data.format.sequence.SequenceStore;
import dev.sim4j.data.format.sequence.SequenceStoreFiles;
import dev.sim4j.data.spec.FeatureDef;
import java.nio.file.Path;
import java.util.List;

/** Opens the rows of one mapping of a {@code sim4j_sequences} chunk, after checking the chunk's features fit the store. */
final class SequenceChunks {
    private SequenceChunks() {
    }

    static RowReader open(Path storeFile, String mapping, List<FeatureDef> features) {
        SequenceStore store = SequenceStoreFiles.read(storeFile);
        SequenceStore.RowKind kind = store.mappings().get(mapping);
        if (kind == null) {
            throw new DataException(storeFile + ": the sequence store holds no rows for mapping '" + mapping
                    + "' (it has " + store.mappings().keySet() + ")");
        }
        if (features.size() != SequenceRows.FEATURES) {
            throw new DataException(storeFile + ": a sim4j_sequences chunk lists the 8 reference features (label, user, "
                    + "target item, target category, positive items, positive categories, negative items, negative "
                    + "categories); mapping " + mapping + " lists " + features.size());
        }
        for (int f = 0; f < features.size(); f++) {
            int expected = f < 4 ? 1 : store.maxHistory();
            if (features.get(f).width() != expected) {
                throw new DataException(storeFile + ": feature " + features.get(f).name() + " (position " + (f + 1)
                        + " of the chunk) must have " + expected + " value(s) per row, the spec gives "
                        + features.get(f).width());
            }
        }
        return new SequenceRows(store, kind);
    }
}
