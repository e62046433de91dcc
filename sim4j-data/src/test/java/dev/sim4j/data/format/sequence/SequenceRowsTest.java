package dev.sim4j.data.format.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import java.io.IOException;
import java.nio.file.Files;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows rebuilt from a hand-made store, checked against rows worked out by hand. Store: user 1 has items 3, 2, 3
 * (categories 3, 1, 3); user 2 has 1, 2, 3, 1, 4 (categories 2, 1, 3, 2, 3); L = 3. Scripted negatives: row r's
 * draws are (r mod 4) + 1, then each next one the following item, cycling over 1..4.
 */
class SequenceRowsTest {
    static final int[] CATEGORY = {0, 2, 1, 3, 3};

    static SequenceStore store() {
        return new SequenceStore(new int[] {3, 5}, new int[] {3, 2, 3, 1, 2, 3, 1, 4}, new int[] {3, 1, 3, 2, 1, 3, 2, 3},
                CATEGORY, new int[] {0, 2, 4, 7, 8}, 12345L, 3,
                Map.of("train", SequenceStore.RowKind.TRAIN, "test", SequenceStore.RowKind.TEST));
    }

    static final Negatives SCRIPTED = (kind, row) -> new Negatives.Draws() {
        int next = (int) (row % 4) + 1;

        @Override
        public int nextItem() {
            int v = next;
            next = next % 4 + 1;
            return v;
        }
    };

    /** One row as label, uid, target item, target cat, pos items, pos cats, neg items, neg cats. */
    record Row(int label, int uid, int item, int cat, List<Integer> pos, List<Integer> posCat, List<Integer> neg,
               List<Integer> negCat) {
    }

    static Row row(int label, int uid, int item, int cat, int[] pos, int[] posCat, int[] neg, int[] negCat) {
        return new Row(label, uid, item, cat, list(pos), list(posCat), list(neg), list(negCat));
    }

