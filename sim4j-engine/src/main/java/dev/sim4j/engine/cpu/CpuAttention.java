package dev.sim4j.engine.cpu;

import static dev.sim4j.engine.cpu.CpuArrays.checkIds;
import static dev.sim4j.engine.cpu.CpuArrays.dot;
import static dev.sim4j.engine.cpu.CpuArrays.dot4;
import static dev.sim4j.engine.cpu.CpuArrays.f32;
import static dev.sim4j.engine.cpu.CpuArrays.i32;
import static dev.sim4j.engine.kernels.Shapes.require;
import static dev.sim4j.engine.kernels.Shapes.rowsOf;
import static dev.sim4j.engine.kernels.Shapes.sameSize;
import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.F2D;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.simd.RowAdd;
import dev.sim4j.engine.kernels.AttentionKernels;
import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The CPU backend's attention and selection kernels, parallel over the batch; reductions in double, in order. */
final class CpuAttention implements AttentionKernels {
    /** Doubles per vector of the in-order sums over t; their floats load through a species of as many lanes. */
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> FH = VectorSpecies.of(float.class,
            jdk.incubator.vector.VectorShape.forBitSize(DS.vectorBitSize() / 2));
    private static final int L = DS.length();
    /** The float vectors of the element-wise FMAs into gradients. */
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();
    /**
     * The lanes {@link #transposeBlocks} picks from pairs of eight-float vectors (0-7 the first, 8-15 the second):
     * halves, then pairs, then single lanes of rows four, two and one apart.
     */
    private static final float[] PICKS = {0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12, 13, 14, 15,
        0, 1, 8, 9, 4, 5, 12, 13, 2, 3, 10, 11, 6, 7, 14, 15,
        0, 8, 2, 10, 4, 12, 6, 14, 1, 9, 3, 11, 5, 13, 7, 15};

    private final CpuParallel par;
    private final Scratch scratch;

