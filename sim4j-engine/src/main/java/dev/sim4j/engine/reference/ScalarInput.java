package dev.sim4j.engine.reference;

import dev.sim4j.engine.cpu.CpuTensor;
import dev.sim4j.engine.kernels.InputKernels;
import dev.sim4j.engine.kernels.RowTensors;
import dev.sim4j.engine.kernels.SequenceMapping;
import dev.sim4j.engine.kernels.SequenceRow;
import dev.sim4j.engine.kernels.SequenceStream;
import dev.sim4j.engine.kernels.SequenceTables;
import dev.sim4j.engine.kernels.Shapes;
import java.util.function.IntUnaryOperator;

/**
 * The reference row builder: one row at a time, each row's draws in stream order, written as the rule of
 * {@link InputKernels#sequenceRows} reads.
 */
public final class ScalarInput implements InputKernels {
    @Override
    public void sequenceRows(SequenceMapping mapping, long firstRow, int rowStride, RowTensors out) {
        Shapes.sequenceRows(mapping, firstRow, rowStride, out);
        SequenceTables t = mapping.tables();
        CpuTensor rowStart = CpuTensor.of(mapping.rowStart());
        CpuTensor eventStart = CpuTensor.of(t.eventStart());
        CpuTensor items = CpuTensor.of(t.items());
        CpuTensor cats = CpuTensor.of(t.categories());
        CpuTensor itemCategory = CpuTensor.of(t.itemCategory());
        CpuTensor itemOfDraw = t.itemOfDraw() == null ? null : CpuTensor.of(t.itemOfDraw());
        CpuTensor cumulative = CpuTensor.of(t.cumulative());
        int users = t.users();
        int l = t.maxHistory();
        int b = (int) out.label().size();
        CpuTensor label = CpuTensor.of(out.label());
        CpuTensor uid = CpuTensor.of(out.uid());
        CpuTensor targetItem = CpuTensor.of(out.targetItem());
        CpuTensor targetCat = CpuTensor.of(out.targetCategory());
        CpuTensor histItems = CpuTensor.of(out.historyItems());
        CpuTensor histCats = CpuTensor.of(out.historyCategories());
        CpuTensor negItems = CpuTensor.of(out.negativeItems());
        CpuTensor negCats = CpuTensor.of(out.negativeCategories());
        IntUnaryOperator drawTable = itemOfDraw == null ? null : itemOfDraw::getInt;
        IntUnaryOperator counts = cumulative::getInt;
        for (int i = 0; i < b; i++) {
            long row = firstRow + (long) i * rowStride;
            SequenceRow r = SequenceRow.locate(rowStart::getInt, eventStart::getInt, users, row, mapping.test(), l);
            int u = r.user();
            int start = r.start();
            int target = r.target();
            boolean positive = r.positive();
            int from = r.from();
            int pad = r.pad();
            SequenceStream stream = new SequenceStream(mapping.streamKey(), row);
            int item;
            int cat;
            if (positive) {
                item = items.getInt(start + target);
                cat = cats.getInt(start + target);
            } else {
                item = SequenceRow.drawItem(stream, t.draws(), drawTable, counts, cumulative.elements() - 1);
                cat = itemCategory.getInt(item);
            }
            label.set(i, positive ? 1 : 0);
            uid.set(i, u + 1);
            targetItem.set(i, item);
            targetCat.set(i, cat);
            for (int p = 0; p < l; p++) {
                int at = i * l + p;
                if (p < pad) {
                    histItems.set(at, 0);
                    histCats.set(at, 0);
                    negItems.set(at, 0);
                    negCats.set(at, 0);
                } else {
                    histItems.set(at, items.getInt(from + p - pad));
                    histCats.set(at, cats.getInt(from + p - pad));
                    int negative = SequenceRow.drawItem(stream, t.draws(), drawTable, counts, cumulative.elements() - 1);
                    negItems.set(at, negative);
                    negCats.set(at, itemCategory.getInt(negative));
                }
            }
        }
    }
}
