package dev.sim4j.cuda.backend;

import dev.sim4j.cuda.driver.Kernel;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.kernels.AttentionKernels;
import java.util.Arrays;

/**
 * Attention and selection: batched dots, weighted sums, masked softmax, top-k, time gathers and the DIEN attention
 * features. Kernels in {@code kernels/attention.cu}; every reduction runs in a fixed order inside one thread, warp or
 * block, so results are bit-identical from run to run. Every float tensor of these ops is an activation (or its
 * gradient): an op's float tensors are all F32 or all BF16, which picks the kernel build ({@link Activations});
 * indices and ids are I32.
 */
public final class CudaAttention implements AttentionKernels {
    /** Row kernels run one warp per row, this many warps per block. */
    private static final int WARPS_PER_BLOCK = Launches.THREADS / 32;
    /** Top-k runs one block per row, grid-striding over the rows beyond this many blocks. */
    private static final int MAX_ROW_BLOCKS = 65535;

    /** Set once by the backend right after construction (the families exist before the backend that owns them). */
    private CudaBackend be;

    CudaAttention() {
    }

    void bind(CudaBackend backend) {
        this.be = backend;
    }

    /** Kernel {@code name} of the build for activations of type {@code act}. */
    private Kernel kernel(String name, DType act) {
        return be.kernels().kernel("attention", name, act).begin();
    }

    private static long addr(Tensor t) {
        return CudaBackend.cuda(t).address();
    }

    private static void require(boolean ok, String what, Tensor... ts) {
        if (!ok) {
            StringBuilder b = new StringBuilder(what).append(": shapes");
            for (Tensor t : ts) {
                b.append(' ').append(Arrays.toString(t.shape()));
            }
            throw new IllegalArgumentException(b.toString());
        }
    }

    private static long rowsOf(Tensor x) {
        return x.rank() == 0 || x.dim(-1) == 0 ? 0 : x.size() / x.dim(-1);
    }

    private void launch(Kernel k, long n) {
        k.launch(be.stream(), Launches.blocks(n), Launches.THREADS);
    }

    private void launchWarpRows(Kernel k, long rows) {
        k.launch(be.stream(), (int) Math.min(Launches.MAX_BLOCKS, (rows + WARPS_PER_BLOCK - 1) / WARPS_PER_BLOCK),
                Launches.THREADS);
    }

    public void batchedDot(Tensor keys, Tensor query, Tensor out) {
        require(keys.rank() == 3, "batchedDot needs keys [B,T,D]", keys);
        int b = keys.dim(0);
        int t = keys.dim(1);
        int d = keys.dim(2);
        require(query.size() == (long) b * d && out.size() == (long) b * t, "batchedDot", keys, query, out);
        DType act = Activations.of("batchedDot", keys, query, out);
        launch(kernel("batched_dot", act).pointer(addr(keys)).pointer(addr(query)).pointer(addr(out)).i32(b).i32(t)
                .i32(d), (long) b * t);
    }

    public void batchedDotBackward(Tensor keys, Tensor query, Tensor dOut, Tensor dKeys, Tensor dQuery) {
        require(keys.rank() == 3, "batchedDotBackward needs keys [B,T,D]", keys);
        int b = keys.dim(0);
        int t = keys.dim(1);
        int d = keys.dim(2);
        require(query.size() == (long) b * d && dOut.size() == (long) b * t && dKeys.size() == keys.size()
                && dQuery.size() == query.size(), "batchedDotBackward", keys, query, dOut, dKeys, dQuery);
        DType act = Activations.of("batchedDotBackward", keys, query, dOut, dKeys, dQuery);
        launch(kernel("batched_dot_backward", act).pointer(addr(keys)).pointer(addr(query)).pointer(addr(dOut))
                .pointer(addr(dKeys)).pointer(addr(dQuery)).i32(b).i32(t).i32(d), (long) b * d + keys.size());
    }

    public void weightedSum(Tensor weights, Tensor values, Tensor out) {
        require(values.rank() == 3, "weightedSum needs values [B,T,D]", values);
        int b = values.dim(0);
        int t = values.dim(1);
        int d = values.dim(2);
        require(weights.size() == (long) b * t && out.size() == (long) b * d, "weightedSum", weights, values, out);
        DType act = Activations.of("weightedSum", weights, values, out);
        launch(kernel("weighted_sum", act).pointer(addr(weights)).pointer(addr(values)).pointer(addr(out)).i32(b)
                .i32(t).i32(d), (long) b * d);
    }

