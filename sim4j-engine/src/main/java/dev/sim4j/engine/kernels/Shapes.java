package dev.sim4j.engine.kernels;

import dev.sim4j.engine.Tensor;
import java.util.Arrays;

/**
 * The shape checks every backend runs before a kernel, in one place so that all backends accept and reject the same
 * arguments with the same message (an {@link IllegalArgumentException} naming the kernel and the shapes).
 */
public final class Shapes {
    private Shapes() {
    }

    /** Throws naming {@code what} and the shapes of {@code ts} unless {@code ok}. */
    public static void require(boolean ok, String what, Tensor... ts) {
        if (!ok) {
            StringBuilder b = new StringBuilder(what).append(": shapes");
            for (Tensor x : ts) {
                b.append(' ').append(Arrays.toString(x.shape()));
            }
            throw new IllegalArgumentException(b.toString());
        }
    }

    /** Throws unless a and b have the same number of elements. */
    public static void sameSize(Tensor a, Tensor b, String op) {
        require(a.size() == b.size(), op, a, b);
    }

    /** The number of rows of x seen as a matrix [rows, last dimension] (1 for a scalar). */
    public static int rowsOf(Tensor x) {
        return x.rank() == 0 ? 1 : (int) (x.size() / x.dim(-1));
    }

    /** Throws unless x holds exactly one element (a loss or a counter). */
    public static void scalar(Tensor x, String op) {
        require(x.size() == 1, op + " needs a tensor of one element", x);
    }

    /** The checks of {@link DenseKernels#matmul}: 2-D operands whose inner dimensions agree with c. */
    public static void matmul(Tensor a, boolean ta, Tensor b, boolean tb, Tensor c) {
        require(a.rank() == 2 && b.rank() == 2 && c.rank() == 2, "matmul needs 2-D tensors", a, b, c);
        int m = ta ? a.dim(1) : a.dim(0);
        int k = ta ? a.dim(0) : a.dim(1);
        int k2 = tb ? b.dim(1) : b.dim(0);
        int n = tb ? b.dim(0) : b.dim(1);
        require(k == k2 && c.dim(0) == m && c.dim(1) == n, "matmul", a, b, c);
    }

    /** The checks of {@link LossKernels#binaryCrossEntropy}. */
    public static void binaryCrossEntropy(Tensor logits, Tensor labels, Tensor dLogits, Tensor loss) {
        sameSize(logits, labels, "binaryCrossEntropy");
        sameSize(logits, dLogits, "binaryCrossEntropy");
        scalar(loss, "binaryCrossEntropy");
    }

    /** The checks of {@link LossKernels#auxiliaryLoss}. */
    public static void auxiliaryLoss(Tensor click, Tensor noClick, Tensor mask, Tensor dClick, Tensor dNoClick,
                                     Tensor loss) {
        sameSize(click, noClick, "auxiliaryLoss");
        sameSize(click, mask, "auxiliaryLoss");
        sameSize(click, dClick, "auxiliaryLoss");
        sameSize(click, dNoClick, "auxiliaryLoss");
        scalar(loss, "auxiliaryLoss");
    }

    /** The checks of {@link OptimizerKernels#adamUpdate}. */
    public static void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor step) {
        require(grad.size() == param.size() && m.size() == param.size() && v.size() == param.size(), "adamUpdate",
                param, grad, m, v);
        scalar(step, "adamUpdate (step)");
    }

    /** The checks of {@link OptimizerKernels#adamUpdateRows}. */
    public static void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor count, Tensor step) {
        require(param.rank() == 2 && grad.size() == param.size() && m.size() == param.size()
                && v.size() == param.size(), "adamUpdateRows needs param, grad, m, v [R,E]", param, grad, m, v);
        scalar(count, "adamUpdateRows (count)");
        scalar(step, "adamUpdateRows (step)");
    }

    /**
     * The checks of {@link DenseKernels#broadcastOverTime} and {@link DenseKernels#sumOverTime}: x [B,N], y [B,T,N].
     */
    public static void overTime(Tensor x, Tensor y, String op) {
        require(y.rank() == 3 && x.size() == (long) y.dim(0) * y.dim(2), op + " needs [B,N] and [B,T,N]", x, y);
    }

    /** The checks of {@link DenseKernels#maskedMeanWeights}: mask and weights [B,K]. */
    public static void maskedMeanWeights(Tensor mask, Tensor weights) {
        require(mask.rank() >= 1 && mask.size() == weights.size(), "maskedMeanWeights", mask, weights);
    }

    /** The checks of {@link DenseKernels#dropoutMask}. */
    public static void dropoutMask(Tensor step, double rate) {
        scalar(step, "dropoutMask (step)");
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropoutMask: rate must be in [0, 1), not " + rate);
        }
    }

    /** Row indices for {@link OptimizerKernels#adamUpdateRows}: in [0, bound) and strictly increasing. */
    public static void checkRows(int[] rows, int from, int count, int bound) {
        for (int k = 0; k < count; k++) {
            int r = rows[from + k];
            if (r < 0 || r >= bound) {
                throw new IndexOutOfBoundsException("adamUpdateRows: row " + r + " at " + k + " outside [0, "
                        + bound + ")");
            }
            if (k > 0 && r <= rows[from + k - 1]) {
                throw new IllegalArgumentException("adamUpdateRows: rows must be distinct and increasing; row "
                        + r + " at " + k + " follows " + rows[from + k - 1]);
            }
        }
    }

    /**
     * The checks of {@link InputKernels#sequenceRows}: I32 tables and outputs, histories [B, L], and every asked-for
     * row inside the mapping.
     */
    public static void sequenceRows(SequenceMapping mapping, long firstRow, int rowStride, RowTensors out) {
        SequenceTables t = mapping.tables();
        int b = (int) out.label().size();
        int l = t.maxHistory();
        require(out.label().dtype().floating() && out.uid().size() == b && out.targetItem().size() == b
                && out.targetCategory().size() == b && out.historyItems().size() == (long) b * l
                && out.historyCategories().size() == (long) b * l && out.negativeItems().size() == (long) b * l
                && out.negativeCategories().size() == (long) b * l
                && mapping.rowStart().size() == t.eventStart().size(), "sequenceRows",
                out.label(), out.uid(), out.historyItems(), out.negativeItems(), mapping.rowStart(), t.eventStart());
        if (firstRow < 0 || rowStride < 1 || (b > 0 && firstRow + (long) (b - 1) * rowStride >= mapping.rows())) {
            throw new IllegalArgumentException("sequenceRows: rows " + firstRow + " + i * " + rowStride + " for "
                    + b + " rows fall outside the mapping's " + mapping.rows());
        }
    }
}