    static List<Integer> list(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    static List<Row> readAll(SequenceRows reader, int maxPerRead) {
        List<Row> rows = new ArrayList<>();
        int[][] c = new int[8][];
        for (int f = 0; f < 8; f++) {
            c[f] = new int[maxPerRead * (f < 4 ? 1 : 3)];
        }
        int n;
        while ((n = reader.read(c, 0, maxPerRead)) > 0) {
            for (int r = 0; r < n; r++) {
                rows.add(new Row(c[0][r], c[1][r], c[2][r], c[3][r], slice(c[4], r), slice(c[5], r), slice(c[6], r),
                        slice(c[7], r)));
            }
        }
        return rows;
    }

    static List<Integer> slice(int[] col, int r) {
        return list(Arrays.copyOfRange(col, r * 3, r * 3 + 3));
    }

    @Test
    void trainRowsAreEveryPrefixWithItsNegativeTwin() {
        // Row r's draws start at (r mod 4) + 1. Negative rows draw the target first, then one item per real position.
        List<Row> expected = List.of(
                // user 1, pool [3, 2]: one positive (target 2, history [3]), then its twin
                row(1, 1, 2, 1, new int[] {0, 0, 3}, new int[] {0, 0, 3}, new int[] {0, 0, 1}, new int[] {0, 0, 2}),
                row(0, 1, 2, 1, new int[] {0, 0, 3}, new int[] {0, 0, 3}, new int[] {0, 0, 3}, new int[] {0, 0, 3}),
                // user 2, pool [1, 2, 3, 1]: targets 2, 3, 1 with histories [1], [1, 2], [1, 2, 3]
                row(1, 2, 2, 1, new int[] {0, 0, 1}, new int[] {0, 0, 2}, new int[] {0, 0, 3}, new int[] {0, 0, 3}),
                row(1, 2, 3, 3, new int[] {0, 1, 2}, new int[] {0, 2, 1}, new int[] {0, 4, 1}, new int[] {0, 3, 2}),
                row(1, 2, 1, 2, new int[] {1, 2, 3}, new int[] {2, 1, 3}, new int[] {1, 2, 3}, new int[] {2, 1, 3}),
                // their twins (rows 5, 6, 7): targets drawn 2, 3, 4, then the histories
                row(0, 2, 2, 1, new int[] {0, 0, 1}, new int[] {0, 0, 2}, new int[] {0, 0, 3}, new int[] {0, 0, 3}),
                row(0, 2, 3, 3, new int[] {0, 1, 2}, new int[] {0, 2, 1}, new int[] {0, 4, 1}, new int[] {0, 3, 2}),
                row(0, 2, 4, 3, new int[] {1, 2, 3}, new int[] {2, 1, 3}, new int[] {1, 2, 3}, new int[] {2, 1, 3}));
        assertThat(readAll(new SequenceRows(store(), SequenceStore.RowKind.TRAIN, SCRIPTED), 3)).containsExactlyElementsOf(expected);
        assertThat(store().rows(SequenceStore.RowKind.TRAIN)).isEqualTo(8);
    }

    @Test
    void testRowsAreTheLastReviewAgainstTheWholePool() {
        List<Row> expected = List.of(
                // user 1: target 3, pool [3, 2]; row 0 draws 1, 2
                row(1, 1, 3, 3, new int[] {0, 3, 2}, new int[] {0, 3, 1}, new int[] {0, 1, 2}, new int[] {0, 2, 1}),
                // twin, row 1: target 2, then 3, 4
                row(0, 1, 2, 1, new int[] {0, 3, 2}, new int[] {0, 3, 1}, new int[] {0, 3, 4}, new int[] {0, 3, 3}),
                // user 2: target 4, last 3 of the pool [1, 2, 3, 1]; row 2 draws 3, 4, 1
                row(1, 2, 4, 3, new int[] {2, 3, 1}, new int[] {1, 3, 2}, new int[] {3, 4, 1}, new int[] {3, 3, 2}),
                // twin, row 3: target 4, then 1, 2, 3
                row(0, 2, 4, 3, new int[] {2, 3, 1}, new int[] {1, 3, 2}, new int[] {1, 2, 3}, new int[] {2, 1, 3}));
        assertThat(readAll(new SequenceRows(store(), SequenceStore.RowKind.TEST, SCRIPTED), 1)).containsExactlyElementsOf(expected);
    }

    @Test
    void rowsDoNotDependOnReadSizeOrOnWhichColumnsAreRead() {
        List<Row> whole = readAll(new SequenceRows(store(), SequenceStore.RowKind.TRAIN), 100);
        assertThat(readAll(new SequenceRows(store(), SequenceStore.RowKind.TRAIN), 1)).isEqualTo(whole);
        // Without the negative columns, the other columns are the same.
        SequenceRows partial = new SequenceRows(store(), SequenceStore.RowKind.TRAIN);
        int[][] c = new int[8][];
        c[2] = new int[8];
        c[4] = new int[24];
        assertThat(partial.read(c, 0, 8)).isEqualTo(8);
        for (int r = 0; r < 8; r++) {
            assertThat(c[2][r]).isEqualTo(whole.get(r).item());
            assertThat(slice(c[4], r)).isEqualTo(whole.get(r).pos());
        }
    }

    /** What a pipeline's reader threads do with the others' rows: read with no columns, then go on. */
    @Test
    void skippingRowsLeavesTheRowsAfterThemUnchanged() {
        List<Row> whole = readAll(new SequenceRows(store(), SequenceStore.RowKind.TRAIN), 100);
        for (int skip = 0; skip <= whole.size(); skip++) {
            SequenceRows reader = new SequenceRows(store(), SequenceStore.RowKind.TRAIN);
            assertThat(reader.read(new int[8][], 0, skip)).isEqualTo(skip);
            assertThat(readAll(reader, 3)).as("after skipping " + skip).isEqualTo(whole.subList(skip, whole.size()));
        }
    }

    @Test
    void storeFilesRoundTrip(@TempDir Path dir) {
        SequenceStore s = store();
        SequenceStoreFiles.write(s, dir);
        SequenceStore back = SequenceStoreFiles.read(dir.resolve(SequenceStoreFiles.STORE));
        assertThat(back.lengths()).isEqualTo(s.lengths());
        assertThat(back.items()).isEqualTo(s.items());
        assertThat(back.cats()).isEqualTo(s.cats());
        assertThat(back.itemCategory()).isEqualTo(s.itemCategory());
        assertThat(back.cumulativeReviews()).isEqualTo(s.cumulativeReviews());
        assertThat(back.seed()).isEqualTo(s.seed());
        assertThat(back.maxHistory()).isEqualTo(3);
        assertThat(back.mappings()).isEqualTo(s.mappings());
        assertThat(readAll(new SequenceRows(back, SequenceStore.RowKind.TRAIN), 5))
                .isEqualTo(readAll(new SequenceRows(s, SequenceStore.RowKind.TRAIN), 5));
    }

    /** A damaged store.yaml is bad data naming the file and what is allowed, never an internal error. */
    @Test
    void damagedStoreDescriptionsAreBadData(@TempDir Path dir) throws IOException {
        SequenceStoreFiles.write(store(), dir);
        Path yaml = dir.resolve(SequenceStoreFiles.STORE);
        String good = Files.readString(yaml);
        assertThat(good).contains("train: train");
        Map<String, String> damage = Map.of(
                good.replace("train: train", "train: valid"), "mapping 'train' has the unknown row kind 'valid'; the kinds are train, test",
                good.replaceAll("seed: .*", "seed: twelve"), "'seed' is missing or not a 64-bit whole number",
                good.replaceAll("(?s)mappings:.*", "mappings: {}\n"), "'mappings' is missing or empty");
        for (var e : damage.entrySet()) {
            Files.writeString(yaml, e.getKey());
            assertThatThrownBy(() -> SequenceStoreFiles.read(yaml))
                    .isInstanceOf(DataException.class)
                    .hasMessageStartingWith(yaml + ": ")
                    .hasMessageContaining(e.getValue());
        }
    }
}