    CpuAttention(CpuParallel par, Scratch scratch) {
        this.par = par;
        this.scratch = scratch;
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
            float[] buf = scratch.floats(Scratch.Slot.ATTENTION_ROW, tt * d);
            for (int i = lo; i < hi; i++) {
                rowDots(k.f, k.offset + i * tt * d, q.f, q.offset + i * d, tt, d, o.f, o.offset + i * tt, buf);
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
            for (int i = lo; i < hi; i++) {
                addOuter(g.f, g.offset + i * tt, q.f, q.offset + i * d, tt, d, dk.f, dk.offset + i * tt * d);
                weightedRow(g.f, g.offset + i * tt, k.f, k.offset + i * tt * d, tt, d, dq.f, dq.offset + i * d, true);
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
            for (int i = lo; i < hi; i++) {
                weightedRow(w.f, w.offset + i * tt, v.f, v.offset + i * tt * d, tt, d, o.f, o.offset + i * d, false);
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
            float[] buf = scratch.floats(Scratch.Slot.ATTENTION_ROW, tt * d);
            for (int i = lo; i < hi; i++) {
                rowDots(v.f, v.offset + i * tt * d, g.f, g.offset + i * d, tt, d, dw.f, dw.offset + i * tt, buf);
                addOuter(w.f, w.offset + i * tt, g.f, g.offset + i * d, tt, d, dv.f, dv.offset + i * tt * d);
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
            double[] e = scratch.doubles(Scratch.Slot.ATTENTION_SUMS, tt);
            for (int i = lo; i < hi; i++) {
                softmaxRow(s.f, s.offset + i * tt, m.f, m.offset + i * tt, tt, o.f, o.offset + i * tt, e);
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
                softmaxBackwardRow(pp.f, pp.offset + i * tt, g.f, g.offset + i * tt, m.f, m.offset + i * tt, tt, o.f,
                        o.offset + i * tt);
            }
        });
    }

    /**
     * The composition batchedDot, maskedSoftmax, weightedSum row by row, so that a row's keys are read from memory
     * once and stay in L1 for the second stage; every element gets the composition's operations, hence its bits
     * (each stage writes its float output and the next reads it back, as between the separate kernels).
     */
    @Override
    public void dotAttention(Tensor keys, Tensor query, Tensor mask, Tensor scores, Tensor weights, Tensor out) {
        require(keys.rank() == 3, "dotAttention needs keys [B,T,D]", keys);
        int b = keys.dim(0);
        int tt = keys.dim(1);
        int d = keys.dim(2);
        require(query.size() == (long) b * d && mask.size() == (long) b * tt && scores.size() == (long) b * tt
                && weights.size() == (long) b * tt && out.size() == (long) b * d, "dotAttention", keys, query, mask,
                scores, weights, out);
        CpuTensor k = f32(keys);
        CpuTensor q = f32(query);
        CpuTensor m = f32(mask);
        CpuTensor s = f32(scores);
        CpuTensor w = f32(weights);
        CpuTensor o = f32(out);
        par.forChunks(b, CpuParallel.rowGrain((long) tt * d), (lo, hi) -> {
            double[] e = scratch.doubles(Scratch.Slot.ATTENTION_SUMS, tt);
            float[] buf = scratch.floats(Scratch.Slot.ATTENTION_ROW, tt * d);
            for (int i = lo; i < hi; i++) {
                int ki = k.offset + i * tt * d;
                rowDots(k.f, ki, q.f, q.offset + i * d, tt, d, s.f, s.offset + i * tt, buf);
                softmaxRow(s.f, s.offset + i * tt, m.f, m.offset + i * tt, tt, w.f, w.offset + i * tt, e);
                weightedRow(w.f, w.offset + i * tt, k.f, ki, tt, d, o.f, o.offset + i * d, false);
            }
        });
    }

    /** The composition of {@link AttentionKernels#dotAttentionBackward} row by row, with its bits (as above). */
    @Override
    public void dotAttentionBackward(Tensor keys, Tensor query, Tensor mask, Tensor weights, Tensor dOut,
                                     Tensor dWeights, Tensor dScores, Tensor dKeys, Tensor dQuery) {
        backward(keys, query, mask, weights, dOut, dWeights, dScores, null, null, dKeys, dQuery);
    }

    @Override
    public void dotAttentionBackwardWithScatter(Tensor keys, Tensor query, Tensor mask, Tensor weights, Tensor dOut,
                                                Tensor dWeights, Tensor dScores, Tensor dSelected, Tensor idx,
                                                Tensor dKeys, Tensor dQuery) {
        require(keys.rank() == 3 && idx.rank() == 2 && idx.dim(0) == keys.dim(0)
                && dSelected.size() == idx.size() * keys.dim(2), "dotAttentionBackwardWithScatter", dSelected, idx,
                keys);
        checkIds(i32(idx), keys.dim(1), "dotAttentionBackwardWithScatter");
        backward(keys, query, mask, weights, dOut, dWeights, dScores, f32(dSelected), i32(idx), dKeys, dQuery);
    }

    /** The dot-attention backward, each row's dKeys first given its scatter of {@code sel} at {@code idx} if any. */
    private void backward(Tensor keys, Tensor query, Tensor mask, Tensor weights, Tensor dOut, Tensor dWeights,
                          Tensor dScores, CpuTensor sel, CpuTensor idx, Tensor dKeys, Tensor dQuery) {
        require(keys.rank() == 3, "dotAttentionBackward needs keys [B,T,D]", keys);
        int b = keys.dim(0);
        int tt = keys.dim(1);
        int d = keys.dim(2);
        long bt = (long) b * tt;
        require(query.size() == (long) b * d && mask.size() == bt && weights.size() == bt && dOut.size() == query.size()
                && dWeights.size() == bt && dScores.size() == bt && dKeys.size() == keys.size()
                && dQuery.size() == query.size(), "dotAttentionBackward", keys, query, mask, weights, dOut, dWeights,
                dScores, dKeys, dQuery);
        CpuTensor k = f32(keys);
        CpuTensor q = f32(query);
        CpuTensor m = f32(mask);
        CpuTensor w = f32(weights);
        CpuTensor g = f32(dOut);
        CpuTensor dw = f32(dWeights);
        CpuTensor ds = f32(dScores);
        CpuTensor dk = f32(dKeys);
        CpuTensor dq = f32(dQuery);
        par.forChunks(b, CpuParallel.rowGrain((long) tt * d), (lo, hi) -> {
            float[] buf = scratch.floats(Scratch.Slot.ATTENTION_ROW, tt * d);
            for (int i = lo; i < hi; i++) {
                int ki = k.offset + i * tt * d;
                int dki = dk.offset + i * tt * d;
                int ti = i * tt;
                if (sel != null) {
                    // scatterAddTime's adds for this row, while the row is about to be worked on.
                    scatterRow(sel, idx, i, d, dk.f, dki);
                }
                // weightedSumBackward, maskedSoftmaxBackward, batchedDotBackward; dKeys gets weights * dOut added
                // before dScores * query, as in the composition.
                rowDots(k.f, ki, g.f, g.offset + i * d, tt, d, dw.f, dw.offset + ti, buf);
                addOuter(w.f, w.offset + ti, g.f, g.offset + i * d, tt, d, dk.f, dki);
                softmaxBackwardRow(w.f, w.offset + ti, dw.f, dw.offset + ti, m.f, m.offset + ti, tt, ds.f,
                        ds.offset + ti);
                addOuter(ds.f, ds.offset + ti, q.f, q.offset + i * d, tt, d, dk.f, dki);
                weightedRow(ds.f, ds.offset + ti, k.f, ki, tt, d, dq.f, dq.offset + i * d, true);
            }
        });
    }

    /**
     * out[oo + t] = (float) sum over j of (double) k[ko + t d + j] * x[xo + j], each sum in order of j, for t in
     * [0, tt). Where double vectors have eight lanes, eight positions' sums run as the lanes of a vector over their
     * keys transposed into {@code buf} (at least tt d floats); elsewhere, and for the last positions, as scalar chains
     * side by side (a lone chain waits on each add's latency). Either way every sum takes the scalar operations.
     */
    private static void rowDots(float[] k, int ko, float[] x, int xo, int tt, int d, float[] out, int oo,
                                float[] buf) {
        int t = 0;
        if (L == 8) {
            int blocks = tt / 8;
            transposeBlocks(k, ko, blocks, d, buf);
            // Two blocks at a time: two independent chains of adds.
            int bl = 0;
            for (; bl + 2 <= blocks; bl += 2) {
                DoubleVector a0 = DoubleVector.zero(DS);
                DoubleVector a1 = DoubleVector.zero(DS);
                int c0 = bl * d * 8;
                int c1 = c0 + d * 8;
                for (int j = 0; j < d; j++) {
                    DoubleVector y = DoubleVector.broadcast(DS, (double) x[xo + j]);
                    FloatVector k0 = FloatVector.fromArray(FH, buf, c0 + j * 8);
                    FloatVector k1 = FloatVector.fromArray(FH, buf, c1 + j * 8);
                    a0 = a0.add(((DoubleVector) k0.convertShape(F2D, DS, 0)).mul(y));
                    a1 = a1.add(((DoubleVector) k1.convertShape(F2D, DS, 0)).mul(y));
                }
                ((FloatVector) a0.convertShape(D2F, FH, 0)).intoArray(out, oo + bl * 8);
                ((FloatVector) a1.convertShape(D2F, FH, 0)).intoArray(out, oo + bl * 8 + 8);
            }
            for (; bl < blocks; bl++) {
                DoubleVector a0 = DoubleVector.zero(DS);
                int c0 = bl * d * 8;
                for (int j = 0; j < d; j++) {
                    DoubleVector y = DoubleVector.broadcast(DS, (double) x[xo + j]);
                    FloatVector k0 = FloatVector.fromArray(FH, buf, c0 + j * 8);
                    a0 = a0.add(((DoubleVector) k0.convertShape(F2D, DS, 0)).mul(y));
                }
                ((FloatVector) a0.convertShape(D2F, FH, 0)).intoArray(out, oo + bl * 8);
            }
            t = blocks * 8;
        }
        for (; t + 8 <= tt; t += 8) {
            // A product of two floats is exact in double, so this FMA rounds as the add of that product does.
            int k0 = ko + t * d;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            double s4 = 0;
            double s5 = 0;
            double s6 = 0;
            double s7 = 0;
            for (int j = 0; j < d; j++) {
                double y = x[xo + j];
                int a = k0 + j;
                s0 = Math.fma(k[a], y, s0);
                s1 = Math.fma(k[a + d], y, s1);
                s2 = Math.fma(k[a + 2 * d], y, s2);
                s3 = Math.fma(k[a + 3 * d], y, s3);
                s4 = Math.fma(k[a + 4 * d], y, s4);
                s5 = Math.fma(k[a + 5 * d], y, s5);
                s6 = Math.fma(k[a + 6 * d], y, s6);
                s7 = Math.fma(k[a + 7 * d], y, s7);
            }
            int o = oo + t;
            out[o] = (float) s0;
            out[o + 1] = (float) s1;
            out[o + 2] = (float) s2;
            out[o + 3] = (float) s3;
            out[o + 4] = (float) s4;
            out[o + 5] = (float) s5;
            out[o + 6] = (float) s6;
            out[o + 7] = (float) s7;
        }
        for (; t + 4 <= tt; t += 4) {
            dot4(k, ko + t * d, d, x, xo, d, out, oo + t);
        }
        for (; t < tt; t++) {
            out[oo + t] = (float) dot(k, ko + t * d, x, xo, d);
        }
    }

    /**
     * The keys of positions [8 b, 8 b + 8) for b in [0, blocks), column by column: buf[(b d + j) 8 + r] =
     * k[ko + (8 b + r) d + j]. Eight by eight tiles go through registers (three rounds of two-vector selects), the
     * last d mod 8 columns element by element.
     */
    private static void transposeBlocks(float[] k, int ko, int blocks, int d, float[] buf) {
        FloatVector h4lo = FloatVector.fromArray(FH, PICKS, 0);
        FloatVector h4hi = FloatVector.fromArray(FH, PICKS, 8);
        FloatVector h2lo = FloatVector.fromArray(FH, PICKS, 16);
        FloatVector h2hi = FloatVector.fromArray(FH, PICKS, 24);
        FloatVector h1lo = FloatVector.fromArray(FH, PICKS, 32);
        FloatVector h1hi = FloatVector.fromArray(FH, PICKS, 40);
        for (int bl = 0; bl < blocks; bl++) {
            int src = ko + bl * 8 * d;
            int dst = bl * d * 8;
            int j = 0;
            for (; j + 8 <= d; j += 8) {
                FloatVector r0 = FloatVector.fromArray(FH, k, src + j);
                FloatVector r1 = FloatVector.fromArray(FH, k, src + d + j);
                FloatVector r2 = FloatVector.fromArray(FH, k, src + 2 * d + j);
                FloatVector r3 = FloatVector.fromArray(FH, k, src + 3 * d + j);
                FloatVector r4 = FloatVector.fromArray(FH, k, src + 4 * d + j);
                FloatVector r5 = FloatVector.fromArray(FH, k, src + 5 * d + j);
                FloatVector r6 = FloatVector.fromArray(FH, k, src + 6 * d + j);
                FloatVector r7 = FloatVector.fromArray(FH, k, src + 7 * d + j);
                FloatVector a0 = h4lo.selectFrom(r0, r4);
                FloatVector a4 = h4hi.selectFrom(r0, r4);
                FloatVector a1 = h4lo.selectFrom(r1, r5);
                FloatVector a5 = h4hi.selectFrom(r1, r5);
                FloatVector a2 = h4lo.selectFrom(r2, r6);
                FloatVector a6 = h4hi.selectFrom(r2, r6);
                FloatVector a3 = h4lo.selectFrom(r3, r7);
                FloatVector a7 = h4hi.selectFrom(r3, r7);
                FloatVector c0 = h2lo.selectFrom(a0, a2);
                FloatVector c2 = h2hi.selectFrom(a0, a2);
                FloatVector c1 = h2lo.selectFrom(a1, a3);
                FloatVector c3 = h2hi.selectFrom(a1, a3);
                FloatVector c4 = h2lo.selectFrom(a4, a6);
                FloatVector c6 = h2hi.selectFrom(a4, a6);
                FloatVector c5 = h2lo.selectFrom(a5, a7);
                FloatVector c7 = h2hi.selectFrom(a5, a7);
                int o = dst + j * 8;
                h1lo.selectFrom(c0, c1).intoArray(buf, o);
                h1hi.selectFrom(c0, c1).intoArray(buf, o + 8);
                h1lo.selectFrom(c2, c3).intoArray(buf, o + 16);
                h1hi.selectFrom(c2, c3).intoArray(buf, o + 24);
                h1lo.selectFrom(c4, c5).intoArray(buf, o + 32);
                h1hi.selectFrom(c4, c5).intoArray(buf, o + 40);
                h1lo.selectFrom(c6, c7).intoArray(buf, o + 48);
                h1hi.selectFrom(c6, c7).intoArray(buf, o + 56);
            }
            for (; j < d; j++) {
                for (int r = 0; r < 8; r++) {
                    buf[dst + j * 8 + r] = k[src + r * d + j];
                }
            }
        }
    }

    /**
     * out[oo + j] = (float) sum over t of (double) w[wo + t] * v[vo + t d + j] for j in [0, d), each sum in order of
     * t, or with {@code accumulate} (float) (out[oo + j] + that sum). The sums of {@link #L} columns run as the lanes
     * of a vector (up to four vectors side by side); each lane's multiply and add round as the scalar ones do.
     */
    private static void weightedRow(float[] w, int wo, float[] v, int vo, int tt, int d, float[] out, int oo,
                                    boolean accumulate) {
        int j = 0;
        for (; j + 4 * L <= d; j += 4 * L) {
            DoubleVector a0 = DoubleVector.zero(DS);
            DoubleVector a1 = DoubleVector.zero(DS);
            DoubleVector a2 = DoubleVector.zero(DS);
            DoubleVector a3 = DoubleVector.zero(DS);
            for (int t = 0; t < tt; t++) {
                DoubleVector c = DoubleVector.broadcast(DS, (double) w[wo + t]);
                int at = vo + t * d + j;
                a0 = a0.add(c.mul((DoubleVector) FloatVector.fromArray(FH, v, at).convertShape(F2D, DS, 0)));
                a1 = a1.add(c.mul((DoubleVector) FloatVector.fromArray(FH, v, at + L).convertShape(F2D, DS, 0)));
                a2 = a2.add(c.mul((DoubleVector) FloatVector.fromArray(FH, v, at + 2 * L).convertShape(F2D, DS, 0)));
                a3 = a3.add(c.mul((DoubleVector) FloatVector.fromArray(FH, v, at + 3 * L).convertShape(F2D, DS, 0)));
            }
            if (accumulate) {
                a0 = ((DoubleVector) FloatVector.fromArray(FH, out, oo + j).convertShape(F2D, DS, 0)).add(a0);
                a1 = ((DoubleVector) FloatVector.fromArray(FH, out, oo + j + L).convertShape(F2D, DS, 0)).add(a1);
                a2 = ((DoubleVector) FloatVector.fromArray(FH, out, oo + j + 2 * L).convertShape(F2D, DS, 0)).add(a2);
                a3 = ((DoubleVector) FloatVector.fromArray(FH, out, oo + j + 3 * L).convertShape(F2D, DS, 0)).add(a3);
            }
            ((FloatVector) a0.convertShape(D2F, FH, 0)).intoArray(out, oo + j);
            ((FloatVector) a1.convertShape(D2F, FH, 0)).intoArray(out, oo + j + L);
            ((FloatVector) a2.convertShape(D2F, FH, 0)).intoArray(out, oo + j + 2 * L);
            ((FloatVector) a3.convertShape(D2F, FH, 0)).intoArray(out, oo + j + 3 * L);
        }
        for (; j + L <= d; j += L) {
            DoubleVector a0 = DoubleVector.zero(DS);
            for (int t = 0; t < tt; t++) {
                DoubleVector c = DoubleVector.broadcast(DS, (double) w[wo + t]);
                DoubleVector x = (DoubleVector) FloatVector.fromArray(FH, v, vo + t * d + j).convertShape(F2D, DS, 0);
                a0 = a0.add(c.mul(x));
            }
            if (accumulate) {
                a0 = ((DoubleVector) FloatVector.fromArray(FH, out, oo + j).convertShape(F2D, DS, 0)).add(a0);
            }
            ((FloatVector) a0.convertShape(D2F, FH, 0)).intoArray(out, oo + j);
        }
        for (; j < d; j++) {
            double acc = 0;
            for (int t = 0; t < tt; t++) {
                acc += (double) w[wo + t] * v[vo + t * d + j];
            }
            out[oo + j] = (float) (accumulate ? out[oo + j] + acc : acc);
        }
    }

    /** dst[o + t d + j] = fma(a[ao + t], x[xo + j], dst[o + t d + j]) for t in [0, tt), j in [0, d). */
    private static void addOuter(float[] a, int ao, float[] x, int xo, int tt, int d, float[] dst, int o) {
        for (int t = 0; t < tt; t++) {
            float av = a[ao + t];
            FloatVector c = FloatVector.broadcast(FS, av);
            int row = o + t * d;
            int j = 0;
            for (; j + FL <= d; j += FL) {
                c.fma(FloatVector.fromArray(FS, x, xo + j), FloatVector.fromArray(FS, dst, row + j))
                        .intoArray(dst, row + j);
            }
            for (; j < d; j++) {
                // fma: one rounding, as the double reference rounded to float.
                dst[row + j] = Math.fma(av, x[xo + j], dst[row + j]);
            }
        }
    }

    /** One row of {@link #maskedSoftmax}; e is room for tt doubles. */
    private static void softmaxRow(float[] s, int si, float[] m, int mi, int tt, float[] o, int oi, double[] e) {
        double max = Double.NEGATIVE_INFINITY;
        int live = 0;
        for (int k = 0; k < tt; k++) {
            if (m[mi + k] != 0) {
                max = Math.max(max, s[si + k]);
                live++;
            }
        }
        if (live == 0) {
            // The reference replaces masked scores by the lowest float, so an all-masked row is uniform.
            Arrays.fill(o, oi, oi + tt, (float) (1.0 / tt));
            return;
        }
        double z = 0;
        for (int k = 0; k < tt; k++) {
            e[k] = m[mi + k] != 0 ? Math.exp(s[si + k] - max) : 0;
            z += e[k];
        }
        for (int k = 0; k < tt; k++) {
            o[oi + k] = (float) (e[k] / z);
        }
    }

    /** One row of {@link #maskedSoftmaxBackward}. */
    private static void softmaxBackwardRow(float[] p, int pi, float[] g, int gi, float[] m, int mi, int tt, float[] o,
                                           int oi) {
        double dot = dot(p, pi, g, gi, tt);
        for (int k = 0; k < tt; k++) {
            o[oi + k] = m[mi + k] != 0 ? (float) (p[pi + k] * (g[gi + k] - dot)) : 0f;
        }
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
            long[] keys = scratch.longs(Scratch.Slot.TOP_K_KEYS, tt);
            for (int i = lo; i < hi; i++) {
                int wi = w.offset + i * tt;
                for (int s = 0; s < tt; s++) {
                    keys[s] = TopK.key(w.f[wi + s], s);
                }
                TopK.selectSmallest(keys, tt, k);
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
                scatterRow(g, id, i, d, o.f, o.offset + i * tt * d);
            }
        });
    }

    /**
     * Row i of {@link #scatterAddTime}: {@code x[xo + idx[i, j] d + c] += src[i, j, c]} in order of j, each element one
     * float add; x is row i of [B, T, D].
     */
    private static void scatterRow(CpuTensor src, CpuTensor idx, int i, int d, float[] x, int xo) {
        int kk = idx.shape[idx.shape.length - 1];
        for (int j = 0; j < kk; j++) {
            RowAdd.addInto(x, xo + idx.i[idx.offset + i * kk + j] * d, src.f, src.offset + (i * kk + j) * d, d);
        }
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
            double[] sum = scratch.doubles(Scratch.Slot.ATTENTION_ACC, d);
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
            double[] acc = scratch.doubles(Scratch.Slot.ATTENTION_ACC, d);
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
