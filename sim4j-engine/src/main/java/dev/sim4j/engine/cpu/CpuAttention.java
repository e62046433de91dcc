package dev.sim4j.engine.cpu;

import static dev.sim4j.engine.cpu.CpuArrays.checkIds;
import static dev.sim4j.engine.cpu.CpuArrays.dot;
import static dev.sim4j.engine.cpu.CpuArrays.dot4;
import static dev.sim4j.engine.cpu.CpuArrays.f32;
import static dev.sim4j.engine.cpu.CpuArrays.i32;
import static dev.sim4j.engine.kernels.Shapes.require;
import static dev.sim4j.engine.kernels.Shapes.rowsOf;
import static dev.sim4j.engine.kernels.Shapes.sameSize;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.kernels.AttentionKernels;
import java.util.Arrays;

/** The CPU backend's attention and selection kernels, parallel over the batch; reductions in double, in order. */
final class CpuAttention implements AttentionKernels {
    private final CpuParallel par;

    CpuAttention(CpuParallel par) {
        this.par = par;
    }

    @Override
    public void batchedDot(Tensor keys, Tensor query, Tensor out) {
        int b = keys.dim(0);
        int tt = keys.dim(1);
        int d = keys.dim(2);
        require(query.size() == (long) b * d && out.size() == (long) b * tt, "batchedDot", keys, query, out);
        CpuTensor k = f32(keys);
        CpuTensor q = f32(query);
        CpuTensor o = f32(out);
        par.forChunks(b, CpuParallel.rowGrain((long) tt * d), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int s = 0;
                for (; s + 4 <= tt; s += 4) {
                    dot4(k.f, k.offset + (i * tt + s) * d, d, q.f, q.offset + i * d, d, o.f, o.offset + i * tt + s);
                }
                for (; s < tt; s++) {
                    o.f[o.offset + i * tt + s] = (float) dot(k.f, k.offset + (i * tt + s) * d, q.f, q.offset + i * d, d);
                }
            }
        });
    }

    @Override
    public void batchedDotBackward(Tensor keys, Tensor query, Tensor dOut, Tensor dKeys, Tensor dQuery) {
        int b = keys.dim(0);
        int tt = keys.dim(1);
        int d = keys.dim(2);
        require(query.size() == (long) b * d && dOut.size() == (long) b * tt && dKeys.size() == keys.size()
                && dQuery.size() == query.size(), "batchedDotBackward", keys, query, dOut, dKeys, dQuery);
        CpuTensor k = f32(keys);
        CpuTensor q = f32(query);
        CpuTensor g = f32(dOut);
        CpuTensor dk = f32(dKeys);
        CpuTensor dq = f32(dQuery);
        par.forChunks(b, CpuParallel.rowGrain((long) tt * d), (lo, hi) -> {
            double[] acc = new double[d];
            for (int i = lo; i < hi; i++) {
                Arrays.fill(acc, 0);
                int qi = q.offset + i * d;
                for (int s = 0; s < tt; s++) {
                    float gv = g.f[g.offset + i * tt + s];
                    int ki = k.offset + (i * tt + s) * d;
                    int dki = dk.offset + (i * tt + s) * d;
                    for (int j = 0; j < d; j++) {
                        // fma: one rounding, as the double reference rounded to float.
                        dk.f[dki + j] = Math.fma(gv, q.f[qi + j], dk.f[dki + j]);
                        acc[j] += (double) gv * k.f[ki + j];
                    }
                }
                int dqi = dq.offset + i * d;
                for (int j = 0; j < d; j++) {
                    dq.f[dqi + j] = (float) (dq.f[dqi + j] + acc[j]);
                }
            }
        });
    }

    @Override
    public void weightedSum(Tensor weights, Tensor values, Tensor out) {
        int b = values.dim(0);
        int tt = values.dim(1);
        int d = values.dim(2);
        require(weights.size() == (long) b * tt && out.size() == (long) b * d, "weightedSum", weights, values, out);
        CpuTensor w = f32(weights);
        CpuTensor v = f32(values);
        CpuTensor o = f32(out);
        par.forChunks(b, CpuParallel.rowGrain((long) tt * d), (lo, hi) -> {
            double[] acc = new double[d];
            for (int i = lo; i < hi; i++) {
                Arrays.fill(acc, 0);
                for (int s = 0; s < tt; s++) {
                    double wv = w.f[w.offset + i * tt + s];
                    int vi = v.offset + (i * tt + s) * d;
                    for (int j = 0; j < d; j++) {
                        acc[j] += wv * v.f[vi + j];
                    }
                }
                int oi = o.offset + i * d;
                for (int j = 0; j < d; j++) {
                    o.f[oi + j] = (float) acc[j];
                }
            }
        });
    }

    @Override
    public void weightedSumBackward(Tensor weights, Tensor values, Tensor dOut, Tensor dWeights, Tensor dValues) {
        int b = values.dim(0);
        int tt = values.dim(1);
        int d = values.dim(2);
        require(weights.size() == (long) b * tt && dOut.size() == (long) b * d && dWeights.size() == (long) b * tt
                && dValues.size() == values.size(), "weightedSumBackward", weights, values, dOut, dWeights, dValues);
        CpuTensor w = f32(weights);
        CpuTensor v = f32(values);
        CpuTensor g = f32(dOut);
        CpuTensor dw = f32(dWeights);
        CpuTensor dv = f32(dValues);
        par.forChunks(b, CpuParallel.rowGrain((long) tt * d), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int gi = g.offset + i * d;
                for (int s = 0; s < tt; s++) {
                    float wv = w.f[w.offset + i * tt + s];
                    int vi = v.offset + (i * tt + s) * d;
                    int dvi = dv.offset + (i * tt + s) * d;
                    dw.f[dw.offset + i * tt + s] = (float) dot(g.f, gi, v.f, vi, d);
                    for (int j = 0; j < d; j++) {
                        dv.f[dvi + j] = Math.fma(wv, g.f[gi + j], dv.f[dvi + j]);
                    }
                }
            }
        });
    }

    @Override
    public void maskedSoftmax(Tensor scores, Tensor mask, Tensor out) {
        sameSize(scores, mask, "maskedSoftmax");
        sameSize(scores, out, "maskedSoftmax");
        int tt = scores.dim(-1);
        int b = rowsOf(scores);
        CpuTensor s = f32(scores);
        CpuTensor m = f32(mask);
        CpuTensor o = f32(out);
        par.forChunks(b, CpuParallel.rowGrain(tt * 8L), (lo, hi) -> {
            double[] e = new double[tt];
            for (int i = lo; i < hi; i++) {
                int si = s.offset + i * tt;
                int mi = m.offset + i * tt;
                int oi = o.offset + i * tt;
                double max = Double.NEGATIVE_INFINITY;
                int live = 0;
                for (int k = 0; k < tt; k++) {
                    if (m.f[mi + k] != 0) {
                        max = Math.max(max, s.f[si + k]);
                        live++;
                    }
                }
                if (live == 0) {
                    // The reference replaces masked scores by the lowest float, so an all-masked row is uniform.
                    Arrays.fill(o.f, oi, oi + tt, (float) (1.0 / tt));
                    continue;
                }
                double z = 0;
                for (int k = 0; k < tt; k++) {
                    e[k] = m.f[mi + k] != 0 ? Math.exp(s.f[si + k] - max) : 0;
                    z += e[k];
                }
                for (int k = 0; k < tt; k++) {
                    o.f[oi + k] = (float) (e[k] / z);
                }
            }
        });
    }

    @Override
    public void maskedSoftmaxBackward(Tensor p, Tensor dp, Tensor mask, Tensor dScores) {
        sameSize(p, dp, "maskedSoftmaxBackward");
        sameSize(p, mask, "maskedSoftmaxBackward");
        sameSize(p, dScores, "maskedSoftmaxBackward");
        int tt = p.dim(-1);
        int b = rowsOf(p);
        CpuTensor pp = f32(p);
        CpuTensor g = f32(dp);
        CpuTensor m = f32(mask);
        CpuTensor o = f32(dScores);
        par.forChunks(b, CpuParallel.rowGrain(tt * 4L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int pi = pp.offset + i * tt;
                int gi = g.offset + i * tt;
                int mi = m.offset + i * tt;
                int oi = o.offset + i * tt;
                double dot = dot(pp.f, pi, g.f, gi, tt);
                for (int k = 0; k < tt; k++) {
                    o.f[oi + k] = m.f[mi + k] != 0 ? (float) (pp.f[pi + k] * (g.f[gi + k] - dot)) : 0f;
                }
            }
        });
    }

    @Override
    public void topK(Tensor weights, int k, Tensor indices) {
        int tt = weights.dim(-1);
        int b = rowsOf(weights);
        require(k >= 0 && k <= tt && indices.size() == (long) b * k, "topK with k = " + k, weights, indices);
        CpuTensor w = f32(weights);
        CpuTensor o = i32(indices);
        if (k == 0) {
            return;
        }
        par.forChunks(b, CpuParallel.rowGrain(tt * 8L), (lo, hi) -> {
            long[] keys = new long[tt];
            for (int i = lo; i < hi; i++) {
                int wi = w.offset + i * tt;
                for (int s = 0; s < tt; s++) {
                    keys[s] = TopK.key(w.f[wi + s], s);
                }
                TopK.selectSmallest(keys, k);
                Arrays.sort(keys, 0, k);
                int oi = o.offset + i * k;
                for (int j = 0; j < k; j++) {
                    o.i[oi + j] = (int) keys[j];
                }
            }
        });
    }

    @Override
    public void gatherTime(Tensor x, Tensor idx, Tensor out) {
        require(x.rank() == 3, "gatherTime needs x [B,T,D]", x);
        int b = x.dim(0);
        int tt = x.dim(1);
        int d = x.dim(2);
        int k = idx.dim(-1);
        require(idx.size() == (long) b * k && out.size() == (long) b * k * d, "gatherTime", x, idx, out);
        CpuTensor s = f32(x);
        CpuTensor id = i32(idx);
        CpuTensor o = f32(out);
        checkIds(id, tt, "gatherTime");
        par.forChunks(b, CpuParallel.rowGrain((long) k * d), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < k; j++) {
                    int pos = id.i[id.offset + i * k + j];
                    System.arraycopy(s.f, s.offset + (i * tt + pos) * d, o.f, o.offset + (i * k + j) * d, d);
                }
            }
        });
    }

    @Override
    public void scatterAddTime(Tensor dOut, Tensor idx, Tensor dX) {
        require(dX.rank() == 3, "scatterAddTime needs dX [B,T,D]", dX);
        int b = dX.dim(0);
        int tt = dX.dim(1);
        int d = dX.dim(2);
        int k = idx.dim(-1);
        require(idx.size() == (long) b * k && dOut.size() == (long) b * k * d, "scatterAddTime", dOut, idx, dX);
        CpuTensor g = f32(dOut);
        CpuTensor id = i32(idx);
        CpuTensor o = f32(dX);
        checkIds(id, tt, "scatterAddTime");
        // Parallel over b only: the rows one b writes belong to it, and within it the adds run in order of j.
        par.forChunks(b, CpuParallel.rowGrain((long) k * d), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < k; j++) {
                    int dst = o.offset + (i * tt + id.i[id.offset + i * k + j]) * d;
                    int src = g.offset + (i * k + j) * d;
                    for (int c = 0; c < d; c++) {
                        o.f[dst + c] += g.f[src + c];
                    }
                }
            }
        });
    }

    @Override
    public void gatherColumns(Tensor x, Tensor idx, Tensor out) {
        int tt = x.dim(-1);
        int b = rowsOf(x);
        int k = idx.dim(-1);
        require(idx.size() == (long) b * k && out.size() == (long) b * k, "gatherColumns", x, idx, out);
        CpuTensor s = f32(x);
        CpuTensor id = i32(idx);
        CpuTensor o = f32(out);
        checkIds(id, tt, "gatherColumns");
        par.forChunks(b, CpuParallel.rowGrain(k), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < k; j++) {
                    o.f[o.offset + i * k + j] = s.f[s.offset + i * tt + id.i[id.offset + i * k + j]];
                }
            }
        });
    }

    @Override
    public void positive(Tensor x, Tensor out) {
        sameSize(x, out, "positive");
        CpuTensor s = f32(x);
        CpuTensor o = f32(out);
        par.forChunks(s.size, CpuParallel.WORK, (lo, hi) -> {
            for (int k = lo; k < hi; k++) {
                o.f[o.offset + k] = s.f[s.offset + k] > 0 ? 1f : 0f;
            }
        });
    }

    @Override
    public void nonPadding(Tensor ids, Tensor out) {
        sameSize(ids, out, "nonPadding");
        CpuTensor s = i32(ids);
        CpuTensor o = f32(out);
        par.forChunks(s.size, CpuParallel.WORK, (lo, hi) -> {
            for (int k = lo; k < hi; k++) {
                o.f[o.offset + k] = s.i[s.offset + k] > 0 ? 1f : 0f;
            }
        });
    }

    @Override
    public void broadcastMul(Tensor q, Tensor h, Tensor out) {
        require(h.rank() == 3, "broadcastMul needs h [B,T,D]", h);
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && out.size() == h.size(), "broadcastMul", q, h, out);
        CpuTensor qq = f32(q);
        CpuTensor hh = f32(h);
        CpuTensor o = f32(out);
        par.forChunks(b, CpuParallel.rowGrain((long) tt * d), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int qi = qq.offset + i * d;
                for (int s = 0; s < tt; s++) {
                    int hi2 = hh.offset + (i * tt + s) * d;
                    int oi = o.offset + (i * tt + s) * d;
                    for (int j = 0; j < d; j++) {
                        o.f[oi + j] = qq.f[qi + j] * hh.f[hi2 + j];
                    }
                }
            }
        });
    }

    @Override
    public void broadcastMulBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        require(h.rank() == 3, "broadcastMulBackward needs h [B,T,D]", h);
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && dOut.size() == h.size() && dq.size() == q.size()
                && dh.size() == h.size(), "broadcastMulBackward", q, h, dOut, dq, dh);
        CpuTensor qq = f32(q);
        CpuTensor hh = f32(h);
        CpuTensor g = f32(dOut);
        CpuTensor gq = f32(dq);
        CpuTensor gh = f32(dh);
        par.forChunks(b, CpuParallel.rowGrain((long) tt * d), (lo, hi) -> {
            double[] sum = new double[d];
            for (int i = lo; i < hi; i++) {
                Arrays.fill(sum, 0);
                int qi = qq.offset + i * d;
                for (int s = 0; s < tt; s++) {
                    int k = (i * tt + s) * d;
                    for (int j = 0; j < d; j++) {
                        float gv = g.f[g.offset + k + j];
                        sum[j] += (double) gv * hh.f[hh.offset + k + j];
                        gh.f[gh.offset + k + j] += gv * qq.f[qi + j];
                    }
                }
                for (int j = 0; j < d; j++) {
                    gq.f[gq.offset + i * d + j] = (float) (gq.f[gq.offset + i * d + j] + sum[j]);
                }
            }
        });
    }

    @Override
    public void attentionFeatures(Tensor q, Tensor h, Tensor out) {
        require(h.rank() == 3, "attentionFeatures needs h [B,T,H]", h);
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && out.size() == 4L * b * tt * d, "attentionFeatures", q, h, out);
        CpuTensor qq = f32(q);
        CpuTensor hh = f32(h);
        CpuTensor o = f32(out);
        par.forChunks(b, CpuParallel.rowGrain(4L * tt * d), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int qi = qq.offset + i * d;
                for (int s = 0; s < tt; s++) {
                    int base = o.offset + (i * tt + s) * 4 * d;
                    int hi2 = hh.offset + (i * tt + s) * d;
                    System.arraycopy(qq.f, qi, o.f, base, d);
                    System.arraycopy(hh.f, hi2, o.f, base + d, d);
                    for (int j = 0; j < d; j++) {
                        float qv = qq.f[qi + j];
                        float hv = hh.f[hi2 + j];
                        o.f[base + 2 * d + j] = qv - hv;
                        o.f[base + 3 * d + j] = qv * hv;
                    }
                }
            }
        });
    }

    @Override
    public void attentionFeaturesBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        require(h.rank() == 3, "attentionFeaturesBackward needs h [B,T,H]", h);
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        require(q.size() == (long) b * d && dOut.size() == 4L * b * tt * d && dq.size() == q.size()
                && dh.size() == h.size(), "attentionFeaturesBackward", q, h, dOut, dq, dh);
        CpuTensor qq = f32(q);
        CpuTensor hh = f32(h);
        CpuTensor g = f32(dOut);
        CpuTensor dQ = f32(dq);
        CpuTensor dH = f32(dh);
        par.forChunks(b, CpuParallel.rowGrain(4L * tt * d), (lo, hi) -> {
            double[] acc = new double[d];
            for (int i = lo; i < hi; i++) {
                Arrays.fill(acc, 0);
                int qi = qq.offset + i * d;
                for (int s = 0; s < tt; s++) {
                    int base = g.offset + (i * tt + s) * 4 * d;
                    int hIdx = (i * tt + s) * d;
                    for (int j = 0; j < d; j++) {
                        double qv = qq.f[qi + j];
                        double hv = hh.f[hh.offset + hIdx + j];
                        double g0 = g.f[base + j];
                        double g1 = g.f[base + d + j];
                        double g2 = g.f[base + 2 * d + j];
                        double g3 = g.f[base + 3 * d + j];
                        acc[j] += g0 + g2 + g3 * hv;
                        int at = dH.offset + hIdx + j;
                        dH.f[at] = (float) (dH.f[at] + g1 - g2 + g3 * qv);
                    }
                }
                int dqi = dQ.offset + i * d;
                for (int j = 0; j < d; j++) {
                    dQ.f[dqi + j] = (float) (dQ.f[dqi + j] + acc[j]);
                }
            }
        });
    }
}
