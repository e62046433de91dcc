// The losses (written into device tensors, ADR 0006) and deterministic sums.
// Each reduction takes two launches: a *_partial kernel over a grid that depends only on n (each thread sums its
// grid-stride elements in order, the block combines its threads in block_sum_d's fixed tree, one double per block),
// then reduce_finish, one block summing those partials in a fixed order. So the result is the same bit for bit on
// every run, with no atomics. Gradients are computed in double as the reference writes them and stored once (as
// float, then in the bfloat16 build rounded to the activation type). Logits, labels, masks and their gradients are
// activations; partials and the loss stay double and float.

// The reference's sigmoid: exp of a non-positive argument only, so neither branch overflows.
__device__ __forceinline__ double sigmoid_d(double v) {
    return v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v));
}

// A gradient times the loss scale (lossScale null: none), in double: the scale is a power of two, so the scaled
// gradient is exact before its one rounding to the stored type (dynamic loss scaling for float16 activations).
__device__ __forceinline__ double loss_scaled(double g, const float* lossScale) {
    return lossScale ? g * (double) lossScale[0] : g;
}

// Binary cross-entropy with logits x and labels y [n]: dx = scale (sigmoid(x) - y) / n (times the loss scale);
// partial[block] = this block's sum of max(x, 0) - x y + log1p(exp(-|x|)).
extern "C" __global__ void bce_partial(const act* x, const act* y, act* dx, i64 n, double scale,
                                       const float* lossScale, double* partial) {
    __shared__ double scratch[32];
    double acc = 0;
    GRID_STRIDE(i, n) {
        double z = ld(x[i]);
        double l = ld(y[i]);
        acc += (z > 0 ? z : 0.0) - z * l + log1p(exp(-fabs(z)));
        dx[i] = st((float) loss_scaled(scale * (sigmoid_d(z) - l) / (double) n, lossScale));
    }
    acc = block_sum_d(acc, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = acc;
}

// DIEN auxiliary loss over click, noClick, mask [n]: pc = s(click) + 1e-6, pn = 1 - (s(noClick) + 1e-6);
// dClick = scale m (-sc (1 - sc) / pc) / n, dNoClick = scale m (sn (1 - sn) / pn) / n; partial[block] = this block's
// sum of m (-log pc - log pn). Both gradients times the loss scale, as above.
extern "C" __global__ void auxiliary_partial(const act* click, const act* noClick, const act* mask,
                                             act* dClick, act* dNoClick, i64 n, double scale,
                                             const float* lossScale, double* partial) {
    __shared__ double scratch[32];
    double acc = 0;
    GRID_STRIDE(i, n) {
        double mk = ld(mask[i]);
        double sc = sigmoid_d(ld(click[i]));
        double sn = sigmoid_d(ld(noClick[i]));
        double pc = sc + 1e-6;
        double pn = 1 - (sn + 1e-6);
        acc += mk * (-log(pc) - log(pn));
        dClick[i] = st((float) loss_scaled(scale * mk * (-sc * (1 - sc) / pc) / (double) n, lossScale));
        dNoClick[i] = st((float) loss_scaled(scale * mk * (sn * (1 - sn) / pn) / (double) n, lossScale));
    }
    acc = block_sum_d(acc, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = acc;
}

// partial[block] = this block's sum of x [n], in the build of x's type (an activation, or any float32 tensor).
extern "C" __global__ void sum_partial(const act* x, i64 n, double* partial) {
    __shared__ double scratch[32];
    double acc = 0;
    GRID_STRIDE(i, n) {
        acc += (double) ld(x[i]);
    }
    acc = block_sum_d(acc, scratch);
    if (threadIdx.x == 0) partial[blockIdx.x] = acc;
}

// out[0] = (accumulate ? out[0] : 0) + weight * (sum of partial[0, count) / divisor), stored once as float. One block:
// thread t sums partials t, t + blockDim.x, ... in order, then the block's fixed tree.
extern "C" __global__ void reduce_finish(const double* partial, int count, float* out, double divisor,
                                         double weight, int accumulate) {
    __shared__ double scratch[32];
    double acc = 0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) acc += partial[i];
    acc = block_sum_d(acc, scratch);
    if (threadIdx.x == 0) {
        double before = accumulate ? (double) out[0] : 0.0;
        out[0] = (float) (before + weight * (acc / divisor));
    }
}
