// Embedding gathers and their deterministic gradient reductions (ids sorted, segments reduced in a fixed order), and the distinct rows a batch touched.
//
// The gradient reductions never use float atomics: the (id, position) pairs are sorted by a stable LSD radix sort
// (radix_histogram, an exclusive scan, radix_scatter per 8-bit digit), the runs of equal ids ("segments") are found by
// a flag + scan, and one warp per segment adds the gradient rows in increasing position, the order of the scalar
// reference's sequential loop, so the result is bit-identical to it.

#define FULL_MASK 0xffffffffu

// ---------------------------------------------------------------- gathers

// out[r, :] = table[ids[r], :] for out [n, e]; one thread per output element (grid-stride), so writes are coalesced
// and each warp reads whole table rows. The table is a float32 parameter (an embedding table), its values rounded
// once into the activations.
extern "C" __global__ void gather_rows(const float* __restrict__ table, const int* __restrict__ ids,
                                       act* __restrict__ out, i64 n, int e) {
    GRID_STRIDE(k, n * e) {
        i64 r = k / e;
        int j = (int) (k - r * e);
        out[k] = st(table[(i64) ids[r] * e + j]);
    }
}

// gather_rows for a table that is itself an activation (rows of hidden states shared by a group, at inference): the
// values move unchanged.
extern "C" __global__ void gather_activation_rows(const act* __restrict__ table, const int* __restrict__ ids,
                                                  act* __restrict__ out, i64 n, int e) {
    GRID_STRIDE(k, n * e) {
        i64 r = k / e;
        int j = (int) (k - r * e);
        out[k] = table[(i64) ids[r] * e + j];
    }
}

// Positions [from, from + w) of item and category id sequences [b, tt] as out [b, w, e1 + e2] (item vector, then
// category vector; zeros where the item id is the padding 0) and mask [b, w]; one thread per output element, or per
// eight of them (16-byte stores, two 16-byte table loads) when e1 and e2 are multiples of eight and the pointers are
// 16-byte aligned.
__device__ __forceinline__ void embed_sequence_at(i64 k, bool small, const float* __restrict__ items,
                                                  const float* __restrict__ cats, const int* __restrict__ itemIds,
                                                  const int* __restrict__ catIds, int tt, int from, int w, int e1,
                                                  int e2, i64& row, int& j, bool& keep, const float*& src) {
    int width = e1 + e2;
    row = row_of(k, width, small);
    j = (int) (k - row * width);
    i64 bb = row_of(row, w, small);
    int s = (int) (row - bb * w);
    i64 at = bb * tt + from + s;
    int item = itemIds[at];
    keep = item > 0;
    src = keep ? (j < e1 ? items + (i64) item * e1 + j : cats + (i64) catIds[at] * e2 + (j - e1)) : nullptr;
}

extern "C" __global__ void embed_sequence(const float* __restrict__ items, const float* __restrict__ cats,
                                          const int* __restrict__ itemIds, const int* __restrict__ catIds,
                                          int b, int tt, int from, int w, int e1, int e2,
                                          act* __restrict__ out, act* __restrict__ mask) {
    i64 total = (i64) b * w * (e1 + e2);
    bool small = fits_31_bits(total);
    bool vec = (e1 & 7) == 0 && (e2 & 7) == 0 && aligned16(items) && aligned16(cats) && aligned16(out);
    for_each8(total, vec,
        [&](i64 k) {
            i64 row;
            int j;
            bool keep;
            const float* src;
            embed_sequence_at(k, small, items, cats, itemIds, catIds, tt, from, w, e1, e2, row, j, keep, src);
            float4 lo = keep ? *reinterpret_cast<const float4*>(src) : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            float4 hi = keep ? *reinterpret_cast<const float4*>(src + 4) : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            act8 o;
            o.v[0] = st(lo.x);
            o.v[1] = st(lo.y);
            o.v[2] = st(lo.z);
            o.v[3] = st(lo.w);
            o.v[4] = st(hi.x);
            o.v[5] = st(hi.y);
            o.v[6] = st(hi.z);
            o.v[7] = st(hi.w);
            store_vec(out + k, o);
            if (j == 0) mask[row] = st(keep ? 1.0f : 0.0f);
        },
        [&](i64 k) {
            i64 row;
            int j;
            bool keep;
            const float* src;
            embed_sequence_at(k, small, items, cats, itemIds, catIds, tt, from, w, e1, e2, row, j, keep, src);
            out[k] = st(keep ? *src : 0.0f);
            if (j == 0) mask[row] = st(keep ? 1.0f : 0.0f);
        });
}