    public void weightedSumBackward(Tensor weights, Tensor values, Tensor dOut, Tensor dWeights, Tensor dValues) {
        require(values.rank() == 3, "weightedSumBackward needs values [B,T,D]", values);
        int b = values.dim(0);
        int t = values.dim(1);
        int d = values.dim(2);
        require(weights.size() == (long) b * t && dOut.size() == (long) b * d && dWeights.size() == (long) b * t
                && dValues.size() == values.size(), "weightedSumBackward", weights, values, dOut, dWeights, dValues);
        DType act = Activations.of("weightedSumBackward", weights, values, dOut, dWeights, dValues);
        launch(kernel("weighted_sum_backward", act).pointer(addr(weights)).pointer(addr(values)).pointer(addr(dOut))
                .pointer(addr(dWeights)).pointer(addr(dValues)).i32(b).i32(t).i32(d), (long) b * t + values.size());
    }

    /** Shared memory a block may take without opting in. */
    private static final int SHARED_BYTES = 48 * 1024;

    /**
     * Warps per block for a fused dot-attention kernel that needs {@code floatsPerWarp} floats of shared memory per
     * warp, or 0 when one warp's share does not fit: then the separate kernels run.
     */
    private static int fusedWarps(long floatsPerWarp) {
        long perWarp = floatsPerWarp * Float.BYTES;
        return perWarp == 0 || perWarp > SHARED_BYTES ? 0 : (int) Math.min(WARPS_PER_BLOCK, SHARED_BYTES / perWarp);
    }

    private void launchFused(Kernel k, int rows, int warps, long floatsPerWarp) {
        int blocks = (int) Math.min(Launches.MAX_BLOCKS, ((long) rows + warps - 1) / warps);
        k.launch(be.stream(), blocks, 1, 1, warps * 32, 1, 1, (int) (warps * floatsPerWarp * Float.BYTES));
    }

    @Override
    public void dotAttention(Tensor keys, Tensor query, Tensor mask, Tensor scores, Tensor weights, Tensor out) {
        require(keys.rank() == 3, "dotAttention needs keys [B,T,D]", keys);
        int b = keys.dim(0);
        int t = keys.dim(1);
        int d = keys.dim(2);
        require(query.size() == (long) b * d && mask.size() == (long) b * t && scores.size() == (long) b * t
                && weights.size() == (long) b * t && out.size() == (long) b * d, "dotAttention", keys, query, mask,
                scores, weights, out);
        DType act = Activations.of("dotAttention", keys, query, mask, scores, weights, out);
        // The forward stages each row's keys (stride d + 1) beside its [t] scores, except for rows of a multiple of
        // eight, which it reads directly (16-byte loads) with only the [t] weights in shared memory.
        boolean direct = d % 8 == 0;
        long floats = direct ? t : (long) t * (d + 3);
        int warps = fusedWarps(floats);
        if (warps == 0) {
            AttentionKernels.super.dotAttention(keys, query, mask, scores, weights, out);
            return;
        }
        if (b == 0) {
            return;
        }
        launchFused(kernel(direct ? "dot_attention_direct" : "dot_attention", act).pointer(addr(keys)).pointer(addr(query)).pointer(addr(mask))
                .pointer(addr(scores)).pointer(addr(weights)).pointer(addr(out)).i32(b).i32(t).i32(d), b, warps,
                floats);
    }

    @Override
    public void dotAttentionBackward(Tensor keys, Tensor query, Tensor mask, Tensor weights, Tensor dOut,
                                     Tensor dWeights, Tensor dScores, Tensor dKeys, Tensor dQuery) {
        require(keys.rank() == 3, "dotAttentionBackward needs keys [B,T,D]", keys);
        int b = keys.dim(0);
        int t = keys.dim(1);
        int d = keys.dim(2);
        long bt = (long) b * t;
        require(query.size() == (long) b * d && mask.size() == bt && weights.size() == bt && dOut.size() == query.size()
                && dWeights.size() == bt && dScores.size() == bt && dKeys.size() == keys.size()
                && dQuery.size() == query.size(), "dotAttentionBackward", keys, query, mask, weights, dOut, dWeights,
                dScores, dKeys, dQuery);
        DType act = Activations.of("dotAttentionBackward", keys, query, mask, weights, dOut, dWeights, dScores, dKeys,
                dQuery);
        // The backward keeps only the rows w and ds [t] in shared memory.
        long floats = 2L * t;
        int warps = fusedWarps(floats);
        if (warps == 0) {
            AttentionKernels.super.dotAttentionBackward(keys, query, mask, weights, dOut, dWeights, dScores, dKeys,
                    dQuery);
            return;
        }
        if (b == 0) {
            return;
        }
        launchFused(kernel("dot_attention_backward", act).pointer(addr(keys)).pointer(addr(query)).pointer(addr(mask))
                .pointer(addr(weights)).pointer(addr(dOut)).pointer(addr(dWeights)).pointer(addr(dScores))
                .pointer(addr(dKeys)).pointer(addr(dQuery)).i32(b).i32(t).i32(d), b, warps, floats);
    }

