package dev.sim4j.cuda.backend;

import static dev.sim4j.cuda.backend.CudaBackend.cuda;

import dev.sim4j.cuda.driver.Kernel;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.kernels.OptimizerKernels;
import java.util.Arrays;

/**
 * The optimizer updates, with Adam's step read from the device (ADR 0006). Kernels in {@code kernels/optimizers.cu}.
 *
 * <p>Elements are computed in double in the reference's order of operations (no contracted multiply-adds), so the
 * updates equal the F32 scalar reference's bit for bit, but for the last bit of {@code pow} in Adam's step size.
 * Scalar coefficients are passed as doubles (their bits in a 64-bit argument slot).
 */
public final class CudaOptimizers implements OptimizerKernels {
    private static final String FAMILY = "optimizers";
    /** Set once by the backend right after construction (the families exist before the backend that owns them). */
    private CudaBackend be;

    CudaOptimizers() {
    }

    void bind(CudaBackend backend) {
        this.be = backend;
    }

    /** counter[0] += 1 on the device, for an I32 [1] counter, unless apply (I32 [1] or null) holds 0. */
    @Override
    public void increment(Tensor counter, Tensor apply) {
        CudaTensor c = cuda(counter);
        require(c.dtype() == DType.I32 && c.size() == 1, "increment", counter);
        be.kernels().kernel(FAMILY, "increment").begin().pointer(c.address()).pointer(flag(apply))
                .launch(be.stream(), 1, 32);
    }

    @Override
    public void unscaleGradients(Tensor grad, Tensor scale, Tensor finite) {
        CudaTensor g = cuda(grad);
        CudaTensor s = cuda(scale);
        CudaTensor f = cuda(finite);
        require(g.dtype() == DType.F32 && s.dtype() == DType.F32 && s.size() == 1 && f.dtype() == DType.I32
                && f.size() == 1, "unscaleGradients", grad, scale, finite);
        long n = g.size();
        be.kernels().kernel(FAMILY, "unscale_gradients").begin().pointer(g.address()).i64(n).pointer(s.address())
                .pointer(f.address()).launch(be.stream(), Launches.blocks(n), Launches.THREADS);
    }

    @Override
    public void updateLossScale(Tensor scale, Tensor goodSteps, Tensor finite, int growthSteps) {
        CudaTensor s = cuda(scale);
        CudaTensor good = cuda(goodSteps);
        CudaTensor f = cuda(finite);
        require(s.dtype() == DType.F32 && s.size() == 1 && good.dtype() == DType.F32 && good.size() == 1
                && f.dtype() == DType.I32 && f.size() == 1 && growthSteps > 0, "updateLossScale", scale, goodSteps,
                finite);
        be.kernels().kernel(FAMILY, "update_loss_scale").begin().pointer(s.address()).pointer(good.address())
                .pointer(f.address()).i32(growthSteps).launch(be.stream(), 1, 32);
    }

    /** An update's apply flag: its address (I32 [1]), or 0, the kernels' null (always apply). */
    private static long flag(Tensor apply) {
        if (apply == null) {
            return 0;
        }
        CudaTensor a = cuda(apply);
        require(a.dtype() == DType.I32 && a.size() == 1, "the update's apply flag", apply);
        return a.address();
    }

