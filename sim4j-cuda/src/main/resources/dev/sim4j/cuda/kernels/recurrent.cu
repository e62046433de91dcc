// The GRU cell and the AUGRU update, forward and backward.
// As the scalar reference: every intermediate in double, each output rounded to float once. Gates of a row of
// [B,3H] lie as the reference lays them: z at [0, H), r at [H, 2H), n at [2H, 3H); the cache has the same layout.

// The reference's sigmoid: exp of a non-positive argument only, so neither branch overflows.
__device__ __forceinline__ double sigmoid_d(double v) {
    return v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v));
}

// The cell at one (b, j), from the gates' input and recurrent pre-activations and the previous state: writes the new
// state and the cached z, r, n (at cache[0], cache[H], cache[2H]). Shared by gru_cell and gru_step, so both round
// alike.
__device__ __forceinline__ void gru_cell_at(float gxz, float gxr, float gxn, float ghz, float ghr, float ghn,
                                            float hPrev, float* hOut, float* cache, int H) {
    double z = sigmoid_d((double) gxz + (double) ghz);
    double r = sigmoid_d((double) gxr + (double) ghr);
    double c = tanh((double) gxn + r * (double) ghn);
    double hp = hPrev;
    *hOut = (float) (z * hp + (1 - z) * c);
    cache[0] = (float) z;
    cache[H] = (float) r;
    cache[2 * H] = (float) c;
}

// Keras GRU cell, reset-after: z = s(gx_z + gh_z), r = s(gx_r + gh_r), n = tanh(gx_n + r gh_n),
// hOut = z hPrev + (1 - z) n; cache = (z, r, n). One thread per (b, j) of [B,H].
extern "C" __global__ void gru_cell(const float* gx, const float* gh, const float* hPrev, float* hOut, float* cache,
                                    i64 B, int H) {
    i64 n = B * H;
    bool small = fits_31_bits(3 * n);
    GRID_STRIDE(e, n) {
        i64 b = row_of(e, H, small);
        i64 zi = b * 3 * H + (e - b * H);
        gru_cell_at(gx[zi], gx[zi + H], gx[zi + 2 * H], gh[zi], gh[zi + H], gh[zi + 2 * H], hPrev[e], hOut + e,
                    cache + zi, H);
    }
}

// The cell's backward at one (b, j) for dh = dL/dhOut (a float, as the separate kernels store it): dgx, dgh at
// [0], [H], [2H] and dhPrev = dh z. Shared by gru_cell_backward and gru_step_backward.
__device__ __forceinline__ void gru_cell_backward_at(float ghn, float hPrev, const float* cache, float dhOut,
                                                     float* dgx, float* dgh, float* dhPrev, int H) {
    double z = cache[0];
    double r = cache[H];
    double c = cache[2 * H];
    double hp = hPrev;
    double d = dhOut;
    double dz = d * (hp - c) * z * (1 - z);
    double dnPre = d * (1 - z) * (1 - c * c);
    double drPre = dnPre * (double) ghn * r * (1 - r);
    dgx[0] = (float) dz;
    dgh[0] = (float) dz;
    dgx[H] = (float) drPre;
    dgh[H] = (float) drPre;
    dgx[2 * H] = (float) dnPre;
    dgh[2 * H] = (float) (dnPre * r);
    *dhPrev = (float) (d * z);
}

// Backward of gru_cell from the cached gates: dgx, dgh [B,3H] and dhPrev = dh z [B,H], all overwritten. One thread
// per (b, j).
extern "C" __global__ void gru_cell_backward(const float* gh, const float* hPrev, const float* cache, const float* dh,
                                             float* dgx, float* dgh, float* dhPrev, i64 B, int H) {
    i64 n = B * H;
    bool small = fits_31_bits(3 * n);
    GRID_STRIDE(e, n) {
        i64 b = row_of(e, H, small);
        i64 zi = b * 3 * H + (e - b * H);
        gru_cell_backward_at(gh[zi + 2 * H], hPrev[e], cache + zi, dh[e], dgx + zi, dgh + zi, dhPrev + e, H);
    }
}

// The AUGRU update at one element (see augru_update); shared with augru_candidate_update.
__device__ __forceinline__ float augru_update_at(float u, float c, float s, float a, int paper) {
    double at = a;
    double v;
    if (paper) {
        double u2 = at * (double) u;
        v = (1 - u2) * (double) s + u2 * (double) c;
    } else {
        double u2 = (1 - at) * (double) u;
        v = u2 * (double) s + (1 - u2) * (double) c;
    }
    return (float) v;
}

