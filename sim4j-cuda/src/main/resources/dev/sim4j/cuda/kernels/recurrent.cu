// The GRU cell and the AUGRU update, forward and backward.
// As the scalar reference: every intermediate in double, each output rounded to float once. Gates of a row of
// [B,3H] lie as the reference lays them: z at [0, H), r at [H, 2H), n at [2H, 3H); the cache has the same layout.

// The reference's sigmoid: exp of a non-positive argument only, so neither branch overflows.
__device__ __forceinline__ double sigmoid_d(double v) {
    return v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v));
}

// Keras GRU cell, reset-after: z = s(gx_z + gh_z), r = s(gx_r + gh_r), n = tanh(gx_n + r gh_n),
// hOut = z hPrev + (1 - z) n; cache = (z, r, n). One thread per (b, j) of [B,H].
extern "C" __global__ void gru_cell(const float* gx, const float* gh, const float* hPrev, float* hOut, float* cache,
                                    i64 B, int H) {
    i64 n = B * H;
    GRID_STRIDE(e, n) {
        i64 b = e / H;
        i64 zi = b * 3 * H + (e - b * H);
        i64 ri = zi + H;
        i64 ni = zi + 2 * H;
        double z = sigmoid_d((double) gx[zi] + (double) gh[zi]);
        double r = sigmoid_d((double) gx[ri] + (double) gh[ri]);
        double c = tanh((double) gx[ni] + r * (double) gh[ni]);
        double hp = hPrev[e];
        hOut[e] = (float) (z * hp + (1 - z) * c);
        cache[zi] = (float) z;
        cache[ri] = (float) r;
        cache[ni] = (float) c;
    }
}

// Backward of gru_cell from the cached gates: dgx, dgh [B,3H] and dhPrev = dh z [B,H], all overwritten. One thread
// per (b, j).
extern "C" __global__ void gru_cell_backward(const float* gh, const float* hPrev, const float* cache, const float* dh,
                                             float* dgx, float* dgh, float* dhPrev, i64 B, int H) {
    i64 n = B * H;
    GRID_STRIDE(e, n) {
        i64 b = e / H;
        i64 zi = b * 3 * H + (e - b * H);
        i64 ri = zi + H;
        i64 ni = zi + 2 * H;
        double z = cache[zi];
        double r = cache[ri];
        double c = cache[ni];
        double hp = hPrev[e];
        double d = dh[e];
        double dz = d * (hp - c) * z * (1 - z);
        double dnPre = d * (1 - z) * (1 - c * c);
        double drPre = dnPre * (double) gh[ni] * r * (1 - r);
        dgx[zi] = (float) dz;
        dgh[zi] = (float) dz;
        dgx[ri] = (float) drPre;
        dgh[ri] = (float) drPre;
        dgx[ni] = (float) dnPre;
        dgh[ni] = (float) (dnPre * r);
        dhPrev[e] = (float) (d * z);
    }
}

// AUGRU state update for u, c, s [B,H] and attention a [B]: code form u' = (1 - a) u, out = u' s + (1 - u') c;
// paper form u' = a u, out = (1 - u') s + u' c. One thread per (b, j).
extern "C" __global__ void augru_update(const float* u, const float* c, const float* s, const float* a, float* out,
                                        i64 B, int H, int paper) {
    i64 n = B * H;
    GRID_STRIDE(e, n) {
        double at = a[e / H];
        double v;
        if (paper) {
            double u2 = at * (double) u[e];
            v = (1 - u2) * (double) s[e] + u2 * (double) c[e];
        } else {
            double u2 = (1 - at) * (double) u[e];
            v = u2 * (double) s[e] + (1 - u2) * (double) c[e];
        }
        out[e] = (float) v;
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
            double d = dOut[k];
            double uv = u[k];
            double sv = s[k];
            double cv = c[k];
            if (paper) {
                double u2 = at * uv;
                double dU2 = d * (cv - sv);
                du[k] = (float) (dU2 * at);
                acc += dU2 * uv;
                dc[k] = (float) (d * u2);
                ds[k] = (float) ((double) ds[k] + d * (1 - u2));
            } else {
                double u2 = (1 - at) * uv;
                double dU2 = d * (sv - cv);
                du[k] = (float) (dU2 * (1 - at));
                acc -= dU2 * uv;
                dc[k] = (float) (d * (1 - u2));
                ds[k] = (float) ((double) ds[k] + d * u2);
            }
        }
        acc = warp_sum_d(acc);
        if (lane == 0) da[b] = (float) acc;
    }
}
