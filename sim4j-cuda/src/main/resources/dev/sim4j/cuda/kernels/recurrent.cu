// The GRU cell and the AUGRU update, forward and backward.
// As the scalar reference: every intermediate in real, each output rounded to float once. Gates of a row of
// [B,3H] lie as the reference lays them: z at [0, H), r at [H, 2H), n at [2H, 3H); the cache has the same layout.

// The reference's sigmoid: exp of a non-positive argument only, so neither branch overflows.
__device__ __forceinline__ real sigmoid_d(real v) {
    return v >= 0 ? 1 / (1 + exp(-v)) : exp(v) / (1 + exp(v));
}

// The cell at one (b, j), from the gates' input and recurrent pre-activations and the previous state: the new state
// h and the gates z, r, n the cache keeps. Shared by gru_cell and gru_step, so both round alike; the kernels store the
// results (in bfloat16 rounded once more, from these floats).
__device__ __forceinline__ void gru_cell_at(float gxz, float gxr, float gxn, float ghz, float ghr, float ghn,
                                            float hPrev, float& h, float& zOut, float& rOut, float& nOut) {
    real z = sigmoid_d((real) gxz + (real) ghz);
    real r = sigmoid_d((real) gxr + (real) ghr);
    real c = tanh((real) gxn + r * (real) ghn);
    real hp = hPrev;
    h = (float) (z * hp + (1 - z) * c);
    zOut = (float) z;
    rOut = (float) r;
    nOut = (float) c;
}

// Stores gru_cell_at's results at element e of [B,H] and at zi (the z of the cache row; r and n at + H, + 2H).
__device__ __forceinline__ void gru_cell_store(float h, float z, float r, float n, act* hOut, act* cache, i64 e,
                                               i64 zi, int H) {
    hOut[e] = st(h);
    cache[zi] = st(z);
    cache[zi + H] = st(r);
    cache[zi + 2 * H] = st(n);
}

// Keras GRU cell, reset-after: z = s(gx_z + gh_z), r = s(gx_r + gh_r), n = tanh(gx_n + r gh_n),
// hOut = z hPrev + (1 - z) n; cache = (z, r, n). One thread per (b, j) of [B,H].
extern "C" __global__ void gru_cell(const act* gx, const act* gh, const act* hPrev, act* hOut, act* cache, i64 B,
                                    int H) {
    i64 n = B * H;
    bool small = fits_31_bits(3 * n);
    GRID_STRIDE(e, n) {
        i64 b = row_of(e, H, small);
        i64 zi = b * 3 * H + (e - b * H);
        float h, z, r, c;
        gru_cell_at(ld(gx[zi]), ld(gx[zi + H]), ld(gx[zi + 2 * H]), ld(gh[zi]), ld(gh[zi + H]), ld(gh[zi + 2 * H]),
                    ld(hPrev[e]), h, z, r, c);
        gru_cell_store(h, z, r, c, hOut, cache, e, zi, H);
    }
}

// The cell's backward at one (b, j) for dh = dL/dhOut and the cached z, r, n: dgx[0..2], dgh[0..2] (z, r, n parts)
// and dhPrev = dh z. Shared by gru_cell_backward and gru_step_backward.
__device__ __forceinline__ void gru_cell_backward_at(float ghn, float hPrev, float zc, float rc, float nc,
                                                     float dhOut, float* dgx, float* dgh, float& dhPrev) {
    real z = zc;
    real r = rc;
    real c = nc;
    real hp = hPrev;
    real d = dhOut;
    real dz = d * (hp - c) * z * (1 - z);
    real dnPre = d * (1 - z) * (1 - c * c);
    real drPre = dnPre * (real) ghn * r * (1 - r);
    dgx[0] = (float) dz;
    dgh[0] = (float) dz;
    dgx[1] = (float) drPre;
    dgh[1] = (float) drPre;
    dgx[2] = (float) dnPre;
    dgh[2] = (float) (dnPre * r);
    dhPrev = (float) (d * z);
}