// AUGRU state update for u, c, s [B,H] and attention a [B]: code form u' = (1 - a) u, out = u' s + (1 - u') c;
// paper form u' = a u, out = (1 - u') s + u' c. One thread per (b, j).
extern "C" __global__ void augru_update(const float* u, const float* c, const float* s, const float* a, float* out,
                                        i64 B, int H, int paper) {
    i64 n = B * H;
    bool small = fits_31_bits(n);
    GRID_STRIDE(e, n) out[e] = augru_update_at(u[e], c[e], s[e], a[row_of(e, H, small)], paper);
}

// augru_update_backward at one element: du, dc overwritten, ds = dsOld + the update's share, a's share added to acc.
// Shared with augru_candidate_update_backward (which passes dsOld = 0, as the zero-filled ds the composition has).
__device__ __forceinline__ void augru_update_backward_at(double at, float dOut, float u, float s, float c,
                                                         float dsOld, int paper, float* du, float* dc, float* ds,
                                                         double& acc) {
    double d = dOut;
    double uv = u;
    double sv = s;
    double cv = c;
    if (paper) {
        double u2 = at * uv;
        double dU2 = d * (cv - sv);
        *du = (float) (dU2 * at);
        acc += dU2 * uv;
        *dc = (float) (d * u2);
        *ds = (float) ((double) dsOld + d * (1 - u2));
    } else {
        double u2 = (1 - at) * uv;
        double dU2 = d * (sv - cv);
        *du = (float) (dU2 * (1 - at));
        acc -= dU2 * uv;
        *dc = (float) (d * (1 - u2));
        *ds = (float) ((double) dsOld + d * u2);
    }
}

