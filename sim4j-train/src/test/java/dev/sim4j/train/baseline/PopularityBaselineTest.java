package dev.sim4j.train.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.dataset.DatasetWriter;
import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.ReferenceSpecs;
import dev.sim4j.train.metrics.Metrics;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every baseline kind on a six-row test mapping whose AUC is worked out by hand below (pairs counted one by one, ties
 * one half), after counts over a ten-row train mapping.
 *
 * <p>Items 1..5 with categories 1, 1, 2, 3, 3; histories of 4, the last 2 the short part.
 * <pre>
 * train (label, item):  item 1: 1 1 1 0   item 2: 1 0   item 3: 1 0 0   item 4: 0
 *   positives per item: 3, 1, 1, 0, 0 (item 5 never a target); rows 4, 2, 3, 1, 0
 *   per category:       cat 1 = 4 of 6 rows, cat 2 = 1 of 3, cat 3 = 0 of 1
 * test:  row  label item cat  history items / cats (oldest first, 0 = padding)
 *        A    1     1    1    0 1 3 2 / 0 1 2 1
 *        B    1     3    2    4 3 1 1 / 3 2 1 1
 *        C    1     4    3    0 0 0 4 / 0 0 0 3
 *        D    0     2    1    2 3 3 1 / 1 2 2 1
 *        E    0     4    3    1 1 2 2 / 1 1 1 1
 *        F    0     5    3    0 0 4 3 / 0 0 3 2
 * </pre>
 * Each AUC is (sum over the 9 positive-negative pairs of 1 for a win, 1/2 for a tie) / 9.
 */
class PopularityBaselineTest {
    private static final int L = 4;
    private static final int SHORT = 2;
    private static final int[] CATEGORY_OF = {0, 1, 1, 2, 3, 3};

    @TempDir
    static Path tmp;
    static Dataset dataset;

    @BeforeAll
    static void writeDataset() {
        FeatureSpec spec = ReferenceSpecs.amazon(1, 5, 3, L);
        List<FeatureDef> features = List.copyOf(spec.features().values());
        Path dir = tmp.resolve("ds");
        try (DatasetWriter w = new DatasetWriter(dir, spec, ChunkType.SIM4J, 1000, WriteOptions.DEFAULT)) {
            int[] trainLabels = {1, 1, 1, 0, 1, 0, 1, 0, 0, 0};
            int[] trainItems = {1, 1, 1, 1, 2, 2, 3, 3, 3, 4};
            int[][] none = new int[trainLabels.length][L];
            write(w, "train", features, trainLabels, trainItems, none);
            int[] labels = {1, 1, 1, 0, 0, 0};
            int[] items = {1, 3, 4, 2, 4, 5};
            int[][] histories = {{0, 1, 3, 2}, {4, 3, 1, 1}, {0, 0, 0, 4}, {2, 3, 3, 1}, {1, 1, 2, 2}, {0, 0, 4, 3}};
            write(w, "test", features, labels, items, histories);
            w.commit();
        }
        dataset = Dataset.open(dir);
    }

    /** Rows in the reference layout: label, user, target item and category, history items and categories, negatives. */
    private static void write(DatasetWriter w, String mapping, List<FeatureDef> features, int[] labels, int[] items,
                              int[][] histories) {
        int n = labels.length;
        int[][] cols = new int[8][];
        cols[0] = labels.clone();
        cols[1] = new int[n];
        Arrays.fill(cols[1], 1);
        cols[2] = items.clone();
        cols[3] = Arrays.stream(items).map(i -> CATEGORY_OF[i]).toArray();
        cols[4] = Arrays.stream(histories).flatMapToInt(Arrays::stream).toArray();
        cols[5] = Arrays.stream(cols[4]).map(i -> CATEGORY_OF[i]).toArray();
        cols[6] = new int[n * L];
        cols[7] = new int[n * L];
        try (DatasetWriter.MappingWriter mw = w.mapping(mapping, features)) {
            mw.write(cols, 0, n);
        }
    }

    private static Map<BaselineKind, Metrics> evaluateAll() {
        PopularityBaseline popularity = PopularityBaseline.fit(dataset, "train");
        return BaselineEvaluation.evaluate(dataset, "test", List.of(BaselineKind.values()), popularity, SHORT).stream()
                .collect(Collectors.toMap(BaselineResult::kind, BaselineResult::metrics));
    }

    @Test
    void trainCountsPerItemAndCategory() {
        PopularityBaseline p = PopularityBaseline.fit(dataset, "train");
        assertThat(p.trainRows()).isEqualTo(10);
        assertThat(p.trainPositives()).isEqualTo(5); // 3 of item 1, 1 of item 2, 1 of item 3
        TargetCounts items = p.items();
        assertThat(new long[] {items.positives(1), items.positives(2), items.positives(3), items.positives(4),
            items.positives(5)}).containsExactly(3, 1, 1, 0, 0);
        assertThat(new long[] {items.rows(1), items.rows(2), items.rows(3), items.rows(4), items.rows(5)})
                .containsExactly(4, 2, 3, 1, 0);
        assertThat(p.categories().positives(1)).isEqualTo(4);
        assertThat(p.categories().rows(1)).isEqualTo(6);
        assertThat(p.categories().positives(2)).isEqualTo(1);
        assertThat(p.categories().rows(3)).isEqualTo(1);
        assertThat(items.smoothedRate(5)).isEqualTo(0.5); // never seen: the prior 1/2
        assertThat(p.unitScore(BaselineKind.ITEM, 1)).isEqualTo(1.0);
        assertThat(p.unitScore(BaselineKind.ITEM, 3)).isEqualTo(1.0 / 3);
    }

