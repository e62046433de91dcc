// Dense algebra, activations, shape ops and the small device-side helpers of ADR 0006 (dropout mask, masked-mean
// weights, broadcast over time).
//
// Rounding: the scalar reference computes every element in double and rounds once to float. Where that is one IEEE
// operation on two floats (a + b, a * b) a float operation gives the same bits; elsewhere (axpy, scale, the activation
// backwards) the kernels compute in double exactly as the reference does. The explicit _rn intrinsics keep NVRTC from
// contracting a multiply and an add into an FMA, which would round differently from the reference.
// Scalars the reference holds in double (alpha, s, beta, rate) arrive as their raw 64-bit patterns (the launcher has
// no double argument) and are reinterpreted with __longlong_as_double.

// ------------------------------------------------------------------------------------------------- element-wise

// Each kernel takes eight elements at a time where its pointers allow (common.cuh: map1, map2, for_each8).

// out = a + b (grid stride); out may alias a or b.
extern "C" __global__ void add(const act* a, const act* b, act* out, i64 n) {
    map2(a, b, out, n, [](float x, float y) { return __fadd_rn(x, y); });
}

// out = a - b.
extern "C" __global__ void subtract(const act* a, const act* b, act* out, i64 n) {
    map2(a, b, out, n, [](float x, float y) { return __fsub_rn(x, y); });
}

// out = a * b.
extern "C" __global__ void mul(const act* a, const act* b, act* out, i64 n) {
    map2(a, b, out, n, [](float x, float y) { return __fmul_rn(x, y); });
}

// y = (float) (y + alpha * x) in double (the reference's rounding).
extern "C" __global__ void axpy(i64 alphaBits, const act* x, act* y, i64 n) {
    double alpha = __longlong_as_double(alphaBits);
    map2(y, x, y, n, [=](float yv, float xv) {
        return __double2float_rn(__dadd_rn((double) yv, __dmul_rn(alpha, (double) xv)));
    });
}

// x = (float) (x * s) in double.
extern "C" __global__ void scale(act* x, i64 n, i64 sBits) {
    double s = __longlong_as_double(sBits);
    map1(x, x, n, [=](float v) { return __double2float_rn(__dmul_rn((double) v, s)); });
}

// out[i] = st(op(ld(x[i]), j)) for x, out [M,N] flattened and j = i's column; eight at a time when N is a multiple of
// eight (so the eight share a row and their columns are j..j+7) and the pointers allow; out may alias x.
template <class Op>
__device__ __forceinline__ void map_columns(const act* x, act* out, i64 total, int n, Op op) {
    bool small = fits_31_bits(total);
    for_each8(total, (n & 7) == 0 && aligned16(x) && aligned16(out),
        [&](i64 i) {
            int j = column_of(i, n, small);
            act8 a = load_vec<act8>(x + i);
            act8 o;
#pragma unroll
            for (int k = 0; k < 8; k++) o.v[k] = st(op(ld(a.v[k]), j + k));
            store_vec(out + i, o);
        },
        [&](i64 i) { out[i] = st(op(ld(x[i]), column_of(i, n, small))); });
}

// x[m, :] += v for x [M,N] flattened, v [N].
extern "C" __global__ void add_row_vector(act* x, const float* v, i64 total, int n) {
    map_columns(x, x, total, n, [=](float a, int j) { return __fadd_rn(a, v[j]); });
}

// out[m, :] = x[m, :] * s[m] for x [M,N] flattened, s [M]; one thread per element.
extern "C" __global__ void mul_rows(const act* x, const act* s, act* out, i64 total, int n) {
    bool small = fits_31_bits(total);
    GRID_STRIDE(i, total) out[i] = st(__fmul_rn(ld(x[i]), ld(s[row_of(i, n, small)])));
}

// y = sigmoid(x); y may alias x.
extern "C" __global__ void sigmoid(const act* x, act* y, i64 n) {
    map1(x, y, n, [](float v) { return sigmoid_of(v); });
}

