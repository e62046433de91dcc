// Attention and selection: batched dots, weighted sums, masked softmax, top-k, time gathers and the DIEN attention features.
// As the scalar reference: every product and sum in double (`real`: float in the bfloat16 build, common.cuh), each
// output rounded to float once; `+=` outputs read the
// old float, add in double and store once. Sums over T or D run in increasing index order inside one thread, so they
// are deterministic and need no atomics; the fused backward kernels give the reduced output the first index range
// of the grid and the element-wise one the rest, so one launch does both.
// Mixed precision (common.cuh): every float tensor here is an activation or its gradient (`act`), read through ld()
// and written through st(); ids and indices stay int, and the arithmetic between is the float32 build's.

typedef unsigned long long u64;

// Rows of D activations are read eight at a time with 16-byte loads when D is a multiple of eight and the tensors'
// pointers are 16-byte aligned (`vec`, launch-wide); the sums still run in increasing index order, so both paths give
// the same bits (products commute exactly).
__device__ __forceinline__ bool rows8(int D) {
    return (D & 7) == 0;
}

// sum_j a[j] * b[j] over j = 0..D-1 in order, in real.
__device__ __forceinline__ real dot_row(const act* a, const act* b, int D, bool vec) {
    real acc = 0;
    if (vec) {
        for (int j = 0; j < D; j += 8) {
            act8 x = load_vec<act8>(a + j);
            act8 y = load_vec<act8>(b + j);
#pragma unroll
            for (int k = 0; k < 8; k++) acc += (real) ld(x.v[k]) * (real) ld(y.v[k]);
        }
    } else {
        for (int j = 0; j < D; j++) acc += (real) ld(a[j]) * (real) ld(b[j]);
    }
    return acc;
}

// out[b, t, d] += s[b, t] * r[b, d] for s [B,T], r [B,D], out [B,T,D] (n = B T D elements): the element-wise half of
// batched_dot_backward (dk += g q) and weighted_sum_backward (dv += w g); eight elements per thread under `vec`.
__device__ __forceinline__ void add_row_scaled(const act* s, const act* r, act* out, i64 n, int T, int D, bool small,
                                               bool vec) {
    for_each8(n, vec,
        [&](i64 e) {
            i64 row = row_of(e, D, small);
            int j = (int) (e - row * D);
            real sr = (real) ld(s[row]);
            act8 rv = load_vec<act8>(r + row_of(row, T, small) * D + j);
            act8 d = load_vec<act8>(out + e);
#pragma unroll
            for (int k = 0; k < 8; k++) d.v[k] = st((float) ((real) ld(d.v[k]) + sr * (real) ld(rv.v[k])));
            store_vec(out + e, d);
        },
        [&](i64 e) {
            i64 row = row_of(e, D, small);
            int j = (int) (e - row * D);
            out[e] = st((float) ((real) ld(out[e]) + (real) ld(s[row]) * (real) ld(r[row_of(row, T, small) * D + j])));
        });
}

// out[b, t] = sum_d keys[b, t, d] * q[b, d] for keys [B,T,D], q [B,D], out [B,T]: one thread per (b, t).
extern "C" __global__ void batched_dot(const act* keys, const act* q, act* out, int B, int T, int D) {
    i64 n = (i64) B * T;
    bool vec = rows8(D) && aligned16(keys) && aligned16(q);
    bool small = fits_31_bits(n);
    GRID_STRIDE(i, n) out[i] = st((float) dot_row(keys + i * D, q + row_of(i, T, small) * D, D, vec));
}

// dq[b, d] += sum_t g[b, t] * keys[b, t, d] (one thread per (b, d), t in order: indices [0, B*D));
// dk[b, t, d] += g[b, t] * q[b, d] (one thread per element: the indices after); eight elements per thread in each
// part under `vec`.
extern "C" __global__ void batched_dot_backward(const act* keys, const act* q, const act* g, act* dk, act* dq,
                                                int B, int T, int D) {
    i64 nq = (i64) B * D;
    i64 n = (i64) B * T * D;
    bool small = fits_31_bits(n);
    bool vec = rows8(D) && aligned16(keys) && aligned16(q) && aligned16(dk) && aligned16(dq);
    for_each8(nq, vec,
        [&](i64 i) {
            i64 b = row_of(i, D, small);
            int j = (int) (i - b * D);
            real acc[8];
#pragma unroll
            for (int k = 0; k < 8; k++) acc[k] = 0;
            for (int s = 0; s < T; s++) {
                real gs = (real) ld(g[b * T + s]);
                act8 kv = load_vec<act8>(keys + (b * T + s) * D + j);
#pragma unroll
                for (int k = 0; k < 8; k++) acc[k] += gs * (real) ld(kv.v[k]);
            }
            act8 d = load_vec<act8>(dq + i);
#pragma unroll
            for (int k = 0; k < 8; k++) d.v[k] = st((float) ((real) ld(d.v[k]) + acc[k]));
            store_vec(dq + i, d);
        },
        [&](i64 i) {
            i64 b = row_of(i, D, small);
            int j = (int) (i - b * D);
            real acc = 0;
            for (int s = 0; s < T; s++) acc += (real) ld(g[b * T + s]) * (real) ld(keys[(b * T + s) * D + j]);
            dq[i] = st((float) ((real) ld(dq[i]) + acc));
        });
    add_row_scaled(g, q, dk, n, T, D, small, vec);
}

