package dev.sim4j.engine.reference;

import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.CpuTensor;
import dev.sim4j.engine.kernels.EmbeddingKernels;
import dev.sim4j.engine.kernels.Shapes;
import java.util.List;
import java.util.TreeSet;

/** The reference embedding kernels: lookups, scatter-adds in order of position, and the distinct rows of a batch. */
final class ScalarEmbeddings implements EmbeddingKernels {
    @Override
    public void gatherRows(Tensor table, Tensor ids, Tensor out) {
        int e = table.dim(-1);
        int rows = table.dim(0);
        int n = (int) ids.size();
        Shapes.require(out.size() == (long) n * e, "gatherRows", table, ids, out);
        CpuTensor tb = CpuTensor.of(table);
        CpuTensor id = CpuTensor.of(ids);
        CpuTensor o = CpuTensor.of(out);
        for (int r = 0; r < n; r++) {
            int row = id.getInt(r);
            if (row < 0 || row >= rows) {
                throw new IndexOutOfBoundsException("id " + row + " outside the table of " + rows + " rows");
            }
            for (int j = 0; j < e; j++) {
                o.set(r * e + j, tb.get(row * e + j));
            }
        }
    }

    @Override
    public void scatterAddRows(Tensor dOut, Tensor ids, Tensor dTable) {
        int e = dTable.dim(-1);
        int n = (int) ids.size();
        Shapes.require(dOut.size() == (long) n * e, "scatterAddRows", dOut, ids, dTable);
        CpuTensor g = CpuTensor.of(dOut);
        CpuTensor id = CpuTensor.of(ids);
        CpuTensor o = CpuTensor.of(dTable);
        for (int r = 0; r < n; r++) {
            int row = id.getInt(r);
            for (int j = 0; j < e; j++) {
                o.set(row * e + j, o.get(row * e + j) + g.get(r * e + j));
            }
        }
    }

    @Override
    public void embedSequence(Tensor items, Tensor categories, Tensor itemIds, Tensor categoryIds, int from, int to,
                              Tensor out, Tensor mask) {
        int b = itemIds.dim(0);
        int tt = itemIds.dim(1);
        int e1 = items.dim(1);
        int e2 = categories.dim(1);
        int w = to - from;
        Shapes.require(from >= 0 && from <= to && to <= tt && categoryIds.size() == itemIds.size()
                && out.size() == (long) b * w * (e1 + e2) && mask.size() == (long) b * w,
                "embedSequence", itemIds, categoryIds, out, mask);
        CpuTensor it = CpuTensor.of(items);
        CpuTensor ct = CpuTensor.of(categories);
        CpuTensor ii = CpuTensor.of(itemIds);
        CpuTensor ci = CpuTensor.of(categoryIds);
        CpuTensor o = CpuTensor.of(out);
        CpuTensor m = CpuTensor.of(mask);
        for (int r = 0; r < b; r++) {
            for (int s = 0; s < w; s++) {
                int item = ii.getInt(r * tt + from + s);
                int cat = ci.getInt(r * tt + from + s);
                if (item < 0 || item >= items.dim(0) || cat < 0 || cat >= categories.dim(0)) {
                    throw new IndexOutOfBoundsException("embedSequence: item " + item + " or category " + cat
                            + " outside the tables of " + items.dim(0) + " and " + categories.dim(0) + " rows");
                }
                int row = r * w + s;
                boolean keep = item > 0;
                m.set(row, keep ? 1 : 0);
                for (int j = 0; j < e1; j++) {
                    o.set(row * (e1 + e2) + j, keep ? it.get(item * e1 + j) : 0);
                }
                for (int j = 0; j < e2; j++) {
                    o.set(row * (e1 + e2) + e1 + j, keep ? ct.get(cat * e2 + j) : 0);
                }
            }
        }
    }

    @Override
    public void embedSequenceBackward(Tensor dOut, Tensor itemIds, Tensor categoryIds, int from, int to,
                                      Tensor dItems, Tensor dCategories) {
        int b = itemIds.dim(0);
        int tt = itemIds.dim(1);
        int e1 = dItems.dim(1);
        int e2 = dCategories.dim(1);
        int w = to - from;
        Shapes.require(from >= 0 && from <= to && to <= tt && categoryIds.size() == itemIds.size()
                && dOut.size() == (long) b * w * (e1 + e2), "embedSequenceBackward", dOut, itemIds, dItems);
        CpuTensor g = CpuTensor.of(dOut);
        CpuTensor ii = CpuTensor.of(itemIds);
        CpuTensor ci = CpuTensor.of(categoryIds);
        CpuTensor di = CpuTensor.of(dItems);
        CpuTensor dc = CpuTensor.of(dCategories);
        for (int r = 0; r < b; r++) {
            for (int s = 0; s < w; s++) {
                int item = ii.getInt(r * tt + from + s);
                if (item == 0) {
                    continue;
                }
                int cat = ci.getInt(r * tt + from + s);
                int row = r * w + s;
                for (int j = 0; j < e1; j++) {
                    di.set(item * e1 + j, di.get(item * e1 + j) + g.get(row * (e1 + e2) + j));
                }
                for (int j = 0; j < e2; j++) {
                    dc.set(cat * e2 + j, dc.get(cat * e2 + j) + g.get(row * (e1 + e2) + e1 + j));
                }
            }
        }
    }

    @Override
    public void uniqueRows(List<Tensor> ids, int bound, Tensor out, Tensor count) {
        Shapes.scalar(count, "uniqueRows (count)");
        TreeSet<Integer> seen = new TreeSet<>();
        for (Tensor x : ids) {
            CpuTensor v = CpuTensor.of(x);
            for (int k = 0; k < v.elements(); k++) {
                int id = v.getInt(k);
                if (id < 0 || id >= bound) {
                    throw new IndexOutOfBoundsException("uniqueRows: id " + id + " at " + k + " outside [0, " + bound
                            + ")");
                }
                seen.add(id);
            }
        }
        CpuTensor o = CpuTensor.of(out);
        Shapes.require(o.dtype() == DType.I32 && o.elements() >= seen.size(), "uniqueRows: out too small for "
                + seen.size() + " rows", out);
        int n = 0;
        for (int id : seen) {
            o.set(n++, id);
        }
        CpuTensor.of(count).set(0, n);
    }
}
