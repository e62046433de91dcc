// The optimizer updates, with Adam's step read from the device (ADR 0006).
//
// Every element is computed in double with the reference's operations in the reference's order (ScalarBackend works
// in double and rounds to float only where it stores), written with the _rn intrinsics so that no multiply-add is
// contracted into an fma: the results are the F32 reference's bit for bit, except where pow() (in lr_t) differs from
// Java's Math.pow in the last bit of a double.

// Every update takes `apply` (I32 [1], may be null): when it holds 0 the update does nothing, so a step that dynamic
// loss scaling finds non-finite is skipped on the device, inside a recorded step too.
__device__ __forceinline__ bool skipped(const int* apply) {
    return apply != nullptr && *apply == 0;
}

// counter[0] += 1 (an I32 [1] step counter); one thread.
extern "C" __global__ void increment(int* counter, const int* apply) {
    if (blockIdx.x == 0 && threadIdx.x == 0 && !skipped(apply)) counter[0] += 1;
}

// lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) for the 1-based step t, in double.
__device__ __forceinline__ double adam_step_size(double lr, double beta1, double beta2, int t) {
    double num = __dmul_rn(lr, __dsqrt_rn(__dsub_rn(1.0, pow(beta2, (double) t))));
    return __ddiv_rn(num, __dsub_rn(1.0, pow(beta1, (double) t)));
}

// One Adam element k (ResourceApplyAdam's form, decoupled weight decay first): the moments stored in float feed the
// step, as in TensorFlow and the reference.
__device__ __forceinline__ void adam_element(float* p, const float* g, float* m, float* v, i64 k, double lrT,
                                             double oneMinusBeta1, double oneMinusBeta2, double epsilon, int decay,
                                             double lrDecay) {
    double x = (double) p[k];
    if (decay) x = __dsub_rn(x, __dmul_rn(lrDecay, x));
    double gk = (double) g[k];
    double m0 = (double) m[k];
    double v0 = (double) v[k];
    float mk = __double2float_rn(__dadd_rn(m0, __dmul_rn(__dsub_rn(gk, m0), oneMinusBeta1)));
    float vk = __double2float_rn(__dadd_rn(v0, __dmul_rn(__dsub_rn(__dmul_rn(gk, gk), v0), oneMinusBeta2)));
    m[k] = mk;
    v[k] = vk;
    double step = __ddiv_rn(__dmul_rn(lrT, (double) mk), __dadd_rn(__dsqrt_rn((double) vk), epsilon));
    p[k] = __double2float_rn(__dsub_rn(x, step));
}

// Adam over all n elements of param, grad, m, v; step (I32 [1]) read on the device, lr_t computed once per block.
// One thread per element (grid-stride).
extern "C" __global__ void adam_update(float* __restrict__ p, const float* __restrict__ g, float* __restrict__ m,
                                       float* __restrict__ v, i64 n, double lr, double beta1, double beta2,
                                       double oneMinusBeta1, double oneMinusBeta2, double epsilon, int decay,
                                       double lrDecay, const int* __restrict__ step, const int* apply) {
    if (skipped(apply)) return;
    __shared__ double lrT;
    if (threadIdx.x == 0) lrT = adam_step_size(lr, beta1, beta2, *step);
    __syncthreads();
    GRID_STRIDE(k, n) adam_element(p, g, m, v, k, lrT, oneMinusBeta1, oneMinusBeta2, epsilon, decay, lrDecay);
}

// Adam on rows rows[0, *count) of param, grad, m, v [R, e]; launched for the largest count (rows [maxRows]), element
// (r, j) by one thread (grid-stride over min(*count, maxRows) * e), threads past the count do nothing.
extern "C" __global__ void adam_update_rows(float* __restrict__ p, const float* __restrict__ g,
                                            float* __restrict__ m, float* __restrict__ v,
                                            const int* __restrict__ rows, int maxRows, const int* __restrict__ count,
                                            int e, double lr, double beta1, double beta2, double oneMinusBeta1,
                                            double oneMinusBeta2, double epsilon, int decay, double lrDecay,
                                            const int* __restrict__ step, const int* apply) {
    if (skipped(apply)) return;
    __shared__ double lrT;
    if (threadIdx.x == 0) lrT = adam_step_size(lr, beta1, beta2, *step);
    __syncthreads();
    i64 live = (i64) min(max(*count, 0), maxRows) * e;
    GRID_STRIDE(k, live) {
        i64 r = k / e;
        int j = (int) (k - r * e);
        adam_element(p, g, m, v, (i64) rows[r] * e + j, lrT, oneMinusBeta1, oneMinusBeta2, epsilon, decay, lrDecay);
    }
}

// Plain SGD: p -= lr * weightDecay * p (when decay), then p -= lr * g, in double; one thread per element.
extern "C" __global__ void sgd_update(float* __restrict__ p, const float* __restrict__ g, i64 n, double lr,
                                      int decay, double lrDecay, const int* apply) {
    if (skipped(apply)) return;
    GRID_STRIDE(k, n) {
        double x = (double) p[k];
        if (decay) x = __dsub_rn(x, __dmul_rn(lrDecay, x));
        p[k] = __double2float_rn(__dsub_rn(x, __dmul_rn(lr, (double) g[k])));
    }
}

// Dynamic loss scaling, before the update: g[k] *= 1 / scale[0] in float (exact for a power of two but below float's
// normal range), finite[0] = 0 when any result is infinite or NaN. Each block votes once; every writer stores the
// same 0, so the flag does not depend on the order of the blocks.
extern "C" __global__ void unscale_gradients(float* __restrict__ g, i64 n, const float* __restrict__ scale,
                                             int* finite) {
    float reciprocal = __fdiv_rn(1.0f, scale[0]);
    int bad = 0;
    GRID_STRIDE(k, n) {
        float x = __fmul_rn(g[k], reciprocal);
        g[k] = x;
        bad |= !isfinite(x);
    }
    if (__syncthreads_or(bad) && threadIdx.x == 0) finite[0] = 0;
}

// Dynamic loss scaling, after the update, as Keras' DynamicLossScale: a finite step counts towards growth (the scale
// doubles after `growth` in a row, when the double is finite), a non-finite one halves the scale (not below 1) and
// restarts the count; then the flag is set for the next step. One thread.
extern "C" __global__ void update_loss_scale(float* scale, float* goodSteps, int* finite, int growth) {
    if (blockIdx.x != 0 || threadIdx.x != 0) return;
    if (finite[0]) {
        float count = goodSteps[0] + 1.0f;
        if (count >= (float) growth) {
            float grown = scale[0] * 2.0f;
            if (isfinite(grown)) scale[0] = grown;
            count = 0.0f;
        }
        goodSteps[0] = count;
    } else {
        scale[0] = fmaxf(scale[0] * 0.5f, 1.0f);
        goodSteps[0] = 0.0f;
    }
    finite[0] = 1;
}
