package dev.sim4j.engine.reference;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.CpuTensor;
import dev.sim4j.engine.kernels.AttentionKernels;
import dev.sim4j.engine.kernels.Shapes;
import java.util.Arrays;

/**
 * The reference attention and selection kernels: dot products, weighted sums and softmax in double, top-k by a stable
 * sort.
 */
final class ScalarAttention implements AttentionKernels {
    @Override
    public void batchedDot(Tensor keys, Tensor query, Tensor out) {
        int b = keys.dim(0);
        int tt = keys.dim(1);
        int d = keys.dim(2);
        Shapes.require(query.size() == (long) b * d && out.size() == (long) b * tt, "batchedDot", keys, query, out);
        CpuTensor k = CpuTensor.of(keys);
        CpuTensor q = CpuTensor.of(query);
        CpuTensor o = CpuTensor.of(out);
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < tt; s++) {
                double acc = 0;
                for (int j = 0; j < d; j++) {
                    acc += k.get((i * tt + s) * d + j) * q.get(i * d + j);
                }
                o.set(i * tt + s, acc);
            }
        }
    }

    @Override
    public void batchedDotBackward(Tensor keys, Tensor query, Tensor dOut, Tensor dKeys, Tensor dQuery) {
        int b = keys.dim(0);
        int tt = keys.dim(1);
        int d = keys.dim(2);
        CpuTensor k = CpuTensor.of(keys);
        CpuTensor q = CpuTensor.of(query);
        CpuTensor g = CpuTensor.of(dOut);
        CpuTensor dk = CpuTensor.of(dKeys);
        CpuTensor dq = CpuTensor.of(dQuery);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < d; j++) {
                double acc = 0;
                for (int s = 0; s < tt; s++) {
                    double gv = g.get(i * tt + s);
                    int at = (i * tt + s) * d + j;
                    dk.set(at, dk.get(at) + gv * q.get(i * d + j));
                    acc += gv * k.get(at);
                }
                dq.set(i * d + j, dq.get(i * d + j) + acc);
            }
        }
    }

    @Override
    public void weightedSum(Tensor weights, Tensor values, Tensor out) {
        int b = values.dim(0);
        int tt = values.dim(1);
        int d = values.dim(2);
        Shapes.require(weights.size() == (long) b * tt && out.size() == (long) b * d, "weightedSum", weights, values, out);
        CpuTensor w = CpuTensor.of(weights);
        CpuTensor v = CpuTensor.of(values);
        CpuTensor o = CpuTensor.of(out);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < d; j++) {
                double acc = 0;
                for (int s = 0; s < tt; s++) {
                    acc += w.get(i * tt + s) * v.get((i * tt + s) * d + j);
                }
                o.set(i * d + j, acc);
            }
        }
    }

    @Override
    public void weightedSumBackward(Tensor weights, Tensor values, Tensor dOut, Tensor dWeights, Tensor dValues) {
        int b = values.dim(0);
        int tt = values.dim(1);
        int d = values.dim(2);
        CpuTensor w = CpuTensor.of(weights);
        CpuTensor v = CpuTensor.of(values);
        CpuTensor g = CpuTensor.of(dOut);
        CpuTensor dw = CpuTensor.of(dWeights);
        CpuTensor dv = CpuTensor.of(dValues);
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < tt; s++) {
                double acc = 0;
                for (int j = 0; j < d; j++) {
                    int at = (i * tt + s) * d + j;
                    acc += g.get(i * d + j) * v.get(at);
                    dv.set(at, dv.get(at) + w.get(i * tt + s) * g.get(i * d + j));
                }
                dw.set(i * tt + s, acc);
            }
        }
    }

    @Override
    public void maskedSoftmax(Tensor scores, Tensor mask, Tensor out) {
        Shapes.sameSize(scores, mask, "maskedSoftmax");
        Shapes.sameSize(scores, out, "maskedSoftmax");
        int tt = scores.dim(-1);
        int b = Shapes.rowsOf(scores);
        CpuTensor s = CpuTensor.of(scores);
        CpuTensor m = CpuTensor.of(mask);
        CpuTensor o = CpuTensor.of(out);
        for (int i = 0; i < b; i++) {
            double max = Double.NEGATIVE_INFINITY;
            int live = 0;
            for (int k = 0; k < tt; k++) {
                if (m.get(i * tt + k) != 0) {
                    max = Math.max(max, s.get(i * tt + k));
                    live++;
                }
            }
            if (live == 0) {
                for (int k = 0; k < tt; k++) {
                    o.set(i * tt + k, 1.0 / tt);
                }
                continue;
            }
            double z = 0;
            for (int k = 0; k < tt; k++) {
                if (m.get(i * tt + k) != 0) {
                    z += Math.exp(s.get(i * tt + k) - max);
                }
            }
            for (int k = 0; k < tt; k++) {
                o.set(i * tt + k, m.get(i * tt + k) != 0 ? Math.exp(s.get(i * tt + k) - max) / z : 0);
            }
        }
    }

    @Override
    public void maskedSoftmaxBackward(Tensor p, Tensor dp, Tensor mask, Tensor dScores) {
        int tt = p.dim(-1);
        int b = Shapes.rowsOf(p);
        CpuTensor pp = CpuTensor.of(p);
        CpuTensor g = CpuTensor.of(dp);
        CpuTensor m = CpuTensor.of(mask);
        CpuTensor o = CpuTensor.of(dScores);
        for (int i = 0; i < b; i++) {
            double dot = 0;
            for (int k = 0; k < tt; k++) {
                dot += pp.get(i * tt + k) * g.get(i * tt + k);
            }
            for (int k = 0; k < tt; k++) {
                int at = i * tt + k;
                o.set(at, m.get(at) != 0 ? pp.get(at) * (g.get(at) - dot) : 0);
            }
        }
    }

    @Override
    public void topK(Tensor weights, int k, Tensor indices) {
        int tt = weights.dim(-1);
        int b = Shapes.rowsOf(weights);
        Shapes.require(k <= tt && indices.size() == (long) b * k, "topK with k = " + k, weights, indices);
        CpuTensor w = CpuTensor.of(weights);
        CpuTensor o = CpuTensor.of(indices);
        Integer[] order = new Integer[tt];
        for (int i = 0; i < b; i++) {
            int base = i * tt;
            for (int s = 0; s < tt; s++) {
                order[s] = s;
            }
            // Stable sort by descending weight: equal weights keep the lower position first.
            Arrays.sort(order, (x, y) -> Double.compare(w.get(base + y), w.get(base + x)));
            for (int j = 0; j < k; j++) {
                o.set(i * k + j, order[j]);
            }
        }
    }

    @Override
    public void gatherTime(Tensor x, Tensor idx, Tensor out) {
        int b = x.dim(0);
        int tt = x.dim(1);
        int d = x.dim(2);
        int k = idx.dim(-1);
        Shapes.require(out.size() == (long) b * k * d, "gatherTime", x, idx, out);
        CpuTensor s = CpuTensor.of(x);
        CpuTensor id = CpuTensor.of(idx);
        CpuTensor o = CpuTensor.of(out);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                int pos = id.getInt(i * k + j);
                for (int c = 0; c < d; c++) {
                    o.set((i * k + j) * d + c, s.get((i * tt + pos) * d + c));
                }
            }
        }
    }

    @Override
    public void scatterAddTime(Tensor dOut, Tensor idx, Tensor dX) {
        int b = dX.dim(0);
        int tt = dX.dim(1);
        int d = dX.dim(2);
        int k = idx.dim(-1);
        CpuTensor g = CpuTensor.of(dOut);
        CpuTensor id = CpuTensor.of(idx);
        CpuTensor o = CpuTensor.of(dX);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                int pos = id.getInt(i * k + j);
                for (int c = 0; c < d; c++) {
                    int at = (i * tt + pos) * d + c;
                    o.set(at, o.get(at) + g.get((i * k + j) * d + c));
                }
            }
        }
    }

    @Override
    public void gatherColumns(Tensor x, Tensor idx, Tensor out) {
        int tt = x.dim(-1);
        int b = Shapes.rowsOf(x);
        int k = idx.dim(-1);
        Shapes.require(out.size() == (long) b * k, "gatherColumns", x, idx, out);
        CpuTensor s = CpuTensor.of(x);
        CpuTensor id = CpuTensor.of(idx);
        CpuTensor o = CpuTensor.of(out);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < k; j++) {
                o.set(i * k + j, s.get(i * tt + id.getInt(i * k + j)));
            }
        }
    }

    @Override
    public void positive(Tensor x, Tensor out) {
        Shapes.sameSize(x, out, "positive");
        CpuTensor s = CpuTensor.of(x);
        CpuTensor o = CpuTensor.of(out);
        for (int k = 0; k < s.elements(); k++) {
            o.set(k, s.get(k) > 0 ? 1 : 0);
        }
    }

    @Override
    public void nonPadding(Tensor ids, Tensor out) {
        Shapes.sameSize(ids, out, "nonPadding");
        CpuTensor s = CpuTensor.of(ids);
        CpuTensor o = CpuTensor.of(out);
        for (int k = 0; k < s.elements(); k++) {
            o.set(k, s.getInt(k) > 0 ? 1 : 0);
        }
    }

    @Override
    public void attentionFeatures(Tensor q, Tensor h, Tensor out) {
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        Shapes.require(q.size() == (long) b * d && out.size() == 4L * b * tt * d, "attentionFeatures", q, h, out);
        CpuTensor qq = CpuTensor.of(q);
        CpuTensor hh = CpuTensor.of(h);
        CpuTensor o = CpuTensor.of(out);
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < tt; s++) {
                int base = (i * tt + s) * 4 * d;
                for (int j = 0; j < d; j++) {
                    double qv = qq.get(i * d + j);
                    double hv = hh.get((i * tt + s) * d + j);
                    o.set(base + j, qv);
                    o.set(base + d + j, hv);
                    o.set(base + 2 * d + j, qv - hv);
                    o.set(base + 3 * d + j, qv * hv);
                }
            }
        }
    }

    @Override
    public void attentionFeaturesBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        CpuTensor qq = CpuTensor.of(q);
        CpuTensor hh = CpuTensor.of(h);
        CpuTensor g = CpuTensor.of(dOut);
        CpuTensor dQ = CpuTensor.of(dq);
        CpuTensor dH = CpuTensor.of(dh);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < d; j++) {
                double qv = qq.get(i * d + j);
                double accQ = 0;
                for (int s = 0; s < tt; s++) {
                    int base = (i * tt + s) * 4 * d;
                    double hv = hh.get((i * tt + s) * d + j);
                    double g0 = g.get(base + j);
                    double g1 = g.get(base + d + j);
                    double g2 = g.get(base + 2 * d + j);
                    double g3 = g.get(base + 3 * d + j);
                    accQ += g0 + g2 + g3 * hv;
                    int hi = (i * tt + s) * d + j;
                    dH.set(hi, dH.get(hi) + g1 - g2 + g3 * qv);
                }
                dQ.set(i * d + j, dQ.get(i * d + j) + accQ);
            }
        }
    }

    @Override
    public void broadcastMul(Tensor q, Tensor h, Tensor out) {
        Shapes.require(h.rank() == 3, "broadcastMul needs h [B,T,D]", h);
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        Shapes.require(q.size() == (long) b * d && out.size() == h.size(), "broadcastMul", q, h, out);
        CpuTensor qq = CpuTensor.of(q);
        CpuTensor hh = CpuTensor.of(h);
        CpuTensor o = CpuTensor.of(out);
        for (int i = 0; i < b; i++) {
            for (int s = 0; s < tt; s++) {
                for (int j = 0; j < d; j++) {
                    int k = (i * tt + s) * d + j;
                    o.set(k, qq.get(i * d + j) * hh.get(k));
                }
            }
        }
    }

    @Override
    public void broadcastMulBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        Shapes.require(h.rank() == 3, "broadcastMulBackward needs h [B,T,D]", h);
        int b = h.dim(0);
        int tt = h.dim(1);
        int d = h.dim(2);
        Shapes.require(q.size() == (long) b * d && dOut.size() == h.size() && dq.size() == q.size()
                && dh.size() == h.size(), "broadcastMulBackward", q, h, dOut, dq, dh);
        CpuTensor qq = CpuTensor.of(q);
        CpuTensor hh = CpuTensor.of(h);
        CpuTensor g = CpuTensor.of(dOut);
        CpuTensor gq = CpuTensor.of(dq);
        CpuTensor gh = CpuTensor.of(dh);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int s = 0; s < tt; s++) {
                    int k = (i * tt + s) * d + j;
                    sum += g.get(k) * hh.get(k);
                    gh.set(k, gh.get(k) + g.get(k) * qq.get(i * d + j));
                }
                gq.set(i * d + j, gq.get(i * d + j) + sum);
            }
        }
    }
}