// out[b, d] = sum_t w[b, t] * v[b, t, d] for w [B,T], v [B,T,D], out [B,D]: one thread per (b, d), or per eight d.
extern "C" __global__ void weighted_sum(const act* w, const act* v, act* out, int B, int T, int D) {
    i64 n = (i64) B * D;
    bool small = fits_31_bits((i64) B * T * D);
    for_each8(n, rows8(D) && aligned16(v) && aligned16(out),
        [&](i64 i) {
            i64 b = row_of(i, D, small);
            int j = (int) (i - b * D);
            real acc[8];
#pragma unroll
            for (int k = 0; k < 8; k++) acc[k] = 0;
            for (int s = 0; s < T; s++) {
                real ws = (real) ld(w[b * T + s]);
                act8 vv = load_vec<act8>(v + (b * T + s) * D + j);
#pragma unroll
                for (int k = 0; k < 8; k++) acc[k] += ws * (real) ld(vv.v[k]);
            }
            act8 o;
#pragma unroll
            for (int k = 0; k < 8; k++) o.v[k] = st((float) acc[k]);
            store_vec(out + i, o);
        },
        [&](i64 i) {
            i64 b = row_of(i, D, small);
            int j = (int) (i - b * D);
            real acc = 0;
            for (int s = 0; s < T; s++) acc += (real) ld(w[b * T + s]) * (real) ld(v[(b * T + s) * D + j]);
            out[i] = st((float) acc);
        });
}

// dw[b, t] = sum_d g[b, d] * v[b, t, d] (overwritten; one thread per (b, t): indices [0, B*T));
// dv[b, t, d] += w[b, t] * g[b, d] (one thread per element, or per eight: the indices after).
extern "C" __global__ void weighted_sum_backward(const act* w, const act* v, const act* g, act* dw, act* dv,
                                                 int B, int T, int D) {
    i64 nw = (i64) B * T;
    i64 n = (i64) B * T * D;
    bool small = fits_31_bits(n);
    bool vec = rows8(D) && aligned16(v) && aligned16(g) && aligned16(dv);
    GRID_STRIDE(i, nw) dw[i] = st((float) dot_row(g + row_of(i, T, small) * D, v + i * D, D, vec));
    add_row_scaled(w, g, dv, n, T, D, small, vec);
}

// The warp loop of the row kernels: warp-uniform, so the full-mask shuffles inside are safe.
#define WARP_ROWS(r, rows) for (i64 r = ((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5; r < (rows); \
                                r += ((i64) gridDim.x * blockDim.x) >> 5)

// Softmax over the last dimension T of the unmasked (mask != 0) scores; masked positions get 0, a fully masked row
// 1/T everywhere (the reference replaces masked scores by the lowest value, so such a row is uniform). The maximum
// of the unmasked scores is subtracted before exp, as the reference does. One warp per row: lanes take positions
// lane, lane + 32, ...; the partial sums of exp are combined in the fixed butterfly order.
extern "C" __global__ void masked_softmax(const act* s, const act* m, act* out, i64 rows, int T) {
    int lane = threadIdx.x & 31;
    WARP_ROWS(r, rows) {
        const act* sr = s + r * T;
        const act* mr = m + r * T;
        act* o = out + r * T;
        float mx = __int_as_float(0xff800000); // -infinity
        int live = 0;
        for (int k = lane; k < T; k += 32) {
            if (ld(mr[k]) != 0.0f) {
                mx = fmaxf(mx, ld(sr[k]));
                live = 1;
            }
        }
        mx = warp_max(mx);
        if (!__any_sync(0xffffffffu, live)) {
            float u = (float) (1.0 / T);
            for (int k = lane; k < T; k += 32) o[k] = st(u);
            continue;
        }
        real z = 0;
        for (int k = lane; k < T; k += 32) {
            if (ld(mr[k]) != 0.0f) z += exp((real) ld(sr[k]) - (real) mx);
        }
        z = warp_sum_d(z);
        for (int k = lane; k < T; k += 32) {
            o[k] = st(ld(mr[k]) != 0.0f ? (float) (exp((real) ld(sr[k]) - (real) mx) / z) : 0.0f);
        }
    }
}