// Backward of augru_update: du, dc overwritten, ds +=, da[b] = the sum over j of a's share (overwritten). One warp
// per row b: lanes take j = lane, lane + 32, ...; their parts of da are combined in the fixed butterfly order.
extern "C" __global__ void augru_update_backward(const float* u, const float* c, const float* s, const float* a,
                                                 const float* dOut, float* du, float* dc, float* ds, float* da,
                                                 i64 B, int H, int paper) {
    int lane = threadIdx.x & 31;
    for (i64 b = ((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5; b < B;
         b += ((i64) gridDim.x * blockDim.x) >> 5) {
        double at = a[b];
        double acc = 0;
        for (int j = lane; j < H; j += 32) {
            i64 k = b * H + j;
            augru_update_backward_at(at, dOut[k], u[k], s[k], c[k], ds[k], paper, du + k, dc + k, ds + k, acc);
        }
        acc = warp_sum_d(acc);
        if (lane == 0) da[b] = (float) acc;
    }
}

// ------------------------------------------------------------------------------------------------- fused steps
// One kernel per step's element-wise work between its products (ADR 0011): each performs the roundings of the
// separate kernels it replaces, in their order, through the same device functions, so the results are theirs bit for
// bit. Shapes: B rows, H units; gate rows [B,3H] (GRU) or [B,2H] (AUGRU, r then u).

// gh += bRec (add_row_vector), then gru_cell. One thread per (b, j).
extern "C" __global__ void gru_step(const float* gx, float* gh, const float* bRec, const float* hPrev, float* hOut,
                                    float* cache, i64 B, int H) {
    i64 n = B * H;
    bool small = fits_31_bits(3 * n);
    GRID_STRIDE(e, n) {
        i64 b = row_of(e, H, small);
        int j = (int) (e - b * H);
        i64 zi = b * 3 * H + j;
        float ghz = __fadd_rn(gh[zi], bRec[j]);
        float ghr = __fadd_rn(gh[zi + H], bRec[j + H]);
        float ghn = __fadd_rn(gh[zi + 2 * H], bRec[j + 2 * H]);
        gh[zi] = ghz;
        gh[zi + H] = ghr;
        gh[zi + 2 * H] = ghn;
        gru_cell_at(gx[zi], gx[zi + H], gx[zi + 2 * H], ghz, ghr, ghn, hPrev[e], hOut + e, cache + zi, H);
    }
}

// dhStep = dh + carry (add), then gru_cell_backward from dhStep. One thread per (b, j).
extern "C" __global__ void gru_step_backward(const float* dh, const float* carry, const float* gh,
                                             const float* hPrev, const float* cache, float* dhStep, float* dgx,
                                             float* dgh, float* dhPrev, i64 B, int H) {
    i64 n = B * H;
    bool small = fits_31_bits(3 * n);
    GRID_STRIDE(e, n) {
        i64 b = row_of(e, H, small);
        i64 zi = b * 3 * H + (e - b * H);
        float d = __fadd_rn(dh[e], carry[e]);
        dhStep[e] = d;
        gru_cell_backward_at(gh[zi + 2 * H], hPrev[e], cache + zi, d, dgx + zi, dgh + zi, dhPrev + e, H);
    }
}

// g = sigmoid(gp) [B,2H], r and u its halves (split_columns), rs = r * s (mul). One thread per (b, j) of [B,H].
extern "C" __global__ void augru_gates(const float* gp, const float* s, float* g, float* r, float* u, float* rs,
                                       i64 B, int H) {
    i64 n = B * H;
    bool small = fits_31_bits(2 * n);
    GRID_STRIDE(e, n) {
        i64 b = row_of(e, H, small);
        i64 ri = b * 2 * H + (e - b * H);
        float rv = sigmoid_of(gp[ri]);
        float uv = sigmoid_of(gp[ri + H]);
        g[ri] = rv;
        g[ri + H] = uv;
        r[e] = rv;
        u[e] = uv;
        rs[e] = __fmul_rn(rv, s[e]);
    }
}

// c = tanh(cp) (tanh_forward), then out = augru_update(u, c, s, a). One thread per (b, j).
extern "C" __global__ void augru_candidate_update(const float* cp, const float* u, const float* s, const float* a,
                                                  float* c, float* out, i64 B, int H, int paper) {
    i64 n = B * H;
    bool small = fits_31_bits(n);
    GRID_STRIDE(e, n) {
        float cv = tanh_of(cp[e]);
        c[e] = cv;
        out[e] = augru_update_at(u[e], cv, s[e], a[row_of(e, H, small)], paper);
    }
}

// dsPrev = 0 then augru_update_backward (du, dc, da overwritten, dsPrev = the update's share), then
// dcp = tanh_backward(c, dc). One warp per row b, as augru_update_backward (da is a sum over the row).
extern "C" __global__ void augru_candidate_update_backward(const float* u, const float* c, const float* s,
                                                           const float* a, const float* ds, float* du, float* dc,
                                                           float* da, float* dcp, float* dsPrev, i64 B, int H,
                                                           int paper) {
    int lane = threadIdx.x & 31;
    for (i64 b = ((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5; b < B;
         b += ((i64) gridDim.x * blockDim.x) >> 5) {
        double at = a[b];
        double acc = 0;
        for (int j = lane; j < H; j += 32) {
            i64 k = b * H + j;
            float cv = c[k];
            augru_update_backward_at(at, ds[k], u[k], s[k], cv, 0.0f, paper, du + k, dc + k, dsPrev + k, acc);
            dcp[k] = tanh_backward_of(cv, dc[k]);
        }
        acc = warp_sum_d(acc);
        if (lane == 0) da[b] = (float) acc;
    }
}

// The gates' backward from drs = dL/d(r s) and du: dr = drs * s and dsFromR = drs * r (mul), dsPrev += dsFromR (axpy
// with alpha 1), dgp = sigmoid_backward(g, [dr | du]) [B,2H] (concat_columns, sigmoid_backward). One thread per
// (b, j) of [B,H].
extern "C" __global__ void augru_gates_backward(const float* drs, const float* s, const float* r, const float* du,
                                                const float* g, float* dgp, float* dsPrev, i64 B, int H) {
    i64 n = B * H;
    bool small = fits_31_bits(2 * n);
    GRID_STRIDE(e, n) {
        i64 b = row_of(e, H, small);
        i64 ri = b * 2 * H + (e - b * H);
        float d = drs[e];
        float dr = __fmul_rn(d, s[e]);
        float dsFromR = __fmul_rn(d, r[e]);
        dsPrev[e] = __double2float_rn(__dadd_rn((double) dsPrev[e], __dmul_rn(1.0, (double) dsFromR)));
        dgp[ri] = sigmoid_backward_of(g[ri], dr);
        dgp[ri + H] = sigmoid_backward_of(g[ri + H], du[e]);
    }
}