    public void maskedSoftmax(Tensor scores, Tensor mask, Tensor out) {
        require(scores.size() == mask.size() && scores.size() == out.size(), "maskedSoftmax", scores, mask, out);
        DType act = Activations.of("maskedSoftmax", scores, mask, out);
        if (scores.size() == 0) {
            return;
        }
        long rows = rowsOf(scores);
        launchWarpRows(kernel("masked_softmax", act).pointer(addr(scores)).pointer(addr(mask)).pointer(addr(out))
                .i64(rows).i32(scores.dim(-1)), rows);
    }

    public void maskedSoftmaxBackward(Tensor p, Tensor dp, Tensor mask, Tensor dScores) {
        require(p.size() == dp.size() && p.size() == mask.size() && p.size() == dScores.size(),
                "maskedSoftmaxBackward", p, dp, mask, dScores);
        DType act = Activations.of("maskedSoftmaxBackward", p, dp, mask, dScores);
        if (p.size() == 0) {
            return;
        }
        long rows = rowsOf(p);
        launchWarpRows(kernel("masked_softmax_backward", act).pointer(addr(p)).pointer(addr(dp)).pointer(addr(mask))
                .pointer(addr(dScores)).i64(rows).i32(p.dim(-1)), rows);
    }

    /**
     * One block per row. Rows of up to 16384 weights keep their keys in registers (1, 4 or 16 per thread; a block
     * only as wide as a short row needs); longer rows rescan their weights each round.
     */
    public void topK(Tensor weights, int k, Tensor indices) {
        int t = weights.dim(-1);
        long rows = rowsOf(weights);
        require(k >= 0 && k <= t && indices.size() == rows * k && indices.dtype() == DType.I32,
                "topK with k = " + k, weights, indices);
        DType act = Activations.of("topK", weights);
        if (k == 0 || rows == 0) {
            return;
        }
        if (t <= 128) {
            launchWarpRows(kernel("top_k_warp", act).pointer(addr(weights)).pointer(addr(indices)).i64(rows).i32(t)
                    .i32(k), rows);
            return;
        }
        String name;
        int threads;
        if (t <= 256) {
            name = "top_k_1";
            threads = (t + 31) / 32 * 32;
        } else if (t <= 1024) {
            name = "top_k_4";
            threads = 256;
        } else if (t <= 4096) {
            name = "top_k_16";
            threads = 256;
        } else {
            // 16 keys a thread at 1,024 threads needs more registers than a block may have (seen on an H200:
            // CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES): rows past 4,096 rescan from memory instead.
            name = "top_k_large";
            threads = 1024;
        }
        kernel(name, act).pointer(addr(weights)).pointer(addr(indices)).i64(rows).i32(t).i32(k)
                .launch(be.stream(), (int) Math.min(rows, MAX_ROW_BLOCKS), threads);
    }

    public void gatherTime(Tensor x, Tensor idx, Tensor out) {
        require(x.rank() == 3, "gatherTime needs x [B,T,D]", x);
        int b = x.dim(0);
        int t = x.dim(1);
        int d = x.dim(2);
        int k = idx.dim(-1);
        require(idx.dtype() == DType.I32 && idx.size() == (long) b * k && out.size() == (long) b * k * d,
                "gatherTime", x, idx, out);
        DType act = Activations.of("gatherTime", x, out);
        launch(kernel("gather_time", act).pointer(addr(x)).pointer(addr(idx)).pointer(addr(out)).i32(b).i32(t).i32(k)
                .i32(d), out.size());
    }