// dScores = mask != 0 ? p * (dp - sum_t p * dp) : 0, the sum over the whole row (as the reference). One warp per row.
extern "C" __global__ void masked_softmax_backward(const act* p, const act* dp, const act* m, act* ds, i64 rows,
                                                   int T) {
    int lane = threadIdx.x & 31;
    WARP_ROWS(r, rows) {
        const act* pr = p + r * T;
        const act* gr = dp + r * T;
        const act* mr = m + r * T;
        act* o = ds + r * T;
        real dot = 0;
        for (int k = lane; k < T; k += 32) dot += (real) ld(pr[k]) * (real) ld(gr[k]);
        dot = warp_sum_d(dot);
        for (int k = lane; k < T; k += 32) {
            o[k] = st(ld(mr[k]) != 0.0f ? (float) ((real) ld(pr[k]) * ((real) ld(gr[k]) - dot)) : 0.0f);
        }
    }
}

// ------------------------------------------------------------------------------------------------- fused dot attention
// batched_dot + masked_softmax + weighted_sum (and their backwards) in one kernel each: one warp per row b (rows
// warp-strided). The forward stages the row's keys once in shared memory with a row stride of D + 1 floats (the lanes'
// reads of one column, and of one row, then fall in distinct banks): T (D + 3) floats per warp. Every value is computed
// by the same lane, in the same order and with the same roundings as in the separate kernels above, so the results
// are theirs bit for bit. Shared memory holds floats in both builds (keys staged through ld(), so the arithmetic is
// the float32 build's); a value the separate kernels would store as an activation and read back (scores, weights,
// dWeights, dScores, the first += of dKeys) is kept as rnd() of it, so in bfloat16 too the fused kernels give the
// composition's bits.

// Stages keys[b] [T,D] into ks (stride D + 1). Coalesced reads, 16 per lane issued before any store: a row is only a
// few KB, so without that batching each warp waits out one memory latency per 128 bytes (the first version of these
// kernels ran at a quarter of the memory bandwidth).
#define STAGE_BATCH 16
__device__ __forceinline__ void stage_keys(const act* __restrict__ kb, float* ks, int T, int D, int lane, bool vec) {
    int n = T * D;
    if (vec) {
        // Eight keys per 16-byte load, eight loads per lane in flight.
        int chunks = n >> 3;
        for (int base = lane; base < chunks; base += 32 * (STAGE_BATCH / 2)) {
            act8 v[STAGE_BATCH / 2];
#pragma unroll
            for (int u = 0; u < STAGE_BATCH / 2; u++) {
                int c = base + u * 32;
                if (c < chunks) v[u] = load_vec<act8>(kb + (i64) c * 8);
            }
#pragma unroll
            for (int u = 0; u < STAGE_BATCH / 2; u++) {
                int c = base + u * 32;
                if (c < chunks) {
                    int e = c * 8;
                    int t = e / D;
                    float* dst = ks + t * (D + 1) + (e - t * D);
#pragma unroll
                    for (int k = 0; k < 8; k++) dst[k] = ld(v[u].v[k]);
                }
            }
        }
        return;
    }
    for (int base = lane; base < n; base += 32 * STAGE_BATCH) {
        float v[STAGE_BATCH];
#pragma unroll
        for (int u = 0; u < STAGE_BATCH; u++) {
            int e = base + u * 32;
            v[u] = e < n ? ld(__ldg(kb + e)) : 0.0f;
        }
#pragma unroll
        for (int u = 0; u < STAGE_BATCH; u++) {
            int e = base + u * 32;
            if (e < n) {
                int t = e / D;
                ks[t * (D + 1) + (e - t * D)] = v[u];
            }
        }
    }
}

// The softmax of masked_softmax over row ws [T] (scores in, weights out, in place: lane k reads and writes only its
// own positions k, k + 32, ...); mr the row's mask. The weights are left as masked_softmax stores them (rnd).
__device__ __forceinline__ void masked_softmax_row(float* ws, const act* mr, int T, int lane) {
    float mx = __int_as_float(0xff800000); // -infinity
    int live = 0;
    for (int k = lane; k < T; k += 32) {
        if (ld(mr[k]) != 0.0f) {
            mx = fmaxf(mx, ws[k]);
            live = 1;
        }
    }
    mx = warp_max(mx);
    if (!__any_sync(0xffffffffu, live)) {
        float u = (float) (1.0 / T);
        for (int k = lane; k < T; k += 32) ws[k] = rnd(u);
        return;
    }
    real z = 0;
    for (int k = lane; k < T; k += 32) {
        if (ld(mr[k]) != 0.0f) z += exp((real) ws[k] - (real) mx);
    }
    z = warp_sum_d(z);
    for (int k = lane; k < T; k += 32) {
        ws[k] = rnd(ld(mr[k]) != 0.0f ? (float) (exp((real) ws[k] - (real) mx) / z) : 0.0f);
    }
}

