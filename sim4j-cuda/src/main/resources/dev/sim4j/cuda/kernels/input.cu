// Input batches rebuilt on the device from a resident behaviour-sequence store (engine: InputKernels.sequenceRows).
// One warp per row. Each row's negatives come from its own SplittableRandom stream (engine: SequenceStream): raw value
// i of the stream is mix32(s0 + i * GAMMA), a pure function of i, so the warp computes 32 raw values at once, keeps
// those nextInt(bound) accepts (ballot), and numbers the kept ones in stream order with a prefix count: the same draws
// as the serial loop, whatever the rejections. The label is an activation (the loss reads it beside the logits); ids
// stay int.

#define SEQ_GAMMA 0x9E3779B97F4A7C15ULL
#define SEQ_ROW_SALT 0x632BE59BD9B4E019ULL

__device__ __forceinline__ unsigned long long seq_mix64(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

__device__ __forceinline__ int seq_mix32(unsigned long long z) {
    z = (z ^ (z >> 33)) * 0x62A9D9ED799705F5ULL;
    return (int) (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3ULL) >> 32);
}

// The smallest item i in [1, items] with cumulative[i] > d.
__device__ __forceinline__ int seq_search(const int* cumulative, int items, int d) {
    int lo = 1;
    int hi = items;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (cumulative[mid] > d) hi = mid; else lo = mid + 1;
    }
    return lo;
}

extern "C" __global__ void sequence_rows(const int* row_start, const int* event_start, const int* items,
                                         const int* cats, const int* item_category, const int* item_of_draw,
                                         const int* cumulative, int item_count, int users, int draws, int L, int test,
                                         unsigned long long stream_key, i64 first_row, int stride, int B,
                                         act* label, int* uid, int* target_item, int* target_cat,
                                         int* hist_items, int* hist_cats, int* neg_items, int* neg_cats) {
    int lane = threadIdx.x & 31;
    i64 warps = ((i64) gridDim.x * blockDim.x) >> 5;
    for (i64 w = ((i64) blockIdx.x * blockDim.x + threadIdx.x) >> 5; w < B; w += warps) {
        i64 row = first_row + w * stride;
        // The last user starting at or before the row (users without rows share the next one's start).
        int lo = 0;
        int hi = users - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >> 1;
            if (row_start[mid] <= row) lo = mid; else hi = mid - 1;
        }
        int u = lo;
        int start = event_start[u];
        int n = event_start[u + 1] - start;
        int k = (int) (row - row_start[u]);
        int half = test ? 1 : n - 2;
        bool positive = k < half;
        int target = test ? n - 1 : 1 + k % half;
        int h = min(target, L);
        int from = start + target - h;
        int pad = L - h;
        i64 base = w * L;
        for (int p = lane; p < L; p += 32) {
            bool kept = p >= pad;
            hist_items[base + p] = kept ? items[from + p - pad] : 0;
            hist_cats[base + p] = kept ? cats[from + p - pad] : 0;
            if (!kept) {
                neg_items[base + p] = 0;
                neg_cats[base + p] = 0;
            }
        }
        if (lane == 0) {
            label[w] = st(positive ? 1.0f : 0.0f);
            uid[w] = u + 1;
            if (positive) {
                target_item[w] = items[start + target];
                target_cat[w] = cats[start + target];
            }
        }
        unsigned long long s0 = seq_mix64(stream_key ^ seq_mix64((unsigned long long) row + SEQ_ROW_SALT));
        int wanted = h + (positive ? 0 : 1);
        int m = draws - 1;
        bool pow2 = (draws & m) == 0;
        int done = 0;
        unsigned long long consumed = 0;
        while (done < wanted) {
            int r = seq_mix32(s0 + (consumed + lane + 1) * SEQ_GAMMA);
            int value;
            bool ok;
            if (pow2) {
                value = r & m;
                ok = true;
            } else {
                int v = (int) ((unsigned int) r >> 1);
                value = v % draws;
                // Java's int test u + m - r < 0 is an overflow past 2^31 - 1, computed here without overflow.
                ok = (i64) v + m - value <= 2147483647LL;
            }
            unsigned int accepted = __ballot_sync(0xffffffffu, ok);
            int index = done + __popc(accepted & ((1u << lane) - 1u));
            if (ok && index < wanted) {
                int item = item_of_draw != 0 ? item_of_draw[value] : seq_search(cumulative, item_count, value);
                int cat = item_category[item];
                if (!positive && index == 0) {
                    target_item[w] = item;
                    target_cat[w] = cat;
                } else {
                    i64 at = base + pad + index - (positive ? 0 : 1);
                    neg_items[at] = item;
                    neg_cats[at] = cat;
                }
            }
            done += __popc(accepted);
            consumed += 32;
        }
    }
}
