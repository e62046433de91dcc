package dev.sim4j.cuda.backend;

import dev.sim4j.cuda.driver.Kernel;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.kernels.LossKernels;
import java.lang.ref.Reference;
import java.util.Arrays;

/**
 * The losses (written into device tensors, ADR 0006) and deterministic sums. Kernels in {@code kernels/losses.cu}.
 * Each reduction is two launches: per-block partial sums in double over a grid fixed by the element count, then one
 * block adding the partials in a fixed order and storing the float result; so a loss is bit-identical from run to run.
 * Under mixed precision the logits, labels, masks and their gradients are activations (F32, BF16 or F16, one type per
 * call), the loss tensor and the loss scale float32; the sums run in double on the same values whichever the
 * activation type.
 */
public final class CudaLosses implements LossKernels {
    /** At most this many partial sums (the finishing block adds them; beyond it threads loop over their elements). */
    private static final int MAX_PARTIALS = 1024;

    /** Set once by the backend right after construction (the families exist before the backend that owns them). */
    private CudaBackend be;

    CudaLosses() {
    }

    void bind(CudaBackend backend) {
        this.be = backend;
    }

    /** Kernel {@code name} of the build for activations of type {@code act}. */
    private Kernel kernel(String name, DType act) {
        return be.kernels().kernel("losses", name, act).begin();
    }

    private static long addr(Tensor t) {
        return CudaBackend.cuda(t).address();
    }

    private static void require(boolean ok, String what, Tensor... ts) {
        if (!ok) {
            StringBuilder b = new StringBuilder(what).append(": shapes");
            for (Tensor t : ts) {
                b.append(' ').append(Arrays.toString(t.shape()));
            }
            throw new IllegalArgumentException(b.toString());
        }
    }

    /** A double kernel argument: the kernel parameter is a {@code double}, 8 bytes like a long. */
    private static Kernel f64(Kernel k, double v) {
        return k.i64(Double.doubleToRawLongBits(v));
    }

    /** Blocks of the partial-sum launch: a function of n only (at least one, so an empty input still writes). */
    private static int partials(long n) {
        return (int) Math.max(1, Math.min(MAX_PARTIALS, (n + Launches.THREADS - 1) / Launches.THREADS));
    }

    /** Room for {@code count} doubles (the pool hands out blocks aligned far beyond 8 bytes, at offset 0). */
    private Tensor partialBuffer(int count) {
        return be.empty(DType.F32, 2 * count);
    }

    /** out[0] = (accumulate ? out[0] : 0) + weight * (sum of the partials / divisor). */
    private void finish(DType act, Tensor partial, int count, Tensor out, double divisor, double weight,
                        boolean accumulate) {
        Kernel k = kernel("reduce_finish", act).pointer(addr(partial)).i32(count).pointer(addr(out));
        f64(f64(k, divisor), weight).i32(accumulate ? 1 : 0).launch(be.stream(), 1, Launches.THREADS);
        // The partials go back to the pool only once both launches are queued (later users queue behind them).
        Reference.reachabilityFence(partial);
    }

    @Override
    public void binaryCrossEntropy(Tensor logits, Tensor labels, Tensor dLogits, double gradScale, Tensor lossScale,
                                   Tensor loss, double lossWeight, boolean accumulate) {
        long n = logits.size();
        require(labels.size() == n && dLogits.size() == n && loss.size() == 1, "binaryCrossEntropy", logits, labels,
                dLogits, loss);
        DType act = Activations.of("binaryCrossEntropy", logits, labels, dLogits);
        Activations.parameters("binaryCrossEntropy", loss);
        int g = partials(n);
        Tensor partial = partialBuffer(g);
        Kernel k = kernel("bce_partial", act).pointer(addr(logits)).pointer(addr(labels)).pointer(addr(dLogits)).i64(n);
        f64(k, gradScale).pointer(scaleAddress(lossScale)).pointer(addr(partial))
                .launch(be.stream(), g, Launches.THREADS);
        finish(act, partial, g, loss, n, lossWeight, accumulate);
    }

    @Override
    public void auxiliaryLoss(Tensor click, Tensor noClick, Tensor mask, Tensor dClick, Tensor dNoClick,
                              double gradScale, Tensor lossScale, Tensor loss, double lossWeight,
                              boolean accumulate) {
        long n = click.size();
        require(noClick.size() == n && mask.size() == n && dClick.size() == n && dNoClick.size() == n
                && loss.size() == 1, "auxiliaryLoss", click, noClick, mask, dClick, dNoClick, loss);
        DType act = Activations.of("auxiliaryLoss", click, noClick, mask, dClick, dNoClick);
        Activations.parameters("auxiliaryLoss", loss);
        int g = partials(n);
        Tensor partial = partialBuffer(g);
        Kernel k = kernel("auxiliary_partial", act).pointer(addr(click)).pointer(addr(noClick)).pointer(addr(mask))
                .pointer(addr(dClick)).pointer(addr(dNoClick)).i64(n);
        f64(k, gradScale).pointer(scaleAddress(lossScale)).pointer(addr(partial))
                .launch(be.stream(), g, Launches.THREADS);
        finish(act, partial, g, loss, n, lossWeight, accumulate);
    }

    /** The loss scale's address (F32 [1]), 0 (the kernels' null: no scale) for none. */
    private static long scaleAddress(Tensor lossScale) {
        if (lossScale == null) {
            return 0;
        }
        require(lossScale.size() == 1, "the loss scale", lossScale);
        Activations.parameters("the loss scale", lossScale);
        return addr(lossScale);
    }

    /** out[0] = the sum of x, of either float type (an activation or a float32 tensor); out float32. */
    public void sum(Tensor x, Tensor out) {
        long n = x.size();
        require(out.size() == 1, "sum into a tensor of one element", x, out);
        DType act = Activations.of("sum", x);
        Activations.parameters("sum", out);
        int g = partials(n);
        Tensor partial = partialBuffer(g);
        kernel("sum_partial", act).pointer(addr(x)).i64(n).pointer(addr(partial))
                .launch(be.stream(), g, Launches.THREADS);
        finish(act, partial, g, out, 1, 1, false);
    }
}