// y = sigmoid(x + bias[column]) for x, y [M,N] flattened, bias [N]. The sum is rounded to float before the sigmoid,
// as add_row_vector then sigmoid store it, so the two give the same bits; y may alias x.
extern "C" __global__ void add_bias_sigmoid(const act* x, const float* bias, act* y, i64 total, int n) {
    map_columns(x, y, total, n,
                [=](float a, int j) { return sigmoid_of(rnd(__fadd_rn(a, bias[j]))); });
}

// dx = (float) (dy * y * (1 - y)) in double.
extern "C" __global__ void sigmoid_backward(const act* y, const act* dy, act* dx, i64 n) {
    map2(y, dy, dx, n, [](float yv, float d) { return sigmoid_backward_of(yv, d); });
}

// y = tanh(x), computed in double.
extern "C" __global__ void tanh_forward(const act* x, act* y, i64 n) {
    map1(x, y, n, [](float v) { return tanh_of(v); });
}

// dx = (float) (dy * (1 - y^2)) in double.
extern "C" __global__ void tanh_backward(const act* y, const act* dy, act* dx, i64 n) {
    map2(y, dy, dx, n, [](float yv, float d) { return tanh_backward_of(yv, d); });
}

// y = x > 0 ? x : alpha[column] * x for x [M,N] flattened, alpha [N].
extern "C" __global__ void prelu(const act* x, const float* alpha, act* y, i64 total, int n) {
    map_columns(x, y, total, n,
                [=](float v, int j) { return v > 0 ? v : __fmul_rn(alpha[j], v); });
}

// x[m, :] += bias, then y = prelu(x, alpha), for x, y [M,N] flattened, bias and alpha [N]; eight at a time as
// map_columns. x keeps the float sum (the pre-activation preluBackward reads) and prelu takes that stored value, so
// the bits are those of add_row_vector then prelu.
extern "C" __global__ void add_bias_prelu(act* x, const float* bias, const float* alpha, act* y, i64 total,
                                          int n) {
    bool small = fits_31_bits(total);
    // prelu takes the stored pre-activation, as add_row_vector then prelu would (in 16 bits: the rounded sum).
    auto one = [&](act xv, int j, act* stored, act* out) {
        act pre = st(__fadd_rn(ld(xv), bias[j]));
        float v = ld(pre);
        *stored = pre;
        *out = st(v > 0 ? v : __fmul_rn(alpha[j], v));
    };
    for_each8(total, (n & 7) == 0 && aligned16(x) && aligned16(y),
        [&](i64 i) {
            int j = column_of(i, n, small);
            act8 a = load_vec<act8>(x + i);
            act8 pre;
            act8 o;
#pragma unroll
            for (int k = 0; k < 8; k++) one(a.v[k], j + k, &pre.v[k], &o.v[k]);
            store_vec(x + i, pre);
            store_vec(y + i, o);
        },
        [&](i64 i) { one(x[i], column_of(i, n, small), &x[i], &y[i]); });
}

// ------------------------------------------------------------------------------------------------- column sums
// sumRows and the dAlpha of preluBackward reduce over the rows of [M,N]. Rows are cut into chunks of a fixed number R
// (a function of the shape alone); one thread per (chunk, column) sums its chunk in row order, in double, into a
// partial; a second kernel adds the partials of a column in a fixed tree (one block per column). Consecutive threads
// take consecutive columns of one chunk (coalesced for wide N) or, for N = 1, consecutive chunks (so a tall [M, 1]
// still spreads over M / R threads). With a single chunk the first kernel writes the result itself.

// The combination the reference stores: (beta == 0 ? 0 : beta * out) + s, in double, rounded once (beta 0 ignores NaN).
__device__ __forceinline__ float with_beta(double beta, float old, double s) {
    double prev = beta == 0.0 ? 0.0 : __dmul_rn(beta, (double) old);
    return __double2float_rn(__dadd_rn(prev, s));
}