    @Test
    void aucOfEveryKindMatchesTheHandCount() {
        Map<BaselineKind, Metrics> m = evaluateAll();
        // item: positives score 3, 1, 0; negatives 1, 0, 0 (item 5 unseen).
        //   3 beats all (3); 1 ties 1, beats 0, 0 (2.5); 0 loses to 1, ties 0, 0 (1)      -> 6.5 / 9
        // item-ctr: A 4/6, B 2/5, C 1/3; D 2/4, E 1/3, F 1/2 (unseen: the prior).
        //   4/6 beats all (3); 2/5 beats only E (1); 1/3 ties E (0.5)                     -> 4.5 / 9
        // category: A 4, B 1, C 0; D 4, E 0, F 0.
        //   4 ties D, beats E, F (2.5); 1 beats E, F (2); 0 ties E, F (1)                 -> 5.5 / 9
        // category-ctr: 5/8, 2/5, 1/3 against 5/8, 1/3, 1/3: the same order              -> 5.5 / 9
        // history-match (all 4): A 2/3, B 1/4, C 1/1; D 2/4, E 0/4, F 1/2.
        //   2/3 beats all (3); 1/4 beats E (1); 1 beats all (3)                           -> 7 / 9
        // history-match-short (last 2): A 1/2, B 0/2, C 1/1 (one real item); D 1/2, E 0, F 1/2.
        //   1/2 ties D, F, beats E (2); 0 ties E (0.5); 1 beats all (3)                   -> 5.5 / 9
        // history-match-long (first 2): A 1/1, B 1/2, C none = 0; D 1/2, E 0, F none = 0.
        //   1 beats all (3); 1/2 ties D, beats E, F (2.5); 0 ties E, F (1)                -> 6.5 / 9
        Map<BaselineKind, Double> expected = Map.of(
                BaselineKind.ITEM, 6.5 / 9, BaselineKind.ITEM_CTR, 4.5 / 9,
                BaselineKind.CATEGORY, 5.5 / 9, BaselineKind.CATEGORY_CTR, 5.5 / 9,
                BaselineKind.HISTORY_MATCH, 7.0 / 9, BaselineKind.HISTORY_MATCH_SHORT, 5.5 / 9,
                BaselineKind.HISTORY_MATCH_LONG, 6.5 / 9);
        for (BaselineKind k : BaselineKind.values()) {
            Metrics x = m.get(k);
            assertThat(x.count()).as(k.id()).isEqualTo(6);
            assertThat(x.positives()).as(k.id()).isEqualTo(3);
            assertThat(x.exactAuc()).as(k.id()).isCloseTo(expected.get(k), offset(1e-12));
            // Every distinct score here lands in its own threshold bucket, and tied scores in a shared one, so the
            // trapezoid over the 8000 thresholds gives the same area as the exact count.
            assertThat(x.auc()).as(k.id() + " threshold").isCloseTo(expected.get(k), offset(1e-9));
        }
    }

    @Test
    void logLossOnlyWhereTheScoreIsAProbability() {
        Map<BaselineKind, Metrics> m = evaluateAll();
        // item-ctr: positives p = 4/6, 2/5, 1/3; negatives 1 - p = 1 - 2/4, 1 - 1/3, 1 - 1/2.
        double itemLoss = -(Math.log(4.0 / 6) + Math.log(2.0 / 5) + Math.log(1.0 / 3)
                + Math.log(1 - 2.0 / 4) + Math.log(1 - 1.0 / 3) + Math.log(1 - 1.0 / 2)) / 6;
        assertThat(m.get(BaselineKind.ITEM_CTR).loss()).isCloseTo(itemLoss, offset(1e-6)); // float scores
        double catLoss = -(Math.log(5.0 / 8) + Math.log(2.0 / 5) + Math.log(1.0 / 3)
                + Math.log(1 - 5.0 / 8) + Math.log(1 - 1.0 / 3) + Math.log(1 - 1.0 / 3)) / 6;
        assertThat(m.get(BaselineKind.CATEGORY_CTR).loss()).isCloseTo(catLoss, offset(1e-6));
        for (BaselineKind k : List.of(BaselineKind.ITEM, BaselineKind.CATEGORY, BaselineKind.HISTORY_MATCH,
                BaselineKind.HISTORY_MATCH_SHORT, BaselineKind.HISTORY_MATCH_LONG)) {
            assertThat(m.get(k).loss()).as(k.id()).isNaN();
        }
    }

    @Test
    void historyKindsNeedNoTrainCountsAndPopularityKindsDo() {
        var results = BaselineEvaluation.evaluate(dataset, "test", List.of(BaselineKind.HISTORY_MATCH), null, SHORT);
        assertThat(results.getFirst().metrics().exactAuc()).isCloseTo(7.0 / 9, offset(1e-12));
        assertThatThrownBy(() -> BaselineEvaluation.evaluate(dataset, "test", List.of(BaselineKind.ITEM), null, SHORT))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("needs train counts");
        assertThatThrownBy(() -> BaselineEvaluation.evaluate(dataset, "test", List.of(BaselineKind.HISTORY_MATCH), null,
                L + 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..4");
    }

    @Test
    void kindsParseByName() {
        Function<String, BaselineKind> parse = BaselineKind::parse;
        assertThat(parse.apply("item")).isEqualTo(BaselineKind.ITEM);
        assertThat(parse.apply(" History-Match-Short ")).isEqualTo(BaselineKind.HISTORY_MATCH_SHORT);
        assertThatThrownBy(() -> BaselineKind.parse("popular")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("item, item-ctr, category");
    }
}