// Sort keys for embedSequenceBackward, one per position row = bb * w + s of the window: the item id (the padding 0
// is skipped by the reduction) and the category id, or catSentinel (skipped) where the item is padding.
extern "C" __global__ void sequence_keys(const int* __restrict__ itemIds, const int* __restrict__ catIds, int b,
                                         int tt, int from, int w, int catSentinel, int* __restrict__ itemKeys,
                                         int* __restrict__ catKeys) {
    GRID_STRIDE(row, (i64) b * w) {
        i64 bb = row / w;
        int s = (int) (row - bb * w);
        i64 src = bb * tt + from + s;
        int item = itemIds[src];
        itemKeys[row] = item;
        catKeys[row] = item > 0 ? catIds[src] : catSentinel;
    }
}

// ---------------------------------------------------------------- exclusive scan of ints (multi-block)

#define SCAN_THREADS 256
#define SCAN_ITEMS 8
#define SCAN_TILE (SCAN_THREADS * SCAN_ITEMS)
// Shared-memory index padded by one int per 32, so the 8 consecutive items of each thread sit in distinct banks.
#define SCAN_PAD(i) ((i) + ((i) >> 5))

// Exclusive prefix of v over the threads of a block (blockDim.x a multiple of 32) and the block total in *total.
// sh holds 33 ints of shared memory. Integer sums are exact, so the association order does not matter.
__device__ __forceinline__ int block_exclusive_scan(int v, int* sh, int* total) {
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    int warps = blockDim.x >> 5;
    int x = v;
    for (int o = 1; o < 32; o <<= 1) {
        int y = __shfl_up_sync(FULL_MASK, x, o);
        if (lane >= o) x += y;
    }
    if (lane == 31) sh[warp] = x;
    __syncthreads();
    if (warp == 0) {
        int s = lane < warps ? sh[lane] : 0;
        int z = s;
        for (int o = 1; o < 32; o <<= 1) {
            int y = __shfl_up_sync(FULL_MASK, z, o);
            if (lane >= o) z += y;
        }
        if (lane < warps) sh[lane] = z - s;
        if (lane == 31) sh[32] = z;
    }
    __syncthreads();
    int r = sh[warp] + x - v;
    *total = sh[32];
    __syncthreads();
    return r;
}

// Scan, step 1: sums[t] = the sum of tile t (SCAN_TILE elements) of in [n]; one block per tile, coalesced loads.
extern "C" __global__ void scan_tile_sums(const int* __restrict__ in, i64 n, int* __restrict__ sums) {
    __shared__ int sh[33];
    i64 base = (i64) blockIdx.x * SCAN_TILE;
    int v = 0;
    for (int j = 0; j < SCAN_ITEMS; j++) {
        i64 i = base + j * SCAN_THREADS + threadIdx.x;
        if (i < n) v += in[i];
    }
    int total;
    block_exclusive_scan(v, sh, &total);
    if (threadIdx.x == 0) sums[blockIdx.x] = total;
}

// Scan, step 2: sums [m] replaced by its exclusive scan, the grand total into *total; one block walking the tiles'
// sums in chunks of SCAN_TILE with a running carry (m is n / SCAN_TILE, small).
extern "C" __global__ void scan_carries(int* __restrict__ sums, int m, int* __restrict__ total) {
    __shared__ int sh[33];
    int carry = 0;
    for (int base = 0; base < m; base += SCAN_TILE) {
        int first = base + threadIdx.x * SCAN_ITEMS;
        int v[SCAN_ITEMS];
        int local = 0;
        for (int k = 0; k < SCAN_ITEMS; k++) {
            v[k] = first + k < m ? sums[first + k] : 0;
            local += v[k];
        }
        int chunk;
        int run = carry + block_exclusive_scan(local, sh, &chunk);
        for (int k = 0; k < SCAN_ITEMS; k++) {
            if (first + k < m) sums[first + k] = run;
            run += v[k];
        }
        carry += chunk;
    }
    if (threadIdx.x == 0) *total = carry;
}