// mode 0 (sumRows): term = x. mode 1 (preluBackward): term = dy * min(x, 0), and dx = dy * (x > 0 ? 1 : alpha) is
// written on the way (each element is visited once). mode 2 (sigmoidBackwardSumRows, x = y the sigmoid's output):
// dx = sigmoid_backward_of(y, dy) is written and term = dx, the float sigmoid_backward stores, so the sums are those
// of sumRows over sigmoid_backward's output bit for bit. parts == nullptr: single chunk, out[j] = with_beta(...).
// One element of column_partials' modes: adds its term to s and returns dx's value (none in mode 0). Shared by the
// one-column and the four-column walks, so both give the same bits.
template <int MODE>
__device__ __forceinline__ float column_term(float v, float g, float a, double& s) {
    if (MODE == 0) {
        s = __dadd_rn(s, (double) v);
        return 0.0f;
    } else if (MODE == 2) {
        float d = rnd(sigmoid_backward_of(v, g));
        s = __dadd_rn(s, (double) d);
        return d;
    } else {
        // v > 0 ? 0 : v is Java's Math.min(v, 0), NaN and -0 included (fmin would drop a NaN).
        s = __dadd_rn(s, __dmul_rn((double) g, v > 0 ? 0.0 : (double) v));
        return v > 0 ? g : __fmul_rn(g, a);
    }
}

// One row's W values of x (and dy) at q, with one aligned access for W = 4 (the caller checks the alignment).
template <int MODE, int W>
__device__ __forceinline__ void column_load(const act* x, const act* dy, i64 q, act* xv, act* gv) {
    if constexpr (W == 4) {
        *reinterpret_cast<act4*>(xv) = load_v<act4>(x + q);
        if (MODE != 0) *reinterpret_cast<act4*>(gv) = load_v<act4>(dy + q);
    } else {
        xv[0] = x[q];
        if (MODE != 0) gv[0] = dy[q];
    }
}

// Adds one row's terms to s[0..W-1] and writes its dx values (modes 1 and 2).
template <int MODE, int W>
__device__ __forceinline__ void column_row(const act* xv, const act* gv, const float* a, act* dx, i64 q, double* s) {
    act o[W];
#pragma unroll
    for (int k = 0; k < W; k++) o[k] = st(column_term<MODE>(ld(xv[k]), MODE != 0 ? ld(gv[k]) : 0.0f, a[k], s[k]));
    if (MODE != 0) {
        if constexpr (W == 4) {
            store_v<act4>(dx + q, *reinterpret_cast<const act4*>(o));
        } else {
            dx[q] = o[0];
        }
    }
}

// Rows r0..r1 of the W consecutive columns j..j+W-1, each summed serially in row order into s[0..W-1]. The rows are
// loaded AHEAD at a time before their terms are added: with one load in flight per thread the walk waited on memory
// for every row (a fifth of the bandwidth). The order of the adds is unchanged, and the early loads are safe when dx
// aliases x or dy: every element is read before it is written, and only by its own thread.
template <int MODE, int W>
__device__ __forceinline__ void column_walk(const act* x, const act* dy, const float* alpha, act* dx, i64 r0, i64 r1,
                                            int n, int j, double* s) {
    constexpr int AHEAD = sizeof(act) == 2 ? 16 : 8;  // as many registers either way
    float a[W];
#pragma unroll
    for (int k = 0; k < W; k++) a[k] = MODE == 1 ? alpha[j + k] : 0.0f;
    i64 r = r0;
    for (; r + AHEAD <= r1; r += AHEAD) {
        act xv[AHEAD][W];
        act gv[AHEAD][W];
#pragma unroll
        for (int u = 0; u < AHEAD; u++) column_load<MODE, W>(x, dy, (r + u) * n + j, xv[u], gv[u]);
#pragma unroll
        for (int u = 0; u < AHEAD; u++) column_row<MODE, W>(xv[u], gv[u], a, dx, (r + u) * n + j, s);
    }
    for (; r < r1; r++) {
        act xv[W];
        act gv[W];
        column_load<MODE, W>(x, dy, r * n + j, xv, gv);
        column_row<MODE, W>(xv, gv, a, dx, r * n + j, s);
    }
}

