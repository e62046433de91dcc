package dev.sim4j.cuda.backend;

import static dev.sim4j.cuda.backend.CudaBackend.cuda;

import dev.sim4j.engine.DType;
import dev.sim4j.engine.kernels.InputKernels;
import dev.sim4j.engine.kernels.RowTensors;
import dev.sim4j.engine.kernels.SequenceMapping;
import dev.sim4j.engine.kernels.SequenceTables;
import dev.sim4j.engine.kernels.Shapes;

/**
 * Input batches built on the GPU from a resident sequence store, one warp per row (kernel in
 * {@code kernels/input.cu}): the histories copied with coalesced loads and stores, the negatives drawn 32 raw stream
 * values at a time and kept in stream order, so that the rows are the reference's (and the CPU data pipeline's) int
 * for int. The label is an activation (F32 or BF16, the build it picks: 0 and 1 are exact in both); the ids are I32.
 */
public final class CudaInput implements InputKernels {
    private static final String FAMILY = "input";
    private static final int WARPS_PER_BLOCK = Launches.THREADS / 32;

    private CudaBackend be;

    CudaInput() {
    }

    void bind(CudaBackend backend) {
        this.be = backend;
    }

    @Override
    public void sequenceRows(SequenceMapping mapping, long firstRow, int rowStride, RowTensors out) {
        Shapes.sequenceRows(mapping, firstRow, rowStride, out);
        SequenceTables t = mapping.tables();
        DType act = Activations.of("sequenceRows", out.label());
        int b = (int) out.label().size();
        if (b == 0) {
            return;
        }
        long itemOfDraw = t.itemOfDraw() == null ? 0 : cuda(t.itemOfDraw()).address();
        int blocks = (int) Math.min(Launches.MAX_BLOCKS * 4L, (b + WARPS_PER_BLOCK - 1) / WARPS_PER_BLOCK);
        be.kernels().kernel(FAMILY, "sequence_rows", act).begin().pointer(cuda(mapping.rowStart()).address())
                .pointer(cuda(t.eventStart()).address()).pointer(cuda(t.items()).address())
                .pointer(cuda(t.categories()).address()).pointer(cuda(t.itemCategory()).address())
                .pointer(itemOfDraw).pointer(cuda(t.cumulative()).address()).i32((int) t.cumulative().size() - 1)
                .i32(t.users()).i32(t.draws()).i32(t.maxHistory()).i32(mapping.test() ? 1 : 0)
                .i64(mapping.streamKey()).i64(firstRow).i32(rowStride).i32(b)
                .pointer(cuda(out.label()).address()).pointer(cuda(out.uid()).address())
                .pointer(cuda(out.targetItem()).address()).pointer(cuda(out.targetCategory()).address())
                .pointer(cuda(out.historyItems()).address()).pointer(cuda(out.historyCategories()).address())
                .pointer(cuda(out.negativeItems()).address()).pointer(cuda(out.negativeCategories()).address())
                .launch(be.stream(), blocks, Launches.THREADS);
    }
}