// Scan, step 3: out = the exclusive scan of in (in place allowed), tile t offset by carries[t]; one block per tile,
// staged through shared memory so global loads and stores stay coalesced.
extern "C" __global__ void scan_apply(const int* in, int* out, i64 n, const int* __restrict__ carries) {
    __shared__ int tile[SCAN_PAD(SCAN_TILE)];
    __shared__ int sh[33];
    i64 base = (i64) blockIdx.x * SCAN_TILE;
    for (int j = 0; j < SCAN_ITEMS; j++) {
        int l = j * SCAN_THREADS + threadIdx.x;
        tile[SCAN_PAD(l)] = base + l < n ? in[base + l] : 0;
    }
    __syncthreads();
    int first = threadIdx.x * SCAN_ITEMS;
    int local = 0;
    for (int k = 0; k < SCAN_ITEMS; k++) local += tile[SCAN_PAD(first + k)];
    int total;
    int run = carries[blockIdx.x] + block_exclusive_scan(local, sh, &total);
    for (int k = 0; k < SCAN_ITEMS; k++) {
        int x = tile[SCAN_PAD(first + k)];
        tile[SCAN_PAD(first + k)] = run;
        run += x;
    }
    __syncthreads();
    for (int j = 0; j < SCAN_ITEMS; j++) {
        int l = j * SCAN_THREADS + threadIdx.x;
        if (base + l < n) out[base + l] = tile[SCAN_PAD(l)];
    }
}

// ---------------------------------------------------------------- stable LSD radix sort, 8 bits per pass

#define RADIX_TILE 2048
#define RADIX_THREADS 256
#define RADIX_ITEMS (RADIX_TILE / RADIX_THREADS)
#define RADIX_WARPS (RADIX_THREADS / 32)
#define RADIX_DIGITS 256

__device__ __forceinline__ int radix_digit(int key, int shift) {
    return (int) (((unsigned) key >> shift) & (RADIX_DIGITS - 1));
}

// counts[d * tiles + t] = how many keys of tile t (RADIX_TILE consecutive keys) have digit d at `shift` (digit-major,
// so one exclusive scan gives every (digit, tile) its output offset). One block per tile; integer counts in shared
// memory, so the order of the atomic adds does not matter.
extern "C" __global__ void radix_histogram(const int* __restrict__ keys, int n, int shift, int tiles,
                                           int* __restrict__ counts) {
    __shared__ int cnt[RADIX_DIGITS];
    int t = blockIdx.x;
    cnt[threadIdx.x] = 0;
    __syncthreads();
    int begin = t * RADIX_TILE;
    int end = min(n, begin + RADIX_TILE);
    for (int i = begin + threadIdx.x; i < end; i += RADIX_THREADS) atomicAdd(&cnt[radix_digit(keys[i], shift)], 1);
    __syncthreads();
    counts[(i64) threadIdx.x * tiles + t] = cnt[threadIdx.x];
}