// scores [B,T] = <keys_t, q>, w [B,T] = masked softmax of the scores, out [B,D] = sum_t w_t keys_t.
extern "C" __global__ void dot_attention(const act* keys, const act* q, const act* m, act* scores, act* w, act* out,
                                         int B, int T, int D) {
    extern __shared__ float smem[];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = blockDim.x >> 5;
    int stride = D + 1;
    float* ks = smem + (size_t) warp * T * (D + 3);
    float* ws = ks + (size_t) T * stride;
    bool vec = rows8(D) && aligned16(keys);
    for (i64 b = (i64) blockIdx.x * warps + warp; b < B; b += (i64) gridDim.x * warps) {
        stage_keys(keys + b * T * D, ks, T, D, lane, vec);
        __syncwarp();
        const act* qb = q + b * D;
        for (int t = lane; t < T; t += 32) {
            const float* k = ks + t * stride;
            real acc = 0;
            for (int j = 0; j < D; j++) acc += (real) k[j] * (real) ld(qb[j]);
            float s = (float) acc;
            scores[b * T + t] = st(s);
            ws[t] = rnd(s);
        }
        masked_softmax_row(ws, m + b * T, T, lane);
        __syncwarp();
        for (int t = lane; t < T; t += 32) w[b * T + t] = st(ws[t]);
        for (int j = lane; j < D; j += 32) {
            real acc = 0;
            for (int s = 0; s < T; s++) acc += (real) ws[s] * (real) ks[s * stride + j];
            out[b * D + j] = st((float) acc);
        }
        __syncwarp(); // the next row overwrites ks and ws
    }
}

// dot_attention for rows of D a multiple of eight: the keys are not staged (each lane reads its positions' key rows
// with 16-byte loads, the weighted sum reads them again, coalesced, mostly from L2), only the weights [T] live in
// shared memory, so shared memory does not cap occupancy (the staged kernel keeps 13 KB per warp at T = 100 and ran
// at 21 % occupancy). The same values in the same order as the staged kernel: the same bits.
extern "C" __global__ void dot_attention_direct(const act* keys, const act* q, const act* m, act* scores, act* w,
                                                act* out, int B, int T, int D) {
    extern __shared__ float smem[];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = blockDim.x >> 5;
    float* ws = smem + (size_t) warp * T;
    bool vec = rows8(D) && aligned16(keys) && aligned16(q);
    for (i64 b = (i64) blockIdx.x * warps + warp; b < B; b += (i64) gridDim.x * warps) {
        const act* kb = keys + b * T * D;
        const act* qb = q + b * D;
        for (int t = lane; t < T; t += 32) {
            float s = (float) dot_row(kb + (i64) t * D, qb, D, vec);
            scores[b * T + t] = st(s);
            ws[t] = rnd(s);
        }
        masked_softmax_row(ws, m + b * T, T, lane);
        __syncwarp();
        for (int t = lane; t < T; t += 32) w[b * T + t] = st(ws[t]);
        for (int j = lane; j < D; j += 32) {
            real acc = 0;
            for (int s = 0; s < T; s++) acc += (real) ws[s] * (real) ld(kb[(i64) s * D + j]);
            out[b * D + j] = st((float) acc);
        }
        __syncwarp(); // the next row overwrites ws
    }
}