template <int MODE, int W>
__device__ __forceinline__ void column_partials_of(const act* x, const act* dy, const float* alpha, act* dx, i64 m,
                                                   int n, i64 rowsPerChunk, i64 chunks, double* parts, float* out,
                                                   double beta) {
    int groups = n / W;
    GRID_STRIDE(q, chunks * groups) {
        i64 c = q / groups;
        int j = (int) (q % groups) * W;
        i64 r0 = c * rowsPerChunk;
        i64 r1 = min(m, r0 + rowsPerChunk);
        double s[W];
#pragma unroll
        for (int k = 0; k < W; k++) s[k] = 0.0;
        column_walk<MODE, W>(x, dy, alpha, dx, r0, r1, n, j, s);
#pragma unroll
        for (int k = 0; k < W; k++) {
            if (parts == nullptr) {
                out[j + k] = with_beta(beta, out[j + k], s[k]);
            } else {
                parts[c * n + j + k] = s[k];
            }
        }
    }
}

template <int W>
__device__ __forceinline__ void column_partials_mode(const act* x, const act* dy, const float* alpha, act* dx, int mode,
                                                     i64 m, int n, i64 rowsPerChunk, i64 chunks, double* parts,
                                                     float* out, double beta) {
    if (mode == 0) {
        column_partials_of<0, W>(x, dy, alpha, dx, m, n, rowsPerChunk, chunks, parts, out, beta);
    } else if (mode == 2) {
        column_partials_of<2, W>(x, dy, alpha, dx, m, n, rowsPerChunk, chunks, parts, out, beta);
    } else {
        column_partials_of<1, W>(x, dy, alpha, dx, m, n, rowsPerChunk, chunks, parts, out, beta);
    }
}

// parts[c, j] (or out[j] when there is one chunk) = the serial sum over chunk c's rows of column j. A thread takes four
// adjacent columns where n is a multiple of four and x, dy, dx are aligned for four-wide accesses (a quarter of the
// memory instructions, four independent sums in flight), else one column; the sums are the same either way.
extern "C" __global__ void column_partials(const act* x, const act* dy, const float* alpha, act* dx, int mode,
                                           i64 m, int n, i64 rowsPerChunk, i64 chunks, double* parts, float* out,
                                           i64 betaBits) {
    double beta = __longlong_as_double(betaBits);
    bool four = n % 4 == 0 && aligned_to(x, sizeof(act4)) && aligned_to(dy, sizeof(act4))
            && aligned_to(dx, sizeof(act4));
    if (four) {
        column_partials_mode<4>(x, dy, alpha, dx, mode, m, n, rowsPerChunk, chunks, parts, out, beta);
    } else {
        column_partials_mode<1>(x, dy, alpha, dx, mode, m, n, rowsPerChunk, chunks, parts, out, beta);
    }
}

// out[j] = with_beta(beta, out[j], sum over c of parts[c, j]); one block per column (block stride over columns),
// thread t takes chunks t, t + blockDim, ... in order, then the block's fixed tree.
extern "C" __global__ void column_finish(const double* parts, i64 chunks, int n, float* out, i64 betaBits) {
    __shared__ double scratch[32];
    double beta = __longlong_as_double(betaBits);
    for (int j = blockIdx.x; j < n; j += gridDim.x) {
        double s = 0.0;
        for (i64 c = threadIdx.x; c < chunks; c += blockDim.x) s = __dadd_rn(s, parts[c * n + j]);
        s = block_sum_d(s, scratch);
        if (threadIdx.x == 0) out[j] = with_beta(beta, out[j], s);
    }
}

// ------------------------------------------------------------------------------------------------- row reductions