// The stable scatter of one pass, one block per tile. Warp w owns the tile's keys [w * 256, (w + 1) * 256), walked
// 32 at a time in input order: a key's rank among its warp's keys of the same digit is the count of lower lanes with
// that digit (__match_any_sync, __popc) plus the warp's running counter, which the lowest lane of each group then
// advances. The warps' counters, scanned over warps and digits, place every key in the tile sorted by digit (equal
// digits in input order: stable) in shared memory; the tile is then written out in that order, so each digit's keys
// go to consecutive addresses from offsets[d * tiles + t] (the scanned counts): coalesced stores.
// valsIn null: the value is the key's index (the positions 0..n-1); valsOut null: keys only.
extern "C" __global__ void radix_scatter(const int* __restrict__ keysIn, const int* __restrict__ valsIn,
                                         int* __restrict__ keysOut, int* __restrict__ valsOut, int n, int shift,
                                         int tiles, const int* __restrict__ offsets) {
    __shared__ int cnt[RADIX_WARPS][RADIX_DIGITS];
    __shared__ int start[RADIX_DIGITS];
    __shared__ int dest[RADIX_DIGITS];
    __shared__ int sk[RADIX_TILE];
    __shared__ int sv[RADIX_TILE];
    __shared__ int sh[33];
    int lane = threadIdx.x & 31;
    int w = threadIdx.x >> 5;
    int t = blockIdx.x;
    for (int d = lane; d < RADIX_DIGITS; d += 32) cnt[w][d] = 0;
    __syncwarp();
    unsigned lower = (1u << lane) - 1u;
    int begin = t * RADIX_TILE;
    int end = min(n, begin + RADIX_TILE);
    int key[RADIX_ITEMS];
    int rank[RADIX_ITEMS];
#pragma unroll
    for (int r = 0; r < RADIX_ITEMS; r++) {
        int i = begin + w * (32 * RADIX_ITEMS) + r * 32 + lane;
        bool on = i < end;
        key[r] = on ? keysIn[i] : 0;
        int d = on ? radix_digit(key[r], shift) : -1;
        unsigned peers = __match_any_sync(FULL_MASK, d);
        rank[r] = on ? cnt[w][d] + __popc(peers & lower) : 0;
        __syncwarp();  // every lane has read its counter before the group's leader advances it
        if (on && lane == __ffs(peers) - 1) cnt[w][d] += __popc(peers);
        __syncwarp();
    }
    __syncthreads();
    // Thread d: its digit's counters scanned over the warps (warp-major is input order), then over the digits.
    int d = threadIdx.x;
    int total = 0;
#pragma unroll
    for (int v = 0; v < RADIX_WARPS; v++) {
        int c = cnt[v][d];
        cnt[v][d] = total;
        total += c;
    }
    int all;
    int s = block_exclusive_scan(total, sh, &all);
    start[d] = s;
    dest[d] = offsets[(i64) d * tiles + t] - s;
    __syncthreads();
#pragma unroll
    for (int r = 0; r < RADIX_ITEMS; r++) {
        int i = begin + w * (32 * RADIX_ITEMS) + r * 32 + lane;
        if (i < end) {
            int dd = radix_digit(key[r], shift);
            int at = start[dd] + cnt[w][dd] + rank[r];
            sk[at] = key[r];
            sv[at] = valsIn != nullptr ? valsIn[i] : i;
        }
    }
    __syncthreads();
    for (int l = threadIdx.x; l < end - begin; l += RADIX_THREADS) {
        int k = sk[l];
        int at = dest[radix_digit(k, shift)] + l;
        keysOut[at] = k;
        if (valsOut != nullptr) valsOut[at] = sv[l];
    }
}

// ---------------------------------------------------------------- segments of equal sorted keys

// flags[i] = 1 where a run of equal keys starts in the sorted keys [n], else 0; one thread per key.
extern "C" __global__ void segment_flags(const int* __restrict__ keys, int n, int* __restrict__ flags) {
    GRID_STRIDE(i, n) flags[i] = i == 0 || keys[i] != keys[i - 1] ? 1 : 0;
}

// starts[s] = where segment s begins, from the exclusive scan of the flags (index[i]: the segment of key i), and
// starts[*total] = n, so segment s is [starts[s], starts[s + 1]); one thread per key.
extern "C" __global__ void segment_starts(const int* __restrict__ keys, const int* __restrict__ index, int n,
                                          const int* __restrict__ total, int* __restrict__ starts) {
    GRID_STRIDE(i, n) {
        if (i == 0 || keys[i] != keys[i - 1]) starts[index[i]] = (int) i;
        if (i == n - 1) starts[*total] = n;
    }
}

// out[index[i]] = keys[i] at the first key of each segment: the distinct keys in increasing order (their number is
// already in the scan's total); one thread per key.
extern "C" __global__ void unique_keys(const int* __restrict__ keys, const int* __restrict__ index, int n,
                                       int* __restrict__ out) {
    GRID_STRIDE(i, n) {
        if (i == 0 || keys[i] != keys[i - 1]) out[index[i]] = keys[i];
    }
}