// gru_cell_backward_at from the stored inputs at (e, zi) (as gru_cell_store lays them), its results stored.
__device__ __forceinline__ void gru_cell_backward_store(const act* gh, const act* hPrev, const act* cache,
                                                        float dhOut, act* dgx, act* dgh, act* dhPrev, i64 e, i64 zi,
                                                        int H) {
    float gx3[3], gh3[3], dhp;
    gru_cell_backward_at(ld(gh[zi + 2 * H]), ld(hPrev[e]), ld(cache[zi]), ld(cache[zi + H]), ld(cache[zi + 2 * H]),
                         dhOut, gx3, gh3, dhp);
    for (int k = 0; k < 3; k++) {
        dgx[zi + k * H] = st(gx3[k]);
        dgh[zi + k * H] = st(gh3[k]);
    }
    dhPrev[e] = st(dhp);
}

// Backward of gru_cell from the cached gates: dgx, dgh [B,3H] and dhPrev = dh z [B,H], all overwritten. One thread
// per (b, j).
extern "C" __global__ void gru_cell_backward(const act* gh, const act* hPrev, const act* cache, const act* dh,
                                             act* dgx, act* dgh, act* dhPrev, i64 B, int H) {
    i64 n = B * H;
    bool small = fits_31_bits(3 * n);
    GRID_STRIDE(e, n) {
        i64 b = row_of(e, H, small);
        i64 zi = b * 3 * H + (e - b * H);
        gru_cell_backward_store(gh, hPrev, cache, ld(dh[e]), dgx, dgh, dhPrev, e, zi, H);
    }
}

// The AUGRU update at one element (see augru_update); shared with augru_candidate_update.
__device__ __forceinline__ float augru_update_at(float u, float c, float s, float a, int paper) {
    real at = a;
    real v;
    if (paper) {
        real u2 = at * (real) u;
        v = (1 - u2) * (real) s + u2 * (real) c;
    } else {
        real u2 = (1 - at) * (real) u;
        v = u2 * (real) s + (1 - u2) * (real) c;
    }
    return (float) v;
}

// AUGRU state update for u, c, s [B,H] and attention a [B]: code form u' = (1 - a) u, out = u' s + (1 - u') c;
// paper form u' = a u, out = (1 - u') s + u' c. One thread per (b, j).
extern "C" __global__ void augru_update(const act* u, const act* c, const act* s, const act* a, act* out, i64 B,
                                        int H, int paper) {
    i64 n = B * H;
    bool small = fits_31_bits(n);
    GRID_STRIDE(e, n) out[e] = st(augru_update_at(ld(u[e]), ld(c[e]), ld(s[e]), ld(a[row_of(e, H, small)]), paper));
}

// augru_update_backward at one element: du, dc, and ds = dsOld + the update's share; a's share added to acc.
// Shared with augru_candidate_update_backward (which passes dsOld = 0, as the zero-filled ds the composition has).
__device__ __forceinline__ void augru_update_backward_at(real at, float dOut, float u, float s, float c,
                                                         float dsOld, int paper, float& du, float& dc, float& ds,
                                                         double& acc) {
    real d = dOut;
    real uv = u;
    real sv = s;
    real cv = c;
    if (paper) {
        real u2 = at * uv;
        real dU2 = d * (cv - sv);
        du = (float) (dU2 * at);
        acc += dU2 * uv;
        dc = (float) (d * u2);
        ds = (float) ((real) dsOld + d * (1 - u2));
    } else {
        real u2 = (1 - at) * uv;
        real dU2 = d * (sv - cv);
        du = (float) (dU2 * (1 - at));
        acc -= dU2 * uv;
        dc = (float) (d * (1 - u2));
        ds = (float) ((real) dsOld + d * u2);
    }
}

