package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.cuda.backend.MixedPrecisionTwins.Pair;
import dev.sim4j.cuda.backend.MixedPrecisionTwins.Side;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.kernels.RowTensors;
import dev.sim4j.engine.kernels.SequenceMapping;
import dev.sim4j.engine.kernels.SequenceTables;
import dev.sim4j.engine.reference.ScalarBackend;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embeddings, losses and input families' bfloat16 builds against their float32 builds (the contract of
 * {@link MixedPrecisionTwins}): gathered vectors, masks, labels and loss gradients are the float32 run's rounded to
 * bfloat16, bit for bit; the float32 outputs (table gradients, losses) are the float32 run's, bit for bit, since both
 * runs add the same values in the same order, runs of one id longer than a reduction chunk included.
 */
class CudaMixedPrecisionEmbeddingsTest {
    static MixedPrecisionTwins t;

    @BeforeAll
    static void setUp() {
        t = new MixedPrecisionTwins(Long.getLong("sim4j.seed", 20261203L));
    }

    @AfterAll
    static void tearDown() {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void gathersRoundTheTablesRows() {
        // {table rows, width, ids}
        int[][] cases = {{1, 1, 1}, {1, 7, 17}, {7, 17, 33}, {127, 33, 7}, {50, 18, 4096}, {3, 36, 20000},
                {20000, 16, 100_000}};
        for (int[] c : cases) {
            String what = "gatherRows " + Arrays.toString(c);
            Tensor ids = ids(c[0], 0.3, c[2]);
            Pair table = floatTable(c[0], c[1]);
            Pair out = t.actOutput(c[2], c[1]);
            t.run(side -> t.gpu.gatherRows(table.on(side), ids, out.on(side)));
            t.check(out, what + " of a float32 table");
            // Hidden states gathered at inference: bfloat16 rows copied unchanged.
            Pair states = t.act(c[0], c[1]);
            Pair moved = t.actOutput(c[2], c[1]);
            t.run(side -> t.gpu.gatherRows(states.on(side), ids, moved.on(side)));
            t.check(moved, what + " of an activation table");
        }
    }

    @Test
    void embedSequenceRoundsTheVectorsAndWritesTheMask() {
        // {B, T, from, to, items, categories, E1, E2}
        int[][] cases = {{1, 1, 0, 1, 1, 1, 1, 1}, {1, 1, 0, 0, 5, 5, 4, 4}, {7, 10, 3, 9, 17, 3, 16, 16},
                {33, 17, 0, 17, 1021, 7, 18, 18}, {4096, 10, 0, 10, 5000, 300, 16, 16},
                {17, 990, 900, 990, 2000, 1, 16, 20}};
        for (int[] c : cases) {
            int b = c[0];
            int tt = c[1];
            int from = c[2];
            int to = c[3];
            int w = to - from;
            String what = "embedSequence " + Arrays.toString(c);
            Pair items = floatTable(c[4], c[6]);
            Pair cats = floatTable(c[5], c[7]);
            Tensor itemIds = sequenceIds(c[4], b, tt);
            Tensor catIds = ids(c[5], 0, b, tt);
            Pair out = t.actOutput(b, w, c[6] + c[7]);
            Pair mask = t.actOutput(b, w);
            t.run(side -> t.gpu.embedSequence(items.on(side), cats.on(side), itemIds, catIds, from, to,
                    out.on(side), mask.on(side)));
            t.check(out, what);
            t.check(mask, what + " mask");
        }
    }

    @Test
    void scatterAddRowsAddsTheSameFloat32Sums() {
        // {table rows, width, ids}: a third of the ids one row, a tenth the padding row 0, so both run past a chunk.
        int[][] cases = {{1, 16, 7}, {7, 17, 33}, {1000, 1, 30_000}, {1000, 16, 30_000}, {1000, 36, 30_000},
                {3, 36, 5000}};
        for (int[] c : cases) {
            String what = "scatterAddRows " + Arrays.toString(c);
            int[] v = skewedIds(c[0], c[2]);
            if (c[2] > 2 * CudaEmbeddings.REDUCE_CHUNK) {
                assertThat(CudaEmbeddingsTest.longestRun(v, -1)).as(what + " has a run past a chunk")
                        .isGreaterThan(CudaEmbeddings.REDUCE_CHUNK);
            }
            Tensor ids = t.gpu.upload(v, v.length);
            Pair dOut = t.act(c[2], c[1]);
            Pair dTable = t.param(c[0], c[1]);
            t.run(side -> t.gpu.scatterAddRows(dOut.on(side), ids, dTable.on(side)));
            t.check(dTable, what + " table gradient (float32)");
        }
    }

    @Test
    void embedSequenceBackwardAddsTheSameFloat32Sums() {
        // {B, T, from, to, items, categories, E1, E2}: the popular item (and the 1- to 7-row category tables) give
        // runs of thousands of positions, the larger tables short runs beside them.
        int[][] cases = {{1, 1, 0, 1, 2, 1, 16, 16}, {7, 10, 3, 9, 17, 3, 16, 16}, {256, 40, 5, 40, 2, 1, 16, 16},
                {256, 40, 0, 40, 2, 3, 18, 20}, {1024, 30, 0, 30, 500, 50, 16, 16}, {512, 50, 10, 50, 300, 7, 36, 4}};
        for (int[] c : cases) {
            int b = c[0];
            int tt = c[1];
            int from = c[2];
            int to = c[3];
            int w = to - from;
            String what = "embedSequenceBackward " + Arrays.toString(c);
            Tensor itemIds = sequenceIds(c[4], b, tt);
            Tensor catIds = ids(c[5], 0, b, tt);
            if ((long) b * w > 4L * CudaEmbeddings.REDUCE_CHUNK) {
                int[] ii = t.gpu.toInts(itemIds);
                int[] keys = new int[b * w];
                for (int r = 0; r < b; r++) {
                    System.arraycopy(ii, r * tt + from, keys, r * w, w);
                }
                assertThat(CudaEmbeddingsTest.longestRun(keys, 0)).as(what + " has an item run past a chunk")
                        .isGreaterThan(CudaEmbeddings.REDUCE_CHUNK);
            }
            Pair dOut = t.act(b, w, c[6] + c[7]);
            Pair dItems = t.param(c[4], c[6]);
            Pair dCats = t.param(c[5], c[7]);
            t.run(side -> t.gpu.embedSequenceBackward(dOut.on(side), itemIds, catIds, from, to, dItems.on(side),
                    dCats.on(side)));
            t.check(dItems, what + " dItems (float32)");
            t.check(dCats, what + " dCategories (float32)");
        }
    }

    @Test
    void lossesAreTheFloatLossesAndTheirGradientsRounded() {
        for (int n : new int[] {1, 7, 17, 1021, 4099, 131072}) {
            Pair logits = t.act(t.values(-30, 30, n), n);
            Pair labels = t.mask(0.5, n);
            Pair dLogits = t.actOutput(n);
            Pair bce = lossSlot(0.25f);
            t.run(side -> t.gpu.binaryCrossEntropy(logits.on(side), labels.on(side), dLogits.on(side), 2.0 / 3.0,
                    bce.on(side), 0.5, true));
            t.check(dLogits, "binaryCrossEntropy dLogits n=" + n);
            t.check(bce, "binaryCrossEntropy loss (float32) n=" + n);

            Pair click = t.act(t.values(-8, 8, n), n);
            Pair noClick = t.act(t.values(-8, 8, n), n);
            Pair mask = t.mask(0.8, n);
            Pair dClick = t.actOutput(n);
            Pair dNoClick = t.actOutput(n);
            Pair aux = lossSlot(Float.NaN);
            t.run(side -> t.gpu.auxiliaryLoss(click.on(side), noClick.on(side), mask.on(side), dClick.on(side),
                    dNoClick.on(side), 0.5, aux.on(side), 1.0, false));
            t.check(dClick, "auxiliaryLoss dClick n=" + n);
            t.check(dNoClick, "auxiliaryLoss dNoClick n=" + n);
            t.check(aux, "auxiliaryLoss loss (float32) n=" + n);

            Pair x = t.act(n);
            Pair sum = lossSlot(Float.NaN);
            t.run(side -> t.gpu.sum(x.on(side), sum.on(side)));
            t.check(sum, "sum (float32) n=" + n);
        }
    }

    @Test
    void sequenceRowsWriteTheLabelAsAnActivation() {
        Backend ref = new ScalarBackend(DType.F32);
        int l = 8;
        Store store = store(t.rnd, 40, 50, 3, 25);
        for (boolean drawTable : new boolean[] {true, false}) {
            SequenceTables gpuTables = store.tables(t.gpu, l, drawTable);
            SequenceTables refTables = store.tables(ref, l, drawTable);
            for (boolean test : new boolean[] {false, true}) {
                int[] rowStart = store.rowStart(test);
                int rows = rowStart[rowStart.length - 1];
                SequenceMapping onGpu = new SequenceMapping(gpuTables, t.gpu.upload(rowStart, rowStart.length), test,
                        0x5EEDL + (test ? 1 : 0), rows);
                SequenceMapping onRef = new SequenceMapping(refTables, ref.upload(rowStart, rowStart.length), test,
                        0x5EEDL + (test ? 1 : 0), rows);
                for (int[] s : new int[][] {{0, 1}, {1, 3}}) {
                    int first = s[0];
                    int stride = s[1];
                    int b = (rows - first + stride - 1) / stride;
                    String what = "sequenceRows test " + test + ", draw table " + drawTable + ", rows " + first
                            + " + i * " + stride;
                    Pair label = t.actOutput(b);
                    Map<Side, RowTensors> outs = new HashMap<>();
                    t.run(side -> {
                        RowTensors out = rowTensors(t.gpu, label.on(side), b, l);
                        t.gpu.sequenceRows(onGpu, first, stride, out);
                        outs.put(side, out);
                    });
                    t.check(label, what + " label");
                    RowTensors want = rowTensors(ref, ref.zeros(DType.F32, b), b, l);
                    ref.sequenceRows(onRef, first, stride, want);
                    assertThat(t.gpu.toFloats(label.on(Side.F32))).as(what + " label vs the reference")
                            .containsExactly(ref.toFloats(want.label()));
                    Tensor[] wantInts = ints(want);
                    for (Side side : Side.values()) {
                        Tensor[] got = ints(outs.get(side));
                        for (int k = 0; k < got.length; k++) {
                            if (!Arrays.equals(t.gpu.toInts(got[k]), ref.toInts(wantInts[k]))) {
                                throw new AssertionError(what + ": int column " + k + " of the " + side
                                        + " run differs from the reference");
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void mixedTypesAreRefusedWithTheOpsName() {
        Tensor ids = t.gpu.upload(new int[] {0, 1}, 2);
        Tensor states = t.gpu.zeros(t.half, 2, 3);
        Tensor wide = t.gpu.zeros(DType.F32, 2, 3);
        assertThatThrownBy(() -> t.gpu.gatherRows(states, ids, wide)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gatherRows").hasMessageContaining(t.half.name());
        Tensor narrowGrad = t.gpu.zeros(t.half, 2, 3);
        assertThatThrownBy(() -> t.gpu.scatterAddRows(states, ids, narrowGrad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("F32 parameter");
        Tensor logits = t.gpu.zeros(t.half, 4);
        Tensor labels = t.gpu.zeros(DType.F32, 4);
        Tensor loss = t.gpu.zeros(DType.F32, 1);
        assertThatThrownBy(() -> t.gpu.binaryCrossEntropy(logits, labels, logits, 1, loss, 1, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("binaryCrossEntropy")
                .hasMessageContaining(t.half.name());
        assertThatThrownBy(() -> t.gpu.sum(logits, t.gpu.zeros(t.half, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("F32 parameter");
    }

    /** A float32 table of full-precision values (not bfloat16 ones), so a gather's rounding is exercised. */
    private static Pair floatTable(int rows, int e) {
        float[] v = new float[rows * e];
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) (2 * t.rnd.nextDouble() - 1);
        }
        return t.new Pair(v, false, rows, e);
    }

    /** A one-element float32 loss tensor holding {@code before}. */
    private static Pair lossSlot(float before) {
        return t.new Pair(new float[] {before}, false, 1);
    }

    /** Ids in [0, bound), the padding id 0 with probability {@code padding} besides its uniform share. */
    private static Tensor ids(int bound, double padding, int... shape) {
        int[] v = new int[CudaTwins.size(shape)];
        for (int k = 0; k < v.length; k++) {
            v[k] = t.rnd.nextDouble() < padding ? 0 : t.rnd.nextInt(bound);
        }
        return t.gpu.upload(v, shape);
    }

    /** n ids in [0, rows): row min(3, rows - 1) a third of them, the padding row 0 a tenth, the rest uniform. */
    private static int[] skewedIds(int rows, int n) {
        int[] v = new int[n];
        for (int k = 0; k < n; k++) {
            double r = t.rnd.nextDouble();
            v[k] = r < 1.0 / 3 ? Math.min(3, rows - 1) : r < 0.43 ? 0 : t.rnd.nextInt(rows);
        }
        return v;
    }

    /**
     * Item ids [B, T] with padding: 0 with probability 0.4 (and whole padded tails), else the popular item 1 a third
     * of the time and uniform in [1, rows) otherwise.
     */
    private static Tensor sequenceIds(int rows, int b, int tt) {
        int[] v = new int[b * tt];
        for (int r = 0; r < b; r++) {
            int len = t.rnd.nextInt(tt + 1);
            for (int s = 0; s < tt; s++) {
                boolean pad = s >= len || rows == 1 || t.rnd.nextDouble() < 0.4;
                v[r * tt + s] = pad ? 0 : t.rnd.nextInt(3) == 0 ? 1 : 1 + t.rnd.nextInt(rows - 1);
            }
        }
        return t.gpu.upload(v, b, tt);
    }

    /** The outputs of a sequenceRows call: the given label, and int outputs poisoned with -7 (every one is written). */
    private static RowTensors rowTensors(Backend be, Tensor label, int b, int l) {
        return new RowTensors(label, filled(be, b, 1), filled(be, b, 1), filled(be, b, 1), filled(be, b, l),
                filled(be, b, l), filled(be, b, l), filled(be, b, l));
    }

    private static Tensor filled(Backend be, int b, int width) {
        int[] v = new int[b * width];
        Arrays.fill(v, -7);
        return width == 1 ? be.upload(v, b) : be.upload(v, b, width);
    }

    private static Tensor[] ints(RowTensors r) {
        return new Tensor[] {r.uid(), r.targetItem(), r.targetCategory(), r.historyItems(), r.historyCategories(),
                r.negativeItems(), r.negativeCategories()};
    }

    /** Users' events (items in [1, items], each item's category fixed) from which {@link SequenceTables} are built. */
    record Store(int[] eventStart, int[] items, int[] categories, int[] itemCategory, int[] cumulative) {
        SequenceTables tables(Backend be, int maxHistory, boolean drawTable) {
            int draws = items.length;
            Tensor itemOfDraw = null;
            if (drawTable) {
                int[] table = new int[draws];
                for (int item = 1; item < cumulative.length; item++) {
                    Arrays.fill(table, cumulative[item - 1], cumulative[item], item);
                }
                itemOfDraw = be.upload(table, draws);
            }
            return new SequenceTables(be.upload(eventStart, eventStart.length), be.upload(items, items.length),
                    be.upload(categories, categories.length), be.upload(itemCategory, itemCategory.length),
                    itemOfDraw, be.upload(cumulative, cumulative.length), draws, maxHistory);
        }

        /** Rows per user: twice the n - 2 training targets, or one test target and its twin. */
        int[] rowStart(boolean test) {
            int users = eventStart.length - 1;
            int[] rowStart = new int[users + 1];
            for (int u = 0; u < users; u++) {
                int n = eventStart[u + 1] - eventStart[u];
                rowStart[u + 1] = rowStart[u] + (test ? 2 : 2 * (n - 2));
            }
            return rowStart;
        }
    }

    /** {@code users} users of minEvents..maxEvents events over {@code itemCount} items in 7 categories. */
    static Store store(SplittableRandom rnd, int users, int itemCount, int minEvents, int maxEvents) {
        int[] itemCategory = new int[itemCount + 1];
        for (int i = 1; i <= itemCount; i++) {
            itemCategory[i] = 1 + i % 7;
        }
        int[] eventStart = new int[users + 1];
        for (int u = 0; u < users; u++) {
            eventStart[u + 1] = eventStart[u] + minEvents + rnd.nextInt(maxEvents - minEvents + 1);
        }
        int total = eventStart[users];
        int[] items = new int[total];
        int[] categories = new int[total];
        int[] cumulative = new int[itemCount + 1];
        for (int k = 0; k < total; k++) {
            items[k] = 1 + rnd.nextInt(itemCount);
            categories[k] = itemCategory[items[k]];
            cumulative[items[k]]++;
        }
        for (int i = 1; i <= itemCount; i++) {
            cumulative[i] += cumulative[i - 1];
        }
        return new Store(eventStart, items, categories, itemCategory, cumulative);
    }
}