// dT[key, :] += g[pos, :] over each segment of sorted (key, pos) pairs, in two passes that keep every chain of float
// adds short whatever the skew of the ids (a popular category can own a tenth of a batch's 13 M positions, whose one
// serial chain took 80 ms). The sorted pairs are cut into chunks of `chunk` consecutive pairs:
//  1. chunk_reduce: one group of G lanes (lanes over columns) per chunk adds every run of at most `chunk` pairs that
//     starts in its chunk (walking past the chunk's end if the run does) exactly as the reference's loop does:
//     acc = dT[key]; acc += g[pos0]; acc += g[pos1]; ... and writes it back. A longer run is cut at the chunk
//     borders: its piece of each chunk is summed from zero in order, into partials[chunk][0] when the piece is the
//     chunk's first, [1] when it is the chunk's last.
//  2. long_segments: one group per run longer than `chunk` adds, in order, dT[key] + its piece of each chunk.
// Every add is rounded to float in an order fixed by the sorted pairs alone: deterministic, and the reference's bits
// for every id with at most `chunk` positions. g (activation gradients, read as floats) rows are ldg elements apart
// (a column block of a wider gradient), dT [rows, e] float32 and dense; segments whose key is skipKey (padding) are
// left out.
__device__ __forceinline__ int lower_bound_key(const int* __restrict__ keys, int n, int key) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (keys[mid] < key) lo = mid + 1; else hi = mid;
    }
    return lo;
}

__device__ __forceinline__ int upper_bound_key(const int* __restrict__ keys, int n, int key) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (keys[mid] <= key) lo = mid + 1; else hi = mid;
    }
    return lo;
}

template <int G>
__device__ __forceinline__ void chunk_reduce_group(const int* __restrict__ keys, const int* __restrict__ pos, int n,
                                                   int chunk, i64 k, int skipKey, const act* __restrict__ g, int ldg,
                                                   int e, float* __restrict__ dT, float* __restrict__ partials,
                                                   int gl, unsigned mask) {
    int cs = (int) (k * chunk);
    int ce = min(cs + chunk, n);
    int firstKey = keys[cs];
    int lastKey = keys[ce - 1];
    if (firstKey == skipKey && lastKey == skipKey) return;  // uniform across the group
    bool startedBefore = cs > 0 && keys[cs - 1] == firstKey;
    bool continuesAfter = ce < n && keys[ce] == lastKey;
    // The first piece, if its run started in an earlier chunk: a short run is that chunk's to add (skip it here), a
    // long one a piece. The last piece, if its run goes on: a short run is added whole here, a long one a piece.
    bool firstLong = startedBefore
            && upper_bound_key(keys, n, firstKey) - lower_bound_key(keys, n, firstKey) > chunk;
    bool skipFirst = startedBefore && !firstLong;
    bool lastOwn = continuesAfter && !(lastKey == firstKey && startedBefore);
    int lastEnd = lastOwn ? upper_bound_key(keys, n, lastKey) : ce;
    bool lastLong = lastOwn && lastEnd - lower_bound_key(keys, n, lastKey) > chunk;
    int walkEnd = lastOwn && !lastLong ? lastEnd : ce;
    for (int c0 = 0; c0 < e; c0 += G) {
        int c = c0 + gl;
        bool on = c < e;
        int key = -1;
        int slot = -1;
        bool active = false;
        float acc = 0.0f;
        for (int p0 = cs; p0 < walkEnd; p0 += G) {
            int m = min(G, walkEnd - p0);
            int myPos = gl < m ? pos[p0 + gl] : 0;
            int myKey = gl < m ? keys[p0 + gl] : skipKey;
            int kk[G];
            float v[G];
#pragma unroll
            for (int j = 0; j < G; j++) {
                int p = __shfl_sync(mask, myPos, j, G);
                kk[j] = __shfl_sync(mask, myKey, j, G);
                bool wanted = kk[j] != skipKey && !(skipFirst && kk[j] == firstKey);
                v[j] = on && j < m && wanted ? ld(g[(i64) p * ldg + c]) : 0.0f;
            }
#pragma unroll
            for (int j = 0; j < G; j++) {
                if (j < m && kk[j] != key) {
                    if (active && on) {
                        if (slot < 0) dT[(i64) key * e + c] = acc;
                        else partials[(k * 2 + slot) * e + c] = acc;
                    }
                    key = kk[j];
                    bool first = startedBefore && key == firstKey;
                    bool piece = first ? firstLong : (lastLong && key == lastKey);
                    active = key != skipKey && !(first && skipFirst);
                    slot = piece ? (first ? 0 : 1) : -1;
                    acc = active && !piece && on ? dT[(i64) key * e + c] : 0.0f;
                }
                if (j < m && active) acc = __fadd_rn(acc, v[j]);
            }
        }
        if (active && on) {
            if (slot < 0) dT[(i64) key * e + c] = acc;
            else partials[(k * 2 + slot) * e + c] = acc;
        }
    }
}