// Backward of augru_update: du, dc overwritten, ds +=, da[b] = the sum over j of a's share (overwritten). One warp
// per row b: lanes take j = lane, lane + 32, ...; their parts of da are combined in the fixed butterfly order.
extern "C" __global__ void augru_update_backward(const act* u, const act* c, const act* s, const act* a,
                                                 const act* dOut, act* du, act* dc, act* ds, act* da, i64 B, int H,
                                                 int paper) {
    int lane = threadIdx.x & 31;
    for (i64 b = ((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5; b < B;
         b += ((i64) gridDim.x * blockDim.x) >> 5) {
        real at = ld(a[b]);
        double acc = 0;
        for (int j = lane; j < H; j += 32) {
            i64 k = b * H + j;
            float duv, dcv, dsv;
            augru_update_backward_at(at, ld(dOut[k]), ld(u[k]), ld(s[k]), ld(c[k]), ld(ds[k]), paper, duv, dcv, dsv,
                                     acc);
            du[k] = st(duv);
            dc[k] = st(dcv);
            ds[k] = st(dsv);
        }
        acc = warp_sum_d(acc);
        if (lane == 0) da[b] = st((float) acc);
    }
}

// ------------------------------------------------------------------------------------------------- fused steps
// One kernel per step's element-wise work between its products (ADR 0011): each performs the roundings of the
// separate kernels it replaces, in their order, through the same device functions, so the results are theirs bit for
// bit. Where the composition stores an activation and a later op reads it back, the fused kernel computes on rnd() of
// it (the stored value; identity in the float32 build). Shapes: B rows, H units; gate rows [B,3H] (GRU) or [B,2H]
// (AUGRU, r then u).

// The fused steps below take eight consecutive units of a row per thread with 16-byte accesses when H is a multiple
// of eight and every pointer is 16-byte aligned (`vec`, launch-wide), the rest one element at a time; both paths run
// the same per-element code, so they give the same bits (the aligned-view tests check it).
__device__ __forceinline__ bool units8(int H) {
    return (H & 7) == 0;
}

// gh += bRec (add_row_vector), then gru_cell. One thread per (b, j), or per eight of them.
extern "C" __global__ void gru_step(const act* gx, act* gh, const float* bRec, const act* hPrev, act* hOut,
                                    act* cache, i64 B, int H) {
    i64 n = B * H;
    bool small = fits_31_bits(3 * n);
    bool vec = units8(H) && aligned16(gx) && aligned16(gh) && aligned16(hPrev)
            && aligned16(hOut) && aligned16(cache);
    for_each8(n, vec,
        [&](i64 e) {
            i64 b = row_of(e, H, small);
            int j = (int) (e - b * H);
            i64 zi = b * 3 * H + j;
            act8 x[3], g[3], c[3], hp, ho;
#pragma unroll
            for (int p = 0; p < 3; p++) {
                x[p] = load_vec<act8>(gx + zi + p * H);
                g[p] = load_vec<act8>(gh + zi + p * H);
            }
            hp = load_vec<act8>(hPrev + e);
#pragma unroll
            for (int k = 0; k < 8; k++) {
                float ghz = rnd(__fadd_rn(ld(g[0].v[k]), bRec[j + k]));
                float ghr = rnd(__fadd_rn(ld(g[1].v[k]), bRec[j + k + H]));
                float ghn = rnd(__fadd_rn(ld(g[2].v[k]), bRec[j + k + 2 * H]));
                g[0].v[k] = st(ghz);
                g[1].v[k] = st(ghr);
                g[2].v[k] = st(ghn);
                float h, z, r, cc;
                gru_cell_at(ld(x[0].v[k]), ld(x[1].v[k]), ld(x[2].v[k]), ghz, ghr, ghn, ld(hp.v[k]), h, z, r, cc);
                ho.v[k] = st(h);
                c[0].v[k] = st(z);
                c[1].v[k] = st(r);
                c[2].v[k] = st(cc);
            }
#pragma unroll
            for (int p = 0; p < 3; p++) {
                store_vec(gh + zi + p * H, g[p]);
                store_vec(cache + zi + p * H, c[p]);
            }
            store_vec(hOut + e, ho);
        },
        [&](i64 e) {
            i64 b = row_of(e, H, small);
            int j = (int) (e - b * H);
            i64 zi = b * 3 * H + j;
            float ghz = rnd(__fadd_rn(ld(gh[zi]), bRec[j]));
            float ghr = rnd(__fadd_rn(ld(gh[zi + H]), bRec[j + H]));
            float ghn = rnd(__fadd_rn(ld(gh[zi + 2 * H]), bRec[j + 2 * H]));
            gh[zi] = st(ghz);
            gh[zi + H] = st(ghr);
            gh[zi + 2 * H] = st(ghn);
            float h, z, r, c;
            gru_cell_at(ld(gx[zi]), ld(gx[zi + H]), ld(gx[zi + 2 * H]), ghz, ghr, ghn, ld(hPrev[e]), h, z, r, c);
            gru_cell_store(h, z, r, c, hOut, cache, e, zi, H);
        });
}

// dhStep = dh + carry (add), then gru_cell_backward from dhStep. One thread per (b, j), or per eight of them.
extern "C" __global__ void gru_step_backward(const act* dh, const act* carry, const act* gh, const act* hPrev,
                                             const act* cache, act* dhStep, act* dgx, act* dgh, act* dhPrev, i64 B,
                                             int H) {
    i64 n = B * H;
    bool small = fits_31_bits(3 * n);
    bool vec = units8(H) && aligned16(dh) && aligned16(carry) && aligned16(gh) && aligned16(hPrev)
            && aligned16(cache) && aligned16(dhStep) && aligned16(dgx) && aligned16(dgh) && aligned16(dhPrev);
    for_each8(n, vec,
        [&](i64 e) {
            i64 b = row_of(e, H, small);
            i64 zi = b * 3 * H + (e - b * H);
            act8 d8 = load_vec<act8>(dh + e);
            act8 c8 = load_vec<act8>(carry + e);
            act8 ghn = load_vec<act8>(gh + zi + 2 * H);
            act8 hp = load_vec<act8>(hPrev + e);
            act8 ca[3], ox[3], oh[3], ds, dp;
#pragma unroll
            for (int p = 0; p < 3; p++) ca[p] = load_vec<act8>(cache + zi + p * H);
#pragma unroll
            for (int k = 0; k < 8; k++) {
                float d = rnd(__fadd_rn(ld(d8.v[k]), ld(c8.v[k])));
                ds.v[k] = st(d);
                float gx3[3], gh3[3], dhp;
                gru_cell_backward_at(ld(ghn.v[k]), ld(hp.v[k]), ld(ca[0].v[k]), ld(ca[1].v[k]), ld(ca[2].v[k]), d,
                                     gx3, gh3, dhp);
#pragma unroll
                for (int p = 0; p < 3; p++) {
                    ox[p].v[k] = st(gx3[p]);
                    oh[p].v[k] = st(gh3[p]);
                }
                dp.v[k] = st(dhp);
            }
            store_vec(dhStep + e, ds);
#pragma unroll
            for (int p = 0; p < 3; p++) {
                store_vec(dgx + zi + p * H, ox[p]);
                store_vec(dgh + zi + p * H, oh[p]);
            }
            store_vec(dhPrev + e, dp);
        },
        [&](i64 e) {
            i64 b = row_of(e, H, small);
            i64 zi = b * 3 * H + (e - b * H);
            float d = rnd(__fadd_rn(ld(dh[e]), ld(carry[e])));
            dhStep[e] = st(d);
            gru_cell_backward_store(gh, hPrev, cache, d, dgx, dgh, dhPrev, e, zi, H);
        });
}

// g = sigmoid(gp) [B,2H], r and u its halves (split_columns), rs = r * s (mul). One thread per (b, j), or per eight.
extern "C" __global__ void augru_gates(const act* gp, const act* s, act* g, act* r, act* u, act* rs, i64 B, int H) {
    i64 n = B * H;
    bool small = fits_31_bits(2 * n);
    bool vec = units8(H) && aligned16(gp) && aligned16(s) && aligned16(g) && aligned16(r) && aligned16(u)
            && aligned16(rs);
    for_each8(n, vec,
        [&](i64 e) {
            i64 b = row_of(e, H, small);
            i64 ri = b * 2 * H + (e - b * H);
            act8 pr = load_vec<act8>(gp + ri);
            act8 pu = load_vec<act8>(gp + ri + H);
            act8 s8 = load_vec<act8>(s + e);
            act8 r8, u8, rs8;
#pragma unroll
            for (int k = 0; k < 8; k++) {
                float rv = rnd(sigmoid_of(ld(pr.v[k])));
                float uv = rnd(sigmoid_of(ld(pu.v[k])));
                r8.v[k] = st(rv);
                u8.v[k] = st(uv);
                rs8.v[k] = st(__fmul_rn(rv, ld(s8.v[k])));
            }
            store_vec(g + ri, r8);
            store_vec(g + ri + H, u8);
            store_vec(r + e, r8);
            store_vec(u + e, u8);
            store_vec(rs + e, rs8);
        },
        [&](i64 e) {
            i64 b = row_of(e, H, small);
            i64 ri = b * 2 * H + (e - b * H);
            float rv = rnd(sigmoid_of(ld(gp[ri])));
            float uv = rnd(sigmoid_of(ld(gp[ri + H])));
            g[ri] = st(rv);
            g[ri + H] = st(uv);
            r[e] = st(rv);
            u[e] = st(uv);
            rs[e] = st(__fmul_rn(rv, ld(s[e])));
        });
}

// c = tanh(cp) (tanh_forward), then out = augru_update(u, c, s, a). One thread per (b, j), or per eight of them.
extern "C" __global__ void augru_candidate_update(const act* cp, const act* u, const act* s, const act* a, act* c,
                                                  act* out, i64 B, int H, int paper) {
    i64 n = B * H;
    bool small = fits_31_bits(n);
    bool vec = units8(H) && aligned16(cp) && aligned16(u) && aligned16(s) && aligned16(c) && aligned16(out);
    for_each8(n, vec,
        [&](i64 e) {
            float av = ld(a[row_of(e, H, small)]);
            act8 p8 = load_vec<act8>(cp + e);
            act8 u8 = load_vec<act8>(u + e);
            act8 s8 = load_vec<act8>(s + e);
            act8 c8, o8;
#pragma unroll
            for (int k = 0; k < 8; k++) {
                float cv = rnd(tanh_of(ld(p8.v[k])));
                c8.v[k] = st(cv);
                o8.v[k] = st(augru_update_at(ld(u8.v[k]), cv, ld(s8.v[k]), av, paper));
            }
            store_vec(c + e, c8);
            store_vec(out + e, o8);
        },
        [&](i64 e) {
            float cv = rnd(tanh_of(ld(cp[e])));
            c[e] = st(cv);
            out[e] = st(augru_update_at(ld(u[e]), cv, ld(s[e]), ld(a[row_of(e, H, small)]), paper));
        });
}

// dsPrev = 0 then augru_update_backward (du, dc, da overwritten, dsPrev = the update's share), then
// dcp = tanh_backward(c, dc). One warp per row b, as augru_update_backward (da is a sum over the row).
extern "C" __global__ void augru_candidate_update_backward(const act* u, const act* c, const act* s, const act* a,
                                                           const act* ds, act* du, act* dc, act* da, act* dcp,
                                                           act* dsPrev, i64 B, int H, int paper) {
    int lane = threadIdx.x & 31;
    for (i64 b = ((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5; b < B;
         b += ((i64) gridDim.x * blockDim.x) >> 5) {
        real at = ld(a[b]);
        double acc = 0;
        for (int j = lane; j < H; j += 32) {
            i64 k = b * H + j;
            float cv = ld(c[k]);
            float duv, dcv, dsv;
            augru_update_backward_at(at, ld(ds[k]), ld(u[k]), ld(s[k]), cv, 0.0f, paper, duv, dcv, dsv, acc);
            du[k] = st(duv);
            dc[k] = st(dcv);
            dsPrev[k] = st(dsv);
            // tanh_backward reads the dc the update's backward stored.
            dcp[k] = st(tanh_backward_of(cv, rnd(dcv)));
        }
        acc = warp_sum_d(acc);
        if (lane == 0) da[b] = st((float) acc);
    }
}

// The gates' backward from drs = dL/d(r s) and du: dr = drs * s and dsFromR = drs * r (mul), dsPrev += dsFromR (axpy
// with alpha 1), dgp = sigmoid_backward(g, [dr | du]) [B,2H] (concat_columns, sigmoid_backward). dr and dsFromR are
// the composition's stored temporaries, hence rnd(). One thread per (b, j) of [B,H].
extern "C" __global__ void augru_gates_backward(const act* drs, const act* s, const act* r, const act* du,
                                                const act* g, act* dgp, act* dsPrev, i64 B, int H) {
    i64 n = B * H;
    bool small = fits_31_bits(2 * n);
    bool vec = units8(H) && aligned16(drs) && aligned16(s) && aligned16(r) && aligned16(du) && aligned16(g)
            && aligned16(dgp) && aligned16(dsPrev);
    for_each8(n, vec,
        [&](i64 e) {
            i64 b = row_of(e, H, small);
            i64 ri = b * 2 * H + (e - b * H);
            act8 d8 = load_vec<act8>(drs + e);
            act8 s8 = load_vec<act8>(s + e);
            act8 r8 = load_vec<act8>(r + e);
            act8 u8 = load_vec<act8>(du + e);
            act8 gr = load_vec<act8>(g + ri);
            act8 gu = load_vec<act8>(g + ri + H);
            act8 ds = load_vec<act8>(dsPrev + e);
            act8 outR, outU;
#pragma unroll
            for (int k = 0; k < 8; k++) {
                float d = ld(d8.v[k]);
                float dr = rnd(__fmul_rn(d, ld(s8.v[k])));
                float dsFromR = rnd(__fmul_rn(d, ld(r8.v[k])));
                ds.v[k] = st(__double2float_rn(__dadd_rn((double) ld(ds.v[k]), __dmul_rn(1.0, (double) dsFromR))));
                outR.v[k] = st(sigmoid_backward_of(ld(gr.v[k]), dr));
                outU.v[k] = st(sigmoid_backward_of(ld(gu.v[k]), ld(u8.v[k])));
            }
            store_vec(dsPrev + e, ds);
            store_vec(dgp + ri, outR);
            store_vec(dgp + ri + H, outU);
        },
        [&](i64 e) {
            i64 b = row_of(e, H, small);
            i64 ri = b * 2 * H + (e - b * H);
            float d = ld(drs[e]);
            float dr = rnd(__fmul_rn(d, ld(s[e])));
            float dsFromR = rnd(__fmul_rn(d, ld(r[e])));
            dsPrev[e] = st(__double2float_rn(__dadd_rn((double) ld(dsPrev[e]), __dmul_rn(1.0, (double) dsFromR))));
            dgp[ri] = st(sigmoid_backward_of(ld(g[ri]), dr));
            dgp[ri + H] = st(sigmoid_backward_of(ld(g[ri + H]), ld(du[e])));
        });
}