    /**
     * One Adam step in place (TensorFlow's ResourceApplyAdam, decoupled weight decay first), the 1-based step read
     * from {@code step} (I32 [1]) on the device; param, grad, m, v of one size.
     */
    @Override
    public void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                           double epsilon, double weightDecay, Tensor step, Tensor apply) {
        CudaTensor p = cuda(param);
        CudaTensor g = cuda(grad);
        CudaTensor mm = cuda(m);
        CudaTensor vv = cuda(v);
        CudaTensor s = cuda(step);
        long n = p.size();
        require(g.size() == n && mm.size() == n && vv.size() == n && s.dtype() == DType.I32 && s.size() == 1,
                "adamUpdate", param, grad, m, v, step);
        Kernel k = be.kernels().kernel(FAMILY, "adam_update").begin().pointer(p.address()).pointer(g.address())
                .pointer(mm.address()).pointer(vv.address()).i64(n);
        coefficients(k, lr, beta1, beta2, epsilon, weightDecay).pointer(s.address()).pointer(flag(apply))
                .launch(be.stream(), Launches.blocks(n), Launches.THREADS);
    }

    /**
     * {@link #adamUpdate} on rows rows[0, count) of param, grad, m, v [R,E] (rows I32 [N], distinct; count I32 [1]
     * read on the device): launched for all N rows, those past the count return at once.
     */
    @Override
    public void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor rows, Tensor count, double lr,
                               double beta1, double beta2, double epsilon, double weightDecay, Tensor step,
                               Tensor apply) {
        CudaTensor p = cuda(param);
        CudaTensor g = cuda(grad);
        CudaTensor mm = cuda(m);
        CudaTensor vv = cuda(v);
        CudaTensor r = cuda(rows);
        CudaTensor c = cuda(count);
        CudaTensor s = cuda(step);
        long n = p.size();
        require(p.rank() == 2 && g.size() == n && mm.size() == n && vv.size() == n && r.dtype() == DType.I32
                && c.dtype() == DType.I32 && c.size() == 1 && s.dtype() == DType.I32 && s.size() == 1,
                "adamUpdateRows", param, grad, m, v, rows, count, step);
        int e = p.dim(1);
        int maxRows = Math.toIntExact(r.size());
        Kernel k = be.kernels().kernel(FAMILY, "adam_update_rows").begin().pointer(p.address())
                .pointer(g.address()).pointer(mm.address()).pointer(vv.address()).pointer(r.address()).i32(maxRows)
                .pointer(c.address()).i32(e);
        coefficients(k, lr, beta1, beta2, epsilon, weightDecay).pointer(s.address()).pointer(flag(apply))
                .launch(be.stream(), Launches.blocks((long) maxRows * e), Launches.THREADS);
    }

    /** Plain SGD in place: param -= lr * weightDecay * param (when weightDecay is not 0), then param -= lr * grad. */
    @Override
    public void sgdUpdate(Tensor param, Tensor grad, double lr, double weightDecay, Tensor apply) {
        CudaTensor p = cuda(param);
        CudaTensor g = cuda(grad);
        long n = p.size();
        require(g.size() == n, "sgdUpdate", param, grad);
        be.kernels().kernel(FAMILY, "sgd_update").begin().pointer(p.address()).pointer(g.address()).i64(n)
                .i64(bits(lr)).i32(weightDecay != 0 ? 1 : 0).i64(bits(lr * weightDecay)).pointer(flag(apply))
                .launch(be.stream(), Launches.blocks(n), Launches.THREADS);
    }

    /** Adam's scalar arguments, each computed in double as the reference computes it. */
    private static Kernel coefficients(Kernel k, double lr, double beta1, double beta2, double epsilon,
                                       double weightDecay) {
        return k.i64(bits(lr)).i64(bits(beta1)).i64(bits(beta2)).i64(bits(1 - beta1)).i64(bits(1 - beta2))
                .i64(bits(epsilon)).i32(weightDecay != 0 ? 1 : 0).i64(bits(lr * weightDecay));
    }

    /** A double argument: its bits in the 64-bit slot, read by the kernel as a {@code double} parameter. */
    private static long bits(double x) {
        return Double.doubleToRawLongBits(x);
    }

    private static void require(boolean ok, String what, Tensor... ts) {
        if (!ok) {
            StringBuilder s = new StringBuilder(what).append(": bad shapes");
            for (Tensor t : ts) {
                s.append(' ').append(t.dtype()).append(Arrays.toString(t.shape()));
            }
            throw new IllegalArgumentException(s.toString());
        }
    }
}