    public void scatterAddTime(Tensor dOut, Tensor idx, Tensor dX) {
        require(dX.rank() == 3, "scatterAddTime needs dX [B,T,D]", dX);
        int b = dX.dim(0);
        int t = dX.dim(1);
        int d = dX.dim(2);
        int k = idx.dim(-1);
        require(idx.dtype() == DType.I32 && idx.size() == (long) b * k && dOut.size() == (long) b * k * d,
                "scatterAddTime", dOut, idx, dX);
        DType act = Activations.of("scatterAddTime", dOut, dX);
        launch(kernel("scatter_add_time", act).pointer(addr(dOut)).pointer(addr(idx)).pointer(addr(dX)).i32(b).i32(t)
                .i32(k).i32(d), (long) b * d);
    }

    public void gatherColumns(Tensor x, Tensor idx, Tensor out) {
        int t = x.dim(-1);
        long rows = rowsOf(x);
        int k = idx.dim(-1);
        require(idx.dtype() == DType.I32 && idx.size() == rows * k && out.size() == rows * k, "gatherColumns", x,
                idx, out);
        DType act = Activations.of("gatherColumns", x, out);
        launch(kernel("gather_columns", act).pointer(addr(x)).pointer(addr(idx)).pointer(addr(out)).i64(rows).i32(t)
                .i32(k), rows * k);
    }

    public void positive(Tensor x, Tensor out) {
        require(x.size() == out.size(), "positive", x, out);
        DType act = Activations.of("positive", x, out);
        launch(kernel("positive", act).pointer(addr(x)).pointer(addr(out)).i64(x.size()), x.size());
    }

    public void nonPadding(Tensor ids, Tensor out) {
        require(ids.size() == out.size() && ids.dtype() == DType.I32, "nonPadding", ids, out);
        DType act = Activations.of("nonPadding", out);
        launch(kernel("non_padding", act).pointer(addr(ids)).pointer(addr(out)).i64(ids.size()), ids.size());
    }

    public void attentionFeatures(Tensor q, Tensor h, Tensor out) {
        require(h.rank() == 3, "attentionFeatures needs h [B,T,H]", h);
        int b = h.dim(0);
        int t = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && out.size() == 4L * b * t * d, "attentionFeatures", q, h, out);
        DType act = Activations.of("attentionFeatures", q, h, out);
        launch(kernel("attention_features", act).pointer(addr(q)).pointer(addr(h)).pointer(addr(out)).i32(b).i32(t)
                .i32(d), out.size());
    }

    public void attentionFeaturesBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        require(h.rank() == 3, "attentionFeaturesBackward needs h [B,T,H]", h);
        int b = h.dim(0);
        int t = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && dOut.size() == 4L * b * t * d && dq.size() == q.size()
                && dh.size() == h.size(), "attentionFeaturesBackward", q, h, dOut, dq, dh);
        DType act = Activations.of("attentionFeaturesBackward", q, h, dOut, dq, dh);
        launch(kernel("attention_features_backward", act).pointer(addr(q)).pointer(addr(h)).pointer(addr(dOut))
                .pointer(addr(dq)).pointer(addr(dh)).i32(b).i32(t).i32(d), (long) b * d + h.size());
    }

    public void broadcastMul(Tensor q, Tensor h, Tensor out) {
        require(h.rank() == 3, "broadcastMul needs h [B,T,D]", h);
        int b = h.dim(0);
        int t = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && out.size() == h.size(), "broadcastMul", q, h, out);
        DType act = Activations.of("broadcastMul", q, h, out);
        launch(kernel("broadcast_mul", act).pointer(addr(q)).pointer(addr(h)).pointer(addr(out)).i32(b).i32(t).i32(d),
                h.size());
    }

    public void broadcastMulBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        require(h.rank() == 3, "broadcastMulBackward needs h [B,T,D]", h);
        int b = h.dim(0);
        int t = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && dOut.size() == h.size() && dq.size() == q.size()
                && dh.size() == h.size(), "broadcastMulBackward", q, h, dOut, dq, dh);
        DType act = Activations.of("broadcastMulBackward", q, h, dOut, dq, dh);
        launch(kernel("broadcast_mul_backward", act).pointer(addr(q)).pointer(addr(h)).pointer(addr(dOut))
                .pointer(addr(dq)).pointer(addr(dh)).i32(b).i32(t).i32(d), (long) b * d + h.size());
    }
}