// out[r] = sum over columns of a[r, :] * b[r, :] in double, for a, b [M,N]: one warp per row (warp stride over rows),
// lane l takes columns l, l + 32, ... in order, then the warp's fixed butterfly.
extern "C" __global__ void row_dot(const act* a, const act* b, act* out, i64 m, int n) {
    int lane = threadIdx.x & 31;
    i64 warp = ((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    i64 warps = ((i64) gridDim.x * blockDim.x) >> 5;
    for (i64 r = warp; r < m; r += warps) {
        const act* x = a + r * n;
        const act* y = b + r * n;
        double s = 0.0;
        for (int j = lane; j < n; j += 32) s = __dadd_rn(s, __dmul_rn((double) ld(x[j]), (double) ld(y[j])));
        s = warp_sum_d(s);
        if (lane == 0) out[r] = st(__double2float_rn(s));
    }
}

// weights[b, k] = mask[b, k] * (float) (1 / (count_b + 1)), count_b = sum over k of mask[b, k], for [B,K]: one warp per
// row; the count is summed in double (exact for 0/1 masks in any order). weights may alias mask: each lane reads and
// writes only its own elements, and all reads precede the warp's shuffle.
extern "C" __global__ void masked_mean_weights(const act* mask, act* weights, i64 rows, int k) {
    int lane = threadIdx.x & 31;
    i64 warp = ((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5;
    i64 warps = ((i64) gridDim.x * blockDim.x) >> 5;
    for (i64 r = warp; r < rows; r += warps) {
        const act* in = mask + r * k;
        double count = 0.0;
        for (int j = lane; j < k; j += 32) count = __dadd_rn(count, (double) ld(in[j]));
        count = warp_sum_d(count);
        float w = __double2float_rn(1.0 / __dadd_rn(count, 1.0));
        act* o = weights + r * k;
        for (int j = lane; j < k; j += 32) o[j] = st(__fmul_rn(ld(in[j]), w));
    }
}

// ------------------------------------------------------------------------------------------------- layout

// A column block copy: dst[r, dstCol + c] = (or +=) src[r, srcCol + c] for r < rows, c < width, row lengths srcLd and
// dstLd; one thread per element of the block (concatColumns and splitColumns launch it once per part).
// V columns per thread (V = 8 or 4, T = act8 or act4) where every row offset and width is a multiple of V and both
// pointers are aligned for T: the per-element work of copy_columns, V elements per access.
template <class T, int V>
__device__ __forceinline__ void copy_columns_v(const act* src, int srcLd, int srcCol, act* dst, int dstLd, int dstCol,
                                               i64 rows, int width, int accumulate, bool small) {
    int groups = width / V;
    GRID_STRIDE(q, rows * groups) {
        i64 r = row_of(q, groups, small);
        int c = column_of(q, groups, small) * V;
        act* d = dst + r * dstLd + dstCol + c;
        T v = load_v<T>(src + r * srcLd + srcCol + c);
        if (accumulate) {
            T o = load_v<T>(d);
#pragma unroll
            for (int k = 0; k < V; k++) o.v[k] = st(__fadd_rn(ld(o.v[k]), ld(v.v[k])));
            v = o;
        }
        store_v<T>(d, v);
    }
}

extern "C" __global__ void copy_columns(const act* src, int srcLd, int srcCol, act* dst, int dstLd, int dstCol,
                                        i64 rows, int width, int accumulate) {
    bool small = fits_31_bits(rows * width);
    int offsets = srcLd | srcCol | dstLd | dstCol | width;
    if ((offsets & 7) == 0 && aligned16(src) && aligned16(dst)) {
        copy_columns_v<act8, 8>(src, srcLd, srcCol, dst, dstLd, dstCol, rows, width, accumulate, small);
    } else if ((offsets & 3) == 0 && aligned_to(src, sizeof(act4)) && aligned_to(dst, sizeof(act4))) {
        copy_columns_v<act4, 4>(src, srcLd, srcCol, dst, dstLd, dstCol, rows, width, accumulate, small);
    } else {
        GRID_STRIDE(q, rows * width) {
            i64 r = row_of(q, width, small);
            int c = column_of(q, width, small);
            act v = src[r * srcLd + srcCol + c];
            act* d = dst + r * dstLd + dstCol + c;
            *d = accumulate ? st(__fadd_rn(ld(*d), ld(v))) : v;
        }
    }
}

// out[j, i, :] = x[i, j, :] for x [A,B,D], out [B,A,D]; one thread per output element (coalesced writes, reads
// contiguous along D), or per V of them (V = 8 or 4) where D is a multiple of V and the pointers are aligned for it.
template <class T, int V>
__device__ __forceinline__ void transpose01_v(const act* x, act* out, int a, int b, int d, bool small) {
    int groups = d / V;
    GRID_STRIDE(o, (i64) a * b * groups) {
        int k = column_of(o, groups, small) * V;
        i64 rest = row_of(o, groups, small);
        i64 i = column_of(rest, a, small);
        i64 j = row_of(rest, a, small);
        store_v<T>(out + rest * d + k, load_v<T>(x + (i * b + j) * d + k));
    }
}

extern "C" __global__ void transpose01(const act* x, act* out, int a, int b, int d) {
    bool small = fits_31_bits((i64) a * b * d);
    if ((d & 7) == 0 && aligned16(x) && aligned16(out)) {
        transpose01_v<act8, 8>(x, out, a, b, d, small);
    } else if ((d & 3) == 0 && aligned_to(x, sizeof(act4)) && aligned_to(out, sizeof(act4))) {
        transpose01_v<act4, 4>(x, out, a, b, d, small);
    } else {
        GRID_STRIDE(o, (i64) a * b * d) {
            int k = column_of(o, d, small);
            i64 rest = row_of(o, d, small);
            i64 i = column_of(rest, a, small);
            i64 j = row_of(rest, a, small);
            out[o] = x[(i * b + j) * d + k];
        }
    }
}

// out[b, t, :] = x[b, :] for x [B,N], out [B,T,N]; one thread per output element.
extern "C" __global__ void broadcast_over_time(const act* x, act* out, i64 batch, int t, int n) {
    bool small = fits_31_bits(batch * t * n);
    GRID_STRIDE(o, batch * t * n) {
        // t * n <= batch * t * n, so it fits an int on the small path.
        i64 b = small ? (i64) ((unsigned) o / (unsigned) (t * n)) : o / ((i64) t * n);
        int c = column_of(o, n, small);
        out[o] = x[b * n + c];
    }
}

// dX[b, c] += dOut[b, 0, c], then += dOut[b, 1, c], ... in increasing t, in float: the sequence of float adds a Java
// loop does. One thread per (b, c), coalesced across c.
extern "C" __global__ void sum_over_time(const act* dOut, act* dX, i64 batch, int t, int n) {
    bool small = fits_31_bits(batch * n);
    GRID_STRIDE(q, batch * n) {
        i64 b = row_of(q, n, small);
        int c = column_of(q, n, small);
        const act* g = dOut + b * t * n + c;
        float acc = ld(dX[q]);
        for (int s = 0; s < t; s++) acc = __fadd_rn(acc, ld(g[(i64) s * n]));
        dX[q] = st(acc);
    }
}

// ------------------------------------------------------------------------------------------------- dropout

// mask[i] = u_i >= rate ? keep : 0, keep = (float) (1 / (1 - rate)) (computed on the host), where u_i is the counter
// generator of ADR 0006 (dev.sim4j.engine.kernels.CounterRandom, the definition): SplitMix64's finaliser over
// seed ^ (salt*C1 + step*C2 + i), top 53 bits
// scaled by 2^-53. Unsigned arithmetic gives Java's wrapping long products and >>> shifts bit for bit. One thread per
// element; step is read from the device (I32 [1]).
extern "C" __global__ void dropout_mask(i64 seed, i64 salt, const int* step, i64 rateBits, float keep, act* mask,
                                        i64 n) {
    typedef unsigned long long u64;
    double rate = __longlong_as_double(rateBits);
    u64 offset = (u64) salt * 0x9E3779B97F4A7C15ull + (u64) (i64) step[0] * 0xD1B54A32D192ED03ull;
    GRID_STRIDE(i, n) {
        u64 x = (u64) seed ^ (offset + (u64) i);
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
        x = x ^ (x >> 31);
        double u = (double) (x >> 11) * 0x1.0p-53;
        mask[i] = st(u >= rate ? keep : 0.0f);
    }
}

// ------------------------------------------------------------------------------------------------- conversions
// dst = src between float32 and the build's activation type (identity copies in the float32 build), one thread per
// element: float32 to bfloat16 rounds to nearest even, bfloat16 to float32 is exact.
extern "C" __global__ void to_activation(const float* src, act* dst, i64 n) {
    GRID_STRIDE(i, n) dst[i] = st(src[i]);
}

extern "C" __global__ void from_activation(const act* src, float* dst, i64 n) {
    GRID_STRIDE(i, n) dst[i] = ld(src[i]);
}