// For g = dOut [B,D]: dw [B,T] = <g, keys_t> (overwritten), ds [B,T] = masked softmax backward of (w, dw)
// (overwritten), dk [B,T,D] += w_t g then += ds_t q (two roundings, as the two separate kernels), dq [B,D] +=
// sum_t ds_t keys_t.
// Unlike the forward, the keys are not staged: each lane reads its positions' key rows straight from memory (the
// dots), and the column sums read them again (from L2: the warp has just read them); only the rows w and ds [T] live
// in shared memory (2 T floats per warp), so shared memory does not cap occupancy. Measured on the H200 (SIM, batch
// 131,072): 3.7 ms per step against 4.8 staged; the forward, whose dots dominate, is faster staged (2.2 against 2.6).
extern "C" __global__ void dot_attention_backward(const act* __restrict__ keys, const act* __restrict__ q,
                                                  const act* __restrict__ m, const act* __restrict__ w,
                                                  const act* __restrict__ g, act* dw, act* ds, act* dk, act* dq,
                                                  int B, int T, int D) {
    extern __shared__ float smem[];
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = blockDim.x >> 5;
    float* wsh = smem + (size_t) warp * 2 * T;
    float* dss = wsh + T;
    bool vec = rows8(D) && aligned16(keys) && aligned16(g) && aligned16(q) && aligned16(dk);
    for (i64 b = (i64) blockIdx.x * warps + warp; b < B; b += (i64) gridDim.x * warps) {
        const act* kb = keys + b * T * D;
        const act* gb = g + b * D;
        const act* qb = q + b * D;
        const act* mr = m + b * T;
        real dot = 0;
        for (int t = lane; t < T; t += 32) {
            float dwt = (float) dot_row(gb, kb + (i64) t * D, D, vec);
            float p = ld(w[b * T + t]);
            dw[b * T + t] = st(dwt);
            wsh[t] = p;
            dwt = rnd(dwt);
            dss[t] = dwt;
            dot += (real) p * (real) dwt;
        }
        dot = warp_sum_d(dot);
        for (int t = lane; t < T; t += 32) {
            float d = rnd(ld(mr[t]) != 0.0f ? (float) ((real) wsh[t] * ((real) dss[t] - dot)) : 0.0f);
            dss[t] = d;
            ds[b * T + t] = st(d);
        }
        __syncwarp();
        act* dkb = dk + b * T * D;
        int n = T * D;
        if (vec) {
            // Eight elements of one key row per lane and access.
            for (int c = lane; c < (n >> 3); c += 32) {
                int e = c * 8;
                int t = e / D;
                int j = e - t * D;
                act8 old = load_vec<act8>(dkb + e);
                act8 gv = load_vec<act8>(gb + j);
                act8 qv = load_vec<act8>(qb + j);
#pragma unroll
                for (int k = 0; k < 8; k++) {
                    float v = rnd((float) ((real) ld(old.v[k]) + (real) wsh[t] * (real) ld(gv.v[k])));
                    old.v[k] = st((float) ((real) v + (real) dss[t] * (real) ld(qv.v[k])));
                }
                store_vec(dkb + e, old);
            }
        }
        for (int base = vec ? n : lane; base < n; base += 32 * STAGE_BATCH) {
            float old[STAGE_BATCH];
#pragma unroll
            for (int u = 0; u < STAGE_BATCH; u++) {
                int e = base + u * 32;
                old[u] = e < n ? ld(dkb[e]) : 0.0f;
            }
#pragma unroll
            for (int u = 0; u < STAGE_BATCH; u++) {
                int e = base + u * 32;
                if (e < n) {
                    int t = e / D;
                    int j = e - t * D;
                    float v = rnd((float) ((real) old[u] + (real) wsh[t] * (real) ld(gb[j])));
                    dkb[e] = st((float) ((real) v + (real) dss[t] * (real) ld(qb[j])));
                }
            }
        }
        for (int j = lane; j < D; j += 32) {
            real acc = 0;
#pragma unroll 8
            for (int s = 0; s < T; s++) acc += (real) dss[s] * (real) ld(__ldg(kb + (i64) s * D + j));
            dq[b * D + j] = st((float) ((real) ld(dq[b * D + j]) + acc));
        }
        __syncwarp();
    }
}

// The top-k key of weight w at position pos, as TopK.key on the CPU: the float's bits (every NaN as Java's canonical
// NaN) mapped to an int ordered like Double.compare, inverted for descending weight, above the position. Java compares
// the key as a signed long; flipping the top bit gives the same order as an unsigned one. Keys are distinct, and a
// smaller key means "comes first" (larger weight, then lower position).
__device__ __forceinline__ u64 top_k_key(float w, int pos) {
    int bits = w != w ? 0x7fc00000 : __float_as_int(w);
    int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
    return ((u64) ((unsigned) ~ordered ^ 0x80000000u) << 32) | (unsigned) pos;
}

// Larger than every real key (whose high word is at most that of -infinity, 0xff800000).
#define TOP_K_NONE 0xffffffffffffffffull

__device__ __forceinline__ u64 u64_min(u64 a, u64 b) {
    return a < b ? a : b;
}

// The smallest v over the block (each warp's minimum into partial[0..warps), then every thread scans those in
// order). One barrier: the caller alternates between two partial buffers, so round j + 2 writes a buffer only after
// the barrier of round j + 1, which every thread passes after its reads of round j.
__device__ __forceinline__ u64 block_min_u64(u64 v, u64* partial) {
    for (int o = 16; o > 0; o >>= 1) v = u64_min(v, __shfl_xor_sync(0xffffffffu, v, o));
    if ((threadIdx.x & 31) == 0) partial[threadIdx.x >> 5] = v;
    __syncthreads();
    int warps = blockDim.x >> 5;
    u64 best = partial[0];
    for (int x = 1; x < warps; x++) best = u64_min(best, partial[x]);
    return best;
}

