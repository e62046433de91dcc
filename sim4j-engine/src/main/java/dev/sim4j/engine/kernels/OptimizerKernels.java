package dev.sim4j.engine.kernels;

import dev.sim4j.engine.Tensor;

/**
 * Optimizer updates, in place, with their step number on the device: Adam reads its 1-based step from an I32 [1]
 * tensor that {@link #increment} advances once per update, so a replayed step advances it too.
 */
public interface OptimizerKernels {
    /** counter[0] += 1, for an I32 [1] counter. */
    default void increment(Tensor counter) {
        increment(counter, null);
    }

    /**
     * counter[0] += 1 unless {@code apply} (I32 [1], read where the kernel runs; null for always) holds 0: the step
     * counter of an update that dynamic loss scaling may skip ({@link #unscaleGradients}).
     */
    void increment(Tensor counter, Tensor apply);

    /**
     * One Adam step on param, in place, exactly as TensorFlow's {@code ResourceApplyAdam} (what TF2 Keras Adam runs for
     * dense gradients) computes it, with the bias correction folded into the step size:
     * <pre>
     *   param -= lr * weightDecay * param                      (decoupled weight decay, first; weightDecay 0 = off)
     *   lr_t   = lr * sqrt(1 - beta2^t) / (1 - beta1^t)         (t = step[0], in double)
     *   m     += (grad - m) * (1 - beta1)                      (= beta1 m + (1 - beta1) grad)
     *   v     += (grad^2 - v) * (1 - beta2)                    (= beta2 v + (1 - beta2) grad^2)
     *   param -= lr_t * m / (sqrt(v) + epsilon)
     * </pre>
     * param, grad, m, v all of one shape (any); grad is read only. The scalar coefficients (lr_t, 1 - beta1, ...) are
     * computed once in double; elements are independent, so the result does not depend on how work is split.
     *
     * @param step I32 [1]: the 1-based number of this step (the first update reads 1)
     */
    default void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                            double epsilon, double weightDecay, Tensor step) {
        adamUpdate(param, grad, m, v, lr, beta1, beta2, epsilon, weightDecay, step, null);
    }

    /**
     * As above, but only when {@code apply} (I32 [1], read where the kernel runs; null for always) is not 0; else
     * param, m and v are left untouched (a step skipped by dynamic loss scaling).
     */
    void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                    double epsilon, double weightDecay, Tensor step, Tensor apply);

    /**
     * {@link #adamUpdate} applied only to the rows {@code rows[0, count)} (lazy Adam, as tensorflow_addons LazyAdam):
     * param, grad, m, v [R,E]; rows I32 [N], distinct row indices in increasing order, and count I32 [1], both as
     * {@link EmbeddingKernels#uniqueRows} writes them; the count is read on the device (a GPU launches enough threads
     * for N rows and the excess return at once). The listed rows get exactly the update {@link #adamUpdate} would give
     * them, weight decay included; every other row of param, m and v is left untouched. The rounding form is that of
     * {@code ResourceApplyAdam}, so with every row listed the result equals {@link #adamUpdate} bit for bit.
     */
    default void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor rows, Tensor count, double lr,
                                double beta1, double beta2, double epsilon, double weightDecay, Tensor step) {
        adamUpdateRows(param, grad, m, v, rows, count, lr, beta1, beta2, epsilon, weightDecay, step, null);
    }

    /** As above, but only when {@code apply} (I32 [1]; null for always) is not 0. */
    void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor rows, Tensor count, double lr,
                        double beta1, double beta2, double epsilon, double weightDecay, Tensor step, Tensor apply);

    /**
     * Plain SGD, in place: param -= lr * weightDecay * param (decoupled weight decay, first; 0 = off), then
     * param -= lr * grad. param, grad of one shape.
     */
    default void sgdUpdate(Tensor param, Tensor grad, double lr, double weightDecay) {
        sgdUpdate(param, grad, lr, weightDecay, null);
    }

    /** As above, but only when {@code apply} (I32 [1]; null for always) is not 0. */
    void sgdUpdate(Tensor param, Tensor grad, double lr, double weightDecay, Tensor apply);

    /**
     * Dynamic loss scaling, before the update: grad[i] = grad[i] * (1 / scale[0]), in float (scale F32 [1], a power of
     * two, so exact but for results below float's normal range), and finite[0] = 0 when any result is infinite or
     * NaN (finite, I32 [1], is never set to 1 here: one flag gathers every gradient of a step).
     */
    void unscaleGradients(Tensor grad, Tensor scale, Tensor finite);

    /**
     * Dynamic loss scaling, after the update, as Keras' {@code DynamicLossScale}: when finite[0] is not 0,
     * goodSteps[0] += 1 and, once it reaches {@code growthSteps}, scale[0] doubles (when the double is finite) and
     * goodSteps[0] = 0; when finite[0] is 0, scale[0] = max(scale[0] / 2, 1) and goodSteps[0] = 0. Then finite[0] = 1
     * for the next step. scale and goodSteps F32 [1] (the count is an integer below 2^24), finite I32 [1].
     */
    void updateLossScale(Tensor scale, Tensor goodSteps, Tensor finite, int growthSteps);
}
