package dev.sim4j.engine.cpu;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.kernels.InputKernels;
import dev.sim4j.engine.kernels.RowTensors;
import dev.sim4j.engine.kernels.SequenceMapping;
import dev.sim4j.engine.kernels.SequenceRow;
import dev.sim4j.engine.kernels.SequenceStream;
import dev.sim4j.engine.kernels.SequenceTables;
import dev.sim4j.engine.kernels.Shapes;
import java.util.Arrays;
import java.util.function.IntUnaryOperator;

/**
 * Rows rebuilt from a resident sequence store on the heap, rows split over the backend's threads (each row depends on
 * nothing but its own index, so the split cannot change a value). Tested against the reference's {@code ScalarInput}.
 */
final class CpuInput implements InputKernels {
    private final CpuParallel par;

    CpuInput(CpuParallel par) {
        this.par = par;
    }

    @Override
    public void sequenceRows(SequenceMapping mapping, long firstRow, int rowStride, RowTensors out) {
        Shapes.sequenceRows(mapping, firstRow, rowStride, out);
        SequenceTables t = mapping.tables();
        Ints rowStart = Ints.of(mapping.rowStart());
        Ints eventStart = Ints.of(t.eventStart());
        Ints items = Ints.of(t.items());
        Ints cats = Ints.of(t.categories());
        Ints itemCategory = Ints.of(t.itemCategory());
        Ints itemOfDraw = t.itemOfDraw() == null ? null : Ints.of(t.itemOfDraw());
        Ints cumulative = Ints.of(t.cumulative());
        CpuTensor label = CpuTensor.of(out.label());
        CpuTensor uid = CpuTensor.of(out.uid());
        CpuTensor targetItem = CpuTensor.of(out.targetItem());
        CpuTensor targetCat = CpuTensor.of(out.targetCategory());
        CpuTensor histItems = CpuTensor.of(out.historyItems());
        CpuTensor histCats = CpuTensor.of(out.historyCategories());
        CpuTensor negItems = CpuTensor.of(out.negativeItems());
        CpuTensor negCats = CpuTensor.of(out.negativeCategories());
        int users = t.users();
        int l = t.maxHistory();
        int draws = t.draws();
        int itemCount = (int) t.cumulative().size() - 1;
        int b = (int) out.label().size();
        IntUnaryOperator drawTable = itemOfDraw == null ? null : itemOfDraw::get;
        IntUnaryOperator counts = cumulative::get;
        par.forChunks(b, CpuParallel.rowGrain(4L * l), (first, end) -> {
            for (int i = first; i < end; i++) {
                long row = firstRow + (long) i * rowStride;
                SequenceRow r = SequenceRow.locate(rowStart::get, eventStart::get, users, row, mapping.test(), l);
                int u = r.user();
                int start = r.start();
                int target = r.target();
                boolean positive = r.positive();
                int from = r.from();
                int h = r.history();
                int pad = r.pad();
                SequenceStream stream = new SequenceStream(mapping.streamKey(), row);
                int item;
                int cat;
                if (positive) {
                    item = items.get(start + target);
                    cat = cats.get(start + target);
                } else {
                    item = SequenceRow.drawItem(stream, draws, drawTable, counts, itemCount);
                    cat = itemCategory.get(item);
                }
                label.set(i, positive ? 1 : 0);
                uid.i[uid.offset + i] = u + 1;
                targetItem.i[targetItem.offset + i] = item;
                targetCat.i[targetCat.offset + i] = cat;
                int at = i * l;
                Arrays.fill(histItems.i, histItems.offset + at, histItems.offset + at + pad, 0);
                Arrays.fill(histCats.i, histCats.offset + at, histCats.offset + at + pad, 0);
                Arrays.fill(negItems.i, negItems.offset + at, negItems.offset + at + pad, 0);
                Arrays.fill(negCats.i, negCats.offset + at, negCats.offset + at + pad, 0);
                System.arraycopy(items.a, items.offset + from, histItems.i, histItems.offset + at + pad, h);
                System.arraycopy(cats.a, cats.offset + from, histCats.i, histCats.offset + at + pad, h);
                for (int p = pad; p < l; p++) {
                    int negative = SequenceRow.drawItem(stream, draws, drawTable, counts, itemCount);
                    negItems.i[negItems.offset + at + p] = negative;
                    negCats.i[negCats.offset + at + p] = itemCategory.get(negative);
                }
            }
        });
    }

    /** An I32 tensor's backing array and where its view starts. */
    private record Ints(int[] a, int offset) {
        static Ints of(Tensor x) {
            CpuTensor c = CpuTensor.of(x);
            return new Ints(c.i, c.offset);
        }

        int get(int k) {
            return a[offset + k];
        }
    }
}