// Top-k of each row of w [rows, T] into idx [rows, k], in key order (the order the reference writes them). One block
// per row (rows grid-strided); each thread holds the keys of positions threadIdx.x + q * blockDim.x (q < ITEMS) in
// registers; k rounds, each taking the block's smallest remaining key and retiring it (keys are distinct, so exactly
// one thread holds the winner).
template <int ITEMS>
__device__ __forceinline__ void top_k_rows(const act* w, int* idx, i64 rows, int T, int k) {
    __shared__ u64 partial[2][32];
    for (i64 r = blockIdx.x; r < rows; r += gridDim.x) {
        const act* wr = w + r * T;
        u64 keys[ITEMS];
#pragma unroll
        for (int q = 0; q < ITEMS; q++) {
            int pos = threadIdx.x + q * blockDim.x;
            keys[q] = pos < T ? top_k_key(ld(wr[pos]), pos) : TOP_K_NONE;
        }
        for (int j = 0; j < k; j++) {
            u64 mine = keys[0];
#pragma unroll
            for (int q = 1; q < ITEMS; q++) mine = u64_min(mine, keys[q]);
            u64 best = block_min_u64(mine, partial[j & 1]);
#pragma unroll
            for (int q = 0; q < ITEMS; q++) {
                if (keys[q] == best) keys[q] = TOP_K_NONE;
            }
            if (threadIdx.x == 0) idx[r * k + j] = (int) (unsigned) best;
        }
        __syncthreads(); // the next row's first rounds reuse the partial buffers
    }
}

extern "C" __global__ void top_k_1(const act* w, int* idx, i64 rows, int T, int k) {
    top_k_rows<1>(w, idx, rows, T, k);
}

extern "C" __global__ void top_k_4(const act* w, int* idx, i64 rows, int T, int k) {
    top_k_rows<4>(w, idx, rows, T, k);
}

extern "C" __global__ void top_k_16(const act* w, int* idx, i64 rows, int T, int k) {
    top_k_rows<16>(w, idx, rows, T, k);
}

// Top-k of rows of at most 128 positions with one warp per row instead of a block: lane l holds the keys of positions
// l, l + 32, l + 64, l + 96, and each of the k rounds is a warp minimum (shuffles, no barrier). The same winners in
// the same order as top_k_rows (keys are distinct), at a fraction of the cost: a block-wide round needs two barriers.
extern "C" __global__ void top_k_warp(const act* w, int* idx, i64 rows, int T, int k) {
    int lane = threadIdx.x & 31;
    WARP_ROWS(r, rows) {
        const act* wr = w + r * T;
        u64 keys[4];
#pragma unroll
        for (int q = 0; q < 4; q++) {
            int pos = lane + 32 * q;
            keys[q] = pos < T ? top_k_key(ld(wr[pos]), pos) : TOP_K_NONE;
        }
        for (int j = 0; j < k; j++) {
            u64 best = u64_min(u64_min(keys[0], keys[1]), u64_min(keys[2], keys[3]));
            for (int o = 16; o > 0; o >>= 1) best = u64_min(best, __shfl_xor_sync(0xffffffffu, best, o));
#pragma unroll
            for (int q = 0; q < 4; q++) {
                if (keys[q] == best) keys[q] = TOP_K_NONE;
            }
            if (lane == 0) idx[r * k + j] = (int) (unsigned) best;
        }
    }
}

// Top-k for rows too long for registers: the same k rounds, each thread rescanning its positions (threadIdx.x,
// + blockDim.x, ...) for its smallest key above the previous winner. One block per row.
extern "C" __global__ void top_k_large(const act* w, int* idx, i64 rows, int T, int k) {
    __shared__ u64 partial[2][32];
    for (i64 r = blockIdx.x; r < rows; r += gridDim.x) {
        const act* wr = w + r * T;
        u64 last = 0;
        for (int j = 0; j < k; j++) {
            u64 mine = TOP_K_NONE;
            for (int pos = threadIdx.x; pos < T; pos += blockDim.x) {
                u64 key = top_k_key(ld(wr[pos]), pos);
                if ((j == 0 || key > last) && key < mine) mine = key;
            }
            last = block_min_u64(mine, partial[j & 1]);
            if (threadIdx.x == 0) idx[r * k + j] = (int) (unsigned) last;
        }
        __syncthreads();
    }
}

// out[b, j, :] = x[b, idx[b, j], :] for x [B,T,D], idx [B,K], out [B,K,D]: one thread per output element, or per
// eight of them when D is a multiple of eight and the pointers 16-byte aligned (the stored value moved as it is, in
// either build).
extern "C" __global__ void gather_time(const act* x, const int* idx, act* out, int B, int T, int K, int D) {
    i64 n = (i64) B * K * D;
    bool small = fits_31_bits((i64) B * max(T, K) * D);
    for_each8(n, (D & 7) == 0 && aligned16(x) && aligned16(out),
        [&](i64 i) {
            i64 row = row_of(i, D, small);  // b * K + j
            int c = (int) (i - row * D);
            i64 b = row_of(row, K, small);
            store_vec(out + i, load_vec<act8>(x + (b * T + idx[row]) * D + c));
        },
        [&](i64 i) {
            i64 row = row_of(i, D, small);
            int c = (int) (i - row * D);
            i64 b = row_of(row, K, small);
            out[i] = x[(b * T + idx[row]) * D + c];
        });
}