template <int G>
__device__ __forceinline__ void long_segment_group(const int* __restrict__ keys, const int* __restrict__ starts,
                                                   i64 s, int chunk, int skipKey, int e, float* __restrict__ dT,
                                                   const float* __restrict__ partials, int gl) {
    int begin = starts[s];
    int end = starts[s + 1];
    int key = keys[begin];
    i64 k0 = begin / chunk;
    i64 k1 = (end - 1) / chunk;
    if (key == skipKey || end - begin <= chunk) return;  // padding, or a run chunk_reduce has added whole
    for (int c0 = 0; c0 < e; c0 += G) {
        int c = c0 + gl;
        if (c >= e) continue;
        float* dst = dT + (i64) key * e + c;
        float acc = *dst;
        // The run starts in chunk k0, so its piece there is that chunk's last; in later chunks, their first.
        acc = __fadd_rn(acc, partials[(k0 * 2 + 1) * e + c]);
#pragma unroll 8
        for (i64 k = k0 + 1; k <= k1; k++) acc = __fadd_rn(acc, partials[(k * 2) * e + c]);
        *dst = acc;
    }
}

// Pass 1, one group of 32 lanes per chunk (grid-stride over the chunks).
extern "C" __global__ void chunk_reduce(const int* __restrict__ keys, const int* __restrict__ pos, int n, int chunk,
                                        int skipKey, const act* __restrict__ g, int ldg, int e,
                                        float* __restrict__ dT, float* __restrict__ partials) {
    i64 chunks = ((i64) n + chunk - 1) / chunk;
    i64 warps = ((i64) gridDim.x * blockDim.x) >> 5;
    for (i64 k = ((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5; k < chunks; k += warps) {
        chunk_reduce_group<32>(keys, pos, n, chunk, k, skipKey, g, ldg, e, dT, partials, threadIdx.x & 31,
                               FULL_MASK);
    }
}

// Pass 1 for rows of at most 16 columns (the model's E = 16): one half-warp per chunk, each half shuffling among its
// own 16 lanes, so the halves may walk chunks of different keys.
extern "C" __global__ void chunk_reduce_half(const int* __restrict__ keys, const int* __restrict__ pos, int n,
                                             int chunk, int skipKey, const act* __restrict__ g, int ldg, int e,
                                             float* __restrict__ dT, float* __restrict__ partials) {
    int lane = threadIdx.x & 31;
    int sub = lane >> 4;
    unsigned mask = sub ? 0xffff0000u : 0x0000ffffu;
    i64 chunks = ((i64) n + chunk - 1) / chunk;
    i64 halves = (((i64) gridDim.x * blockDim.x) >> 5) * 2;
    for (i64 k = (((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5) * 2 + sub; k < chunks; k += halves) {
        chunk_reduce_group<16>(keys, pos, n, chunk, k, skipKey, g, ldg, e, dT, partials, lane & 15, mask);
    }
}

// Pass 2, one group of 32 (or, for E <= 16, 16) lanes per segment (grid-stride over *segments, read on the device).
extern "C" __global__ void long_segments(const int* __restrict__ keys, const int* __restrict__ starts,
                                         const int* __restrict__ segments, int chunk, int skipKey, int e,
                                         float* __restrict__ dT, const float* __restrict__ partials) {
    int count = *segments;
    i64 warps = ((i64) gridDim.x * blockDim.x) >> 5;
    for (i64 s = ((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5; s < count; s += warps) {
        long_segment_group<32>(keys, starts, s, chunk, skipKey, e, dT, partials, threadIdx.x & 31);
    }
}

extern "C" __global__ void long_segments_half(const int* __restrict__ keys, const int* __restrict__ starts,
                                              const int* __restrict__ segments, int chunk, int skipKey, int e,
                                              float* __restrict__ dT, const float* __restrict__ partials) {
    int lane = threadIdx.x & 31;
    int count = *segments;
    i64 halves = (((i64) gridDim.x * blockDim.x) >> 5) * 2;
    for (i64 s = (((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5) * 2 + (lane >> 4); s < count; s += halves) {
        long_segment_group<16>(keys, starts, s, chunk, skipKey, e, dT, partials, lane & 15);
    }
}
