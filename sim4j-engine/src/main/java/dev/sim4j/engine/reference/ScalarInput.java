package dev.sim4j.engine.reference;

import dev.sim4j.engine.cpu.CpuTensor;
import dev.sim4j.engine.kernels.InputKernels;
import dev.sim4j.engine.kernels.RowTensors;
import dev.sim4j.engine.kernels.SequenceMapping;
import dev.sim4j.engine.kernels.SequenceStream;
import dev.sim4j.engine.kernels.SequenceTables;
import dev.sim4j.engine.kernels.Shapes;

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
        for (int i = 0; i < b; i++) {
            long row = firstRow + (long) i * rowStride;
            // The user whose rows hold this one: the last u with rowStart[u] <= row (users without rows are skipped).
            int lo = 0;
            int hi = users - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (rowStart.getInt(mid) <= row) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            int u = lo;
            int start = eventStart.getInt(u);
            int n = eventStart.getInt(u + 1) - start;
            int k = (int) (row - rowStart.getInt(u));
            int half = mapping.test() ? 1 : n - 2;
            boolean positive = k < half;
            int target = mapping.test() ? n - 1 : 1 + k % half;
            int h = Math.min(target, l);
            int from = start + target - h;
            int pad = l - h;
            SequenceStream stream = new SequenceStream(mapping.streamKey(), row);
            int item;
            int cat;
            if (positive) {
                item = items.getInt(start + target);
                cat = cats.getInt(start + target);
            } else {
                item = draw(stream, t.draws(), itemOfDraw, cumulative);
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
                    int negative = draw(stream, t.draws(), itemOfDraw, cumulative);
                    negItems.set(at, negative);
                    negCats.set(at, itemCategory.getInt(negative));
                }
            }
        }
    }

    private static int draw(SequenceStream stream, int draws, CpuTensor itemOfDraw, CpuTensor cumulative) {
        int d = stream.nextInt(draws);
        if (itemOfDraw != null) {
            return itemOfDraw.getInt(d);
        }
        // The smallest item i with cumulative[i] > d.
        int lo = 1;
        int hi = cumulative.elements() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative.getInt(mid) > d) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