// dX[b, idx[b, j], :] += dOut[b, j, :] in order of j, for dOut [B,K,D], idx [B,K], dX [B,T,D]: one thread per
// (b, d), or per (b, eight d) when D is a multiple of eight and the pointers 16-byte aligned, walks j in order, so
// repeated positions add in the reference's order and no two threads share an element.
// Each add is stored, so with bfloat16 activations a repeated position's later adds read the earlier sum rounded to
// bfloat16 (positions from top-k, the models' only indices, are distinct: then the result is the float32 one rounded).
extern "C" __global__ void scatter_add_time(const act* g, const int* idx, act* dx, int B, int T, int K, int D) {
    i64 n = (i64) B * D;
    bool small = fits_31_bits((i64) B * max(T, K) * D);
    for_each8(n, (D & 7) == 0 && aligned16(g) && aligned16(dx),
        [&](i64 i) {
            i64 b = row_of(i, D, small);
            int c = (int) (i - b * D);
            for (int j = 0; j < K; j++) {
                act* at = dx + (b * T + idx[b * K + j]) * D + c;
                act8 acc = load_vec<act8>(at);
                act8 add = load_vec<act8>(g + (b * K + j) * D + c);
#pragma unroll
                for (int k = 0; k < 8; k++) acc.v[k] = st((float) ((real) ld(acc.v[k]) + (real) ld(add.v[k])));
                store_vec(at, acc);
            }
        },
        [&](i64 i) {
            i64 b = row_of(i, D, small);
            int c = (int) (i - b * D);
            for (int j = 0; j < K; j++) {
                i64 at = (b * T + idx[b * K + j]) * D + c;
                dx[at] = st((float) ((real) ld(dx[at]) + (real) ld(g[(b * K + j) * D + c])));
            }
        });
}

// out[r, j] = x[r, idx[r, j]] for x [rows, T], idx [rows, K]: one thread per output element (the value moved as is).
extern "C" __global__ void gather_columns(const act* x, const int* idx, act* out, i64 rows, int T, int K) {
    i64 n = rows * K;
    GRID_STRIDE(i, n) {
        out[i] = x[(i / K) * T + idx[i]];
    }
}

// out = x > 0 ? 1 : 0 (NaN gives 0), element-wise.
extern "C" __global__ void positive(const act* x, act* out, i64 n) {
    GRID_STRIDE(i, n) {
        out[i] = st(ld(x[i]) > 0.0f ? 1.0f : 0.0f);
    }
}

// out = ids > 0 ? 1 : 0 (the padding mask), element-wise.
extern "C" __global__ void non_padding(const int* ids, act* out, i64 n) {
    GRID_STRIDE(i, n) {
        out[i] = st(ids[i] > 0 ? 1.0f : 0.0f);
    }
}

// out[b, t, :] = [q, h_t, q - h_t, q * h_t] for q [B,D], h [B,T,D], out [B,T,4D]: one thread per output element.
extern "C" __global__ void attention_features(const act* q, const act* h, act* out, int B, int T, int D) {
    i64 n = (i64) B * T * 4 * D;
    i64 w = 4 * (i64) D;
    GRID_STRIDE(i, n) {
        i64 row = i / w; // b * T + t
        i64 rem = i - row * w;
        int part = (int) (rem / D);
        i64 j = rem - (i64) part * D;
        real qv = ld(q[(row / T) * D + j]);
        real hv = ld(h[row * D + j]);
        real v = part == 0 ? qv : part == 1 ? hv : part == 2 ? qv - hv : qv * hv;
        out[i] = st((float) v);
    }
}

// dq[b, d] += sum_t (g0 + g2 + g3 h) (one thread per (b, d), t in order: indices [0, B*D));
// dh[b, t, d] += g1 - g2 + g3 q (one thread per element: the indices after), with g0..g3 the four parts of dOut.
extern "C" __global__ void attention_features_backward(const act* q, const act* h, const act* g, act* dq, act* dh,
                                                       int B, int T, int D) {
    i64 nq = (i64) B * D;
    i64 n = nq + (i64) B * T * D;
    GRID_STRIDE(i, n) {
        if (i < nq) {
            i64 b = i / D;
            i64 j = i - b * D;
            real acc = 0;
            for (int s = 0; s < T; s++) {
                i64 row = b * T + s;
                const act* gr = g + row * 4 * D + j;
                real hv = ld(h[row * D + j]);
                acc += (real) ld(gr[0]) + (real) ld(gr[2 * D]) + (real) ld(gr[3 * D]) * hv;
            }
            dq[i] = st((float) ((real) ld(dq[i]) + acc));
        } else {
            i64 e = i - nq;
            i64 row = e / D;
            i64 j = e - row * D;
            const act* gr = g + row * 4 * D + j;
            real qv = ld(q[(row / T) * D + j]);
            dh[e] = st((float) ((real) ld(dh[e]) + (real) ld(gr[D]) - (real) ld(gr[2 * D])
                                + (real) ld(gr[3 * D]) * qv));
        }
    }
}

// out[b, t, :] = q[b, :] * h[b, t, :] for q [B,D], h [B,T,D]: one thread per element, or per eight of them when D
// is a multiple of eight and the pointers 16-byte aligned.
__device__ __forceinline__ float broadcast_mul_at(float q, float h) {
    return (float) ((real) q * (real) h);
}

extern "C" __global__ void broadcast_mul(const act* q, const act* h, act* out, int B, int T, int D) {
    i64 n = (i64) B * T * D;
    bool small = fits_31_bits(n);
    for_each8(n, (D & 7) == 0 && aligned16(q) && aligned16(h) && aligned16(out),
        [&](i64 i) {
            i64 row = row_of(i, D, small);
            int j = (int) (i - row * D);
            act8 qv = load_vec<act8>(q + row_of(row, T, small) * D + j);
            act8 hv = load_vec<act8>(h + i);
            act8 o;
#pragma unroll
            for (int k = 0; k < 8; k++) o.v[k] = st(broadcast_mul_at(ld(qv.v[k]), ld(hv.v[k])));
            store_vec(out + i, o);
        },
        [&](i64 i) {
            i64 row = row_of(i, D, small);
            int j = (int) (i - row * D);
            out[i] = st(broadcast_mul_at(ld(q[row_of(row, T, small) * D + j]), ld(h[i])));
        });
}

// dq[b, d] += sum_t g[b, t, d] h[b, t, d] (one thread per (b, d), t in order: indices [0, B*D));
// dh[b, t, d] += g[b, t, d] q[b, d] (one thread per element: the indices after); each part eight elements per thread
// when D is a multiple of eight and the pointers 16-byte aligned.
extern "C" __global__ void broadcast_mul_backward(const act* q, const act* h, const act* g, act* dq, act* dh,
                                                  int B, int T, int D) {
    i64 nq = (i64) B * D;
    i64 n = (i64) B * T * D;
    bool small = fits_31_bits(n);
    bool vec = (D & 7) == 0 && aligned16(q) && aligned16(h) && aligned16(g) && aligned16(dq) && aligned16(dh);
    for_each8(nq, vec,
        [&](i64 i) {
            i64 b = row_of(i, D, small);
            int j = (int) (i - b * D);
            real acc[8];
#pragma unroll
            for (int k = 0; k < 8; k++) acc[k] = 0;
            for (int s = 0; s < T; s++) {
                i64 at = (b * T + s) * D + j;
                act8 gv = load_vec<act8>(g + at);
                act8 hv = load_vec<act8>(h + at);
#pragma unroll
                for (int k = 0; k < 8; k++) acc[k] += (real) ld(gv.v[k]) * (real) ld(hv.v[k]);
            }
            act8 d = load_vec<act8>(dq + i);
#pragma unroll
            for (int k = 0; k < 8; k++) d.v[k] = st((float) ((real) ld(d.v[k]) + acc[k]));
            store_vec(dq + i, d);
        },
        [&](i64 i) {
            i64 b = row_of(i, D, small);
            int j = (int) (i - b * D);
            real acc = 0;
            for (int s = 0; s < T; s++) {
                i64 at = (b * T + s) * D + j;
                acc += (real) ld(g[at]) * (real) ld(h[at]);
            }
            dq[i] = st((float) ((real) ld(dq[i]) + acc));
        });
    for_each8(n, vec,
        [&](i64 e) {
            i64 row = row_of(e, D, small);
            int j = (int) (e - row * D);
            act8 qv = load_vec<act8>(q + row_of(row, T, small) * D + j);
            act8 gv = load_vec<act8>(g + e);
            act8 d = load_vec<act8>(dh + e);
#pragma unroll
            for (int k = 0; k < 8; k++) d.v[k] = st((float) ((real) ld(d.v[k]) + (real) ld(gv.v[k]) * (real) ld(qv.v[k])));
            store_vec(dh + e, d);
        },
        [&](i64 e) {
            i64 row = row_of(e, D, small);
            int j = (int) (e - row * D);
            dh[e] = st((float) ((real) ld(dh[e]) + (real) ld(g[e]) * (real) ld(q[row_of(row, T, small) * D + j])));
        });
}
