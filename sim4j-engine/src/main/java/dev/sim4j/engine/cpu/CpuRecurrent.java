package dev.sim4j.engine.cpu;

import static dev.sim4j.engine.cpu.CpuArrays.f32;
import static dev.sim4j.engine.kernels.Shapes.require;
import static dev.sim4j.engine.kernels.Shapes.rowsOf;
import static jdk.incubator.vector.VectorOperators.D2F;
import static jdk.incubator.vector.VectorOperators.F2D;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.simd.Activations;
import dev.sim4j.engine.kernels.RecurrentKernels;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The CPU backend's GRU cell and AUGRU update, parallel over the batch, and the fused recurrent steps of
 * {@link dev.sim4j.engine.Backend} (ADR 0011), each in one pass over the batch with the composition's bits.
 *
 * <p>The backward kernels compute every element in double and round once, as the scalar code did; they run it
 * {@link #L} lanes at a time through the Vector API, which is exact: a lane's add, subtract, multiply and the
 * float / double conversions round as the scalar operations do, in every JIT mode, and the operations run per lane in
 * the scalar expression's order (no FMA, no reassociation). So results do not depend on which lanes or tail an
 * element falls in.
 *
 * <p>A fused step finishes each row before the next, where its composition finishes each op over the whole batch
 * first: the same bits as long as no output shares memory with another row's input (the layers pass separate
 * tensors; in-place element-wise use, such as dcp being dc, is fine).
 */
final class CpuRecurrent implements RecurrentKernels {
    /** Doubles per vector; the floats are loaded and stored through a species of as many lanes, half the width. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F = VectorSpecies.of(float.class,
            jdk.incubator.vector.VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int L = D.length();
    /** The float vector of the float-only passes (the width {@link Activations} uses). */
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int FV = FS.length();
    /** Rows whose da sums run side by side (see {@link #sumTerms}). */
    private static final int SUM_ROWS = 4;

    private final CpuParallel par;
    private final Scratch scratch;

    CpuRecurrent(CpuParallel par, Scratch scratch) {
        this.par = par;
        this.scratch = scratch;
    }

    @Override
    public void gruCell(Tensor gx, Tensor gh, Tensor hPrev, Tensor hOut, Tensor cache) {
        int h = hPrev.dim(-1);
        int b = rowsOf(hPrev);
        require(gx.size() == 3L * b * h && gh.size() == 3L * b * h && cache.size() == 3L * b * h
                && hOut.size() == (long) b * h, "gruCell", gx, gh, hPrev, hOut, cache);
        CpuTensor x = f32(gx);
        CpuTensor r = f32(gh);
        CpuTensor p = f32(hPrev);
        CpuTensor o = f32(hOut);
        CpuTensor c = f32(cache);
        par.forChunks(b, CpuParallel.rowGrain(h * 8L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                cellRow(x.f, x.offset + i * 3 * h, r.f, r.offset + i * 3 * h, c.f, c.offset + i * 3 * h, p.f,
                        p.offset + i * h, o.f, o.offset + i * h, h);
            }
        });
    }

    /**
     * {@link dev.sim4j.engine.Backend#gruStep}: per row, the bias added into gh's row (float adds, as
     * {@code addRowVector}), then the cell on it while the row is in cache.
     */
    void gruStep(Tensor gx, Tensor gh, Tensor bRec, Tensor hPrev, Tensor hOut, Tensor cache) {
        int h = hPrev.dim(-1);
        int b = rowsOf(hPrev);
        require(gx.size() == 3L * b * h && gh.size() == 3L * b * h && cache.size() == 3L * b * h
                && hOut.size() == (long) b * h && bRec.size() == 3L * h && gh.dim(-1) == 3 * h, "gruStep", gx, gh,
                bRec, hPrev, hOut, cache);
        CpuTensor x = f32(gx);
        CpuTensor r = f32(gh);
        CpuTensor bias = f32(bRec);
        CpuTensor p = f32(hPrev);
        CpuTensor o = f32(hOut);
        CpuTensor c = f32(cache);
        float[] rf = r.f;
        float[] bf = bias.f;
        int bo = bias.offset;
        par.forChunks(b, CpuParallel.rowGrain(h * 8L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int go = r.offset + i * 3 * h;
                addInto(rf, go, bf, bo, rf, go, 3 * h);
                cellRow(x.f, x.offset + i * 3 * h, rf, go, c.f, c.offset + i * 3 * h, p.f, p.offset + i * h, o.f,
                        o.offset + i * h, h);
            }
        });
    }

    /** {@code o[oi + j] = a[ai + j] + b[bi + j]} for j in [0, n): float adds (o may be a). */
    private static void addInto(float[] a, int ai, float[] b, int bi, float[] o, int oi, int n) {
        int j = 0;
        for (; j + FV <= n; j += FV) {
            FloatVector.fromArray(FS, a, ai + j).add(FloatVector.fromArray(FS, b, bi + j)).intoArray(o, oi + j);
        }
        for (; j < n; j++) {
            o[oi + j] = a[ai + j] + b[bi + j];
        }
    }

    /** {@code o[oi + j] = a[ai + j] * b[bi + j]} for j in [0, n): float products. */
    private static void mulInto(float[] a, int ai, float[] b, int bi, float[] o, int oi, int n) {
        int j = 0;
        for (; j + FV <= n; j += FV) {
            FloatVector.fromArray(FS, a, ai + j).mul(FloatVector.fromArray(FS, b, bi + j)).intoArray(o, oi + j);
        }
        for (; j < n; j++) {
            o[oi + j] = a[ai + j] * b[bi + j];
        }
    }

    /** One row of {@link #gruCell}. */
    private static void cellRow(float[] xf, int xo, float[] gf, int go, float[] cf, int co, float[] pf, int po,
                                float[] of, int oo, int h) {
        // Three simple passes per row (pre-activations, the array sigmoid / tanh kernels, the state update) rather
        // than one fused Vector API loop: the fused loop was too large for the JIT to compile reliably, and its time
        // varied fivefold from run to run. The passes' float add and FMAs are the scalar tails' operations lane by
        // lane.
        int j = 0;
        for (; j + FV <= 2 * h; j += FV) {
            FloatVector.fromArray(FS, xf, xo + j).add(FloatVector.fromArray(FS, gf, go + j)).intoArray(cf, co + j);
        }
        for (; j < 2 * h; j++) {
            cf[co + j] = xf[xo + j] + gf[go + j];
        }
        Activations.sigmoid(cf, co, cf, co, 2 * h);
        j = 0;
        for (; j + FV <= h; j += FV) {
            FloatVector.fromArray(FS, cf, co + h + j).fma(FloatVector.fromArray(FS, gf, go + 2 * h + j),
                    FloatVector.fromArray(FS, xf, xo + 2 * h + j)).intoArray(cf, co + 2 * h + j);
        }
        for (; j < h; j++) {
            cf[co + 2 * h + j] = Math.fma(cf[co + h + j], gf[go + 2 * h + j], xf[xo + 2 * h + j]);
        }
        Activations.tanh(cf, co + 2 * h, cf, co + 2 * h, h);
        j = 0;
        for (; j + FV <= h; j += FV) {
            FloatVector z = FloatVector.fromArray(FS, cf, co + j);
            FloatVector n = FloatVector.fromArray(FS, cf, co + 2 * h + j);
            z.fma(FloatVector.fromArray(FS, pf, po + j), FloatVector.broadcast(FS, 1f).sub(z).mul(n))
                    .intoArray(of, oo + j);
        }
        for (; j < h; j++) {
            float z = cf[co + j];
            float n = cf[co + 2 * h + j];
            of[oo + j] = Math.fma(z, pf[po + j], (1f - z) * n);
        }
    }

    @Override
    public void gruCellBackward(Tensor gh, Tensor hPrev, Tensor cache, Tensor dh, Tensor dgx, Tensor dgh,
                                Tensor dhPrev) {
        int h = hPrev.dim(-1);
        int b = rowsOf(hPrev);
        require(gh.size() == 3L * b * h && cache.size() == 3L * b * h && dh.size() == (long) b * h
                && dgx.size() == 3L * b * h && dgh.size() == 3L * b * h && dhPrev.size() == (long) b * h,
                "gruCellBackward", gh, hPrev, cache, dh, dgx, dgh, dhPrev);
        CpuTensor r = f32(gh);
        CpuTensor p = f32(hPrev);
        CpuTensor c = f32(cache);
        CpuTensor g = f32(dh);
        CpuTensor dx = f32(dgx);
        CpuTensor dr = f32(dgh);
        CpuTensor dp = f32(dhPrev);
        par.forChunks(b, CpuParallel.rowGrain(h * 8L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                cellBackwardRow(r.f, r.offset + i * 3 * h, p.f, p.offset + i * h, c.f, c.offset + i * 3 * h, g.f,
                        g.offset + i * h, dx.f, dx.offset + i * 3 * h, dr.f, dr.offset + i * 3 * h, dp.f,
                        dp.offset + i * h, h);
            }
        });
    }

    /**
     * {@link dev.sim4j.engine.Backend#gruStepBackward}: per row, dhStep = dh + carry (float adds, as {@code add}),
     * then the cell's backward from that row while it is in cache.
     */
    void gruStepBackward(Tensor dh, Tensor carry, Tensor gh, Tensor hPrev, Tensor cache, Tensor dhStep, Tensor dgx,
                         Tensor dgh, Tensor dhPrev) {
        int h = hPrev.dim(-1);
        int b = rowsOf(hPrev);
        require(gh.size() == 3L * b * h && cache.size() == 3L * b * h && dh.size() == (long) b * h
                && carry.size() == (long) b * h && dhStep.size() == (long) b * h && dgx.size() == 3L * b * h
                && dgh.size() == 3L * b * h && dhPrev.size() == (long) b * h, "gruStepBackward", dh, carry, gh, hPrev,
                cache, dhStep, dgx, dgh, dhPrev);
        CpuTensor d0 = f32(dh);
        CpuTensor d1 = f32(carry);
        CpuTensor r = f32(gh);
        CpuTensor p = f32(hPrev);
        CpuTensor c = f32(cache);
        CpuTensor g = f32(dhStep);
        CpuTensor dx = f32(dgx);
        CpuTensor dr = f32(dgh);
        CpuTensor dp = f32(dhPrev);
        float[] af = d0.f;
        float[] bf = d1.f;
        float[] gf = g.f;
        par.forChunks(b, CpuParallel.rowGrain(h * 8L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int ai = d0.offset + i * h;
                int bi = d1.offset + i * h;
                int gi = g.offset + i * h;
                addInto(af, ai, bf, bi, gf, gi, h);
                cellBackwardRow(r.f, r.offset + i * 3 * h, p.f, p.offset + i * h, c.f, c.offset + i * 3 * h, gf, gi,
                        dx.f, dx.offset + i * 3 * h, dr.f, dr.offset + i * 3 * h, dp.f, dp.offset + i * h, h);
            }
        });
    }

    /**
     * One row of {@link #gruCellBackward} from row offsets ({@code ro}, {@code co}, {@code xo}, {@code ro2} at the
     * row's z gate of the [3H] rows, {@code po}, {@code go}, {@code dpo} of the [H] rows).
     */
    private static void cellBackwardRow(float[] rf, int ro, float[] pf, int po, float[] cf, int co, float[] gf, int go,
                                        float[] dxf, int xo, float[] drf, int ro2, float[] dpf, int dpo, int h) {
        // Each lane runs the scalar expressions below, operation for operation: the same bits.
        int j = 0;
        for (; j + L <= h; j += L) {
            DoubleVector z = (DoubleVector) FloatVector.fromArray(F, cf, co + j).convertShape(F2D, D, 0);
            DoubleVector rr = (DoubleVector) FloatVector.fromArray(F, cf, co + h + j)
                    .convertShape(F2D, D, 0);
            DoubleVector n = (DoubleVector) FloatVector.fromArray(F, cf, co + 2 * h + j)
                    .convertShape(F2D, D, 0);
            DoubleVector hp = (DoubleVector) FloatVector.fromArray(F, pf, po + j).convertShape(F2D, D, 0);
            DoubleVector d = (DoubleVector) FloatVector.fromArray(F, gf, go + j).convertShape(F2D, D, 0);
            DoubleVector ghn = (DoubleVector) FloatVector.fromArray(F, rf, ro + 2 * h + j)
                    .convertShape(F2D, D, 0);
            DoubleVector one = DoubleVector.broadcast(D, 1.0);
            DoubleVector dz = d.mul(hp.sub(n)).mul(z).mul(one.sub(z));
            DoubleVector dnPre = d.mul(one.sub(z)).mul(one.sub(n.mul(n)));
            DoubleVector drPre = dnPre.mul(ghn).mul(rr).mul(one.sub(rr));
            FloatVector dzf = (FloatVector) dz.convertShape(D2F, F, 0);
            FloatVector drf32 = (FloatVector) drPre.convertShape(D2F, F, 0);
            dzf.intoArray(dxf, xo + j);
            dzf.intoArray(drf, ro2 + j);
            drf32.intoArray(dxf, xo + h + j);
            drf32.intoArray(drf, ro2 + h + j);
            ((FloatVector) dnPre.convertShape(D2F, F, 0)).intoArray(dxf, xo + 2 * h + j);
            ((FloatVector) dnPre.mul(rr).convertShape(D2F, F, 0)).intoArray(drf, ro2 + 2 * h + j);
            ((FloatVector) d.mul(z).convertShape(D2F, F, 0)).intoArray(dpf, dpo + j);
        }
        for (; j < h; j++) {
            double z = cf[co + j];
            double rr = cf[co + h + j];
            double n = cf[co + 2 * h + j];
            double hp = pf[po + j];
            double d = gf[go + j];
            double dz = d * (hp - n) * z * (1 - z);
            double dnPre = d * (1 - z) * (1 - n * n);
            double drPre = dnPre * rf[ro + 2 * h + j] * rr * (1 - rr);
            dxf[xo + j] = (float) dz;
            drf[ro2 + j] = (float) dz;
            dxf[xo + h + j] = (float) drPre;
            drf[ro2 + h + j] = (float) drPre;
            dxf[xo + 2 * h + j] = (float) dnPre;
            drf[ro2 + 2 * h + j] = (float) (dnPre * rr);
            dpf[dpo + j] = (float) (d * z);
        }
    }

    /**
     * {@link dev.sim4j.engine.Backend#augruGates} in one pass per row (the sigmoid, then r, u and r * s from the row
     * while it is in cache) instead of three over the batch: the same element operations, so the composition's bits.
     */
    void augruGates(Tensor gp, Tensor s, Tensor g, Tensor r, Tensor u, Tensor rs) {
        int h = s.dim(-1);
        int b = rowsOf(s);
        require(gp.size() == 2L * b * h && g.size() == 2L * b * h && r.size() == (long) b * h
                && u.size() == (long) b * h && rs.size() == (long) b * h, "augruGates", gp, s, g, r, u, rs);
        CpuTensor pre = f32(gp);
        CpuTensor st = f32(s);
        CpuTensor gg = f32(g);
        CpuTensor rr = f32(r);
        CpuTensor uu = f32(u);
        CpuTensor o = f32(rs);
        par.forChunks(b, CpuParallel.rowGrain(h * 8L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int gi = gg.offset + i * 2 * h;
                Activations.sigmoid(pre.f, pre.offset + i * 2 * h, gg.f, gi, 2 * h);
                System.arraycopy(gg.f, gi, rr.f, rr.offset + i * h, h);
                mulInto(gg.f, gi, st.f, st.offset + i * h, o.f, o.offset + i * h, h);
                System.arraycopy(gg.f, gi + h, uu.f, uu.offset + i * h, h);
            }
        });
    }

    /**
     * {@link dev.sim4j.engine.Backend#augruGatesBackward} in one pass, without its three temporaries: per element the
     * float products drs * s and drs * r, the float add into dsPrev ({@code axpy} with alpha 1 is an FMA by 1, the
     * same rounding), and the sigmoid's backward in double of the [dr | du] row.
     */
    void augruGatesBackward(Tensor drs, Tensor s, Tensor r, Tensor du, Tensor g, Tensor dgp, Tensor dsPrev) {
        int h = s.dim(-1);
        int b = rowsOf(s);
        require(drs.size() == (long) b * h && r.size() == (long) b * h && du.size() == (long) b * h
                && g.size() == 2L * b * h && dgp.size() == 2L * b * h && dsPrev.size() == (long) b * h
                && du.dim(-1) == h && g.dim(-1) == 2 * h, "augruGatesBackward", drs, s, r, du, g, dgp, dsPrev);
        CpuTensor a = f32(drs);
        CpuTensor st = f32(s);
        CpuTensor rr = f32(r);
        CpuTensor dU = f32(du);
        CpuTensor gg = f32(g);
        CpuTensor o = f32(dgp);
        CpuTensor dS = f32(dsPrev);
        par.forChunks(b, CpuParallel.rowGrain(h * 8L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                gatesBackwardRow(a.f, a.offset + i * h, st.f, st.offset + i * h, rr.f, rr.offset + i * h, dU.f,
                        dU.offset + i * h, gg.f, gg.offset + i * 2 * h, o.f, o.offset + i * 2 * h, dS.f,
                        dS.offset + i * h, h);
            }
        });
    }

    /** One row of {@link #augruGatesBackward}; dr = drs * s and dsFromR = drs * r are the composition's names. */
    private static void gatesBackwardRow(float[] af, int ai, float[] sf, int si, float[] rf, int ri, float[] uf,
                                         int ui, float[] gf, int gi, float[] of, int oi, float[] df, int di, int h) {
        int j = 0;
        for (; j + L <= h; j += L) {
            FloatVector drs = FloatVector.fromArray(F, af, ai + j);
            FloatVector dr = drs.mul(FloatVector.fromArray(F, sf, si + j));
            FloatVector dsFromR = drs.mul(FloatVector.fromArray(F, rf, ri + j));
            dsFromR.add(FloatVector.fromArray(F, df, di + j)).intoArray(df, di + j);
            DoubleVector one = DoubleVector.broadcast(D, 1.0);
            DoubleVector g1 = (DoubleVector) FloatVector.fromArray(F, gf, gi + j).convertShape(F2D, D, 0);
            DoubleVector g2 = (DoubleVector) FloatVector.fromArray(F, gf, gi + h + j).convertShape(F2D, D, 0);
            DoubleVector d1 = (DoubleVector) dr.convertShape(F2D, D, 0);
            DoubleVector d2 = (DoubleVector) FloatVector.fromArray(F, uf, ui + j).convertShape(F2D, D, 0);
            ((FloatVector) d1.mul(g1).mul(one.sub(g1)).convertShape(D2F, F, 0)).intoArray(of, oi + j);
            ((FloatVector) d2.mul(g2).mul(one.sub(g2)).convertShape(D2F, F, 0)).intoArray(of, oi + h + j);
        }
        for (; j < h; j++) {
            float drs = af[ai + j];
            float dr = drs * sf[si + j];
            df[di + j] = Math.fma(1f, drs * rf[ri + j], df[di + j]);
            double g1 = gf[gi + j];
            double g2 = gf[gi + h + j];
            of[oi + j] = (float) (dr * g1 * (1 - g1));
            of[oi + h + j] = (float) (uf[ui + j] * g2 * (1 - g2));
        }
    }

    /**
     * {@link dev.sim4j.engine.Backend#augruCandidateUpdate} in one pass per row (tanh, then the update from the row
     * while it is in cache): the same element operations as {@code tanh} then {@link #augruUpdate}, so their bits.
     */
    void augruCandidateUpdate(Tensor cp, Tensor u, Tensor s, Tensor a, Tensor c, Tensor out, boolean paperForm) {
        int h = s.dim(-1);
        int b = rowsOf(s);
        require(cp.size() == (long) b * h && u.size() == (long) b * h && c.size() == (long) b * h && a.size() == b
                && out.size() == (long) b * h, "augruCandidateUpdate", cp, u, s, a, c, out);
        CpuTensor pre = f32(cp);
        CpuTensor uu = f32(u);
        CpuTensor ss = f32(s);
        CpuTensor aa = f32(a);
        CpuTensor cc = f32(c);
        CpuTensor o = f32(out);
        par.forChunks(b, CpuParallel.rowGrain(h * 8L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int ci = cc.offset + i * h;
                Activations.tanh(pre.f, pre.offset + i * h, cc.f, ci, h);
                updateRow(uu.f, uu.offset + i * h, cc.f, ci, ss.f, ss.offset + i * h, aa.f[aa.offset + i], o.f,
                        o.offset + i * h, h, paperForm);
            }
        });
    }

    /** One row of {@link #augruUpdate}: in double, rounded to float once per element. */
    private static void updateRow(float[] u, int ui, float[] c, int ci, float[] s, int si, float a, float[] out,
                                  int oi, int h, boolean paperForm) {
        double at = a;
        int j = 0;
        // The two forms as separate loops, each lane running its scalar expression below.
        if (paperForm) {
            for (; j + L <= h; j += L) {
                DoubleVector uv = (DoubleVector) FloatVector.fromArray(F, u, ui + j).convertShape(F2D, D, 0);
                DoubleVector sv = (DoubleVector) FloatVector.fromArray(F, s, si + j).convertShape(F2D, D, 0);
                DoubleVector cv = (DoubleVector) FloatVector.fromArray(F, c, ci + j).convertShape(F2D, D, 0);
                DoubleVector u2 = uv.mul(at);
                DoubleVector v = DoubleVector.broadcast(D, 1.0).sub(u2).mul(sv).add(u2.mul(cv));
                ((FloatVector) v.convertShape(D2F, F, 0)).intoArray(out, oi + j);
            }
        } else {
            double keep = 1 - at;
            for (; j + L <= h; j += L) {
                DoubleVector uv = (DoubleVector) FloatVector.fromArray(F, u, ui + j).convertShape(F2D, D, 0);
                DoubleVector sv = (DoubleVector) FloatVector.fromArray(F, s, si + j).convertShape(F2D, D, 0);
                DoubleVector cv = (DoubleVector) FloatVector.fromArray(F, c, ci + j).convertShape(F2D, D, 0);
                DoubleVector u2 = uv.mul(keep);
                DoubleVector v = u2.mul(sv).add(DoubleVector.broadcast(D, 1.0).sub(u2).mul(cv));
                ((FloatVector) v.convertShape(D2F, F, 0)).intoArray(out, oi + j);
            }
        }
        for (; j < h; j++) {
            double uv = u[ui + j];
            double sv = s[si + j];
            double cv = c[ci + j];
            double v;
            if (paperForm) {
                double u2 = at * uv;
                v = (1 - u2) * sv + u2 * cv;
            } else {
                double u2 = (1 - at) * uv;
                v = u2 * sv + (1 - u2) * cv;
            }
            out[oi + j] = (float) v;
        }
    }

    @Override
    public void augruUpdate(Tensor u, Tensor c, Tensor s, Tensor a, Tensor out, boolean paperForm) {
        int h = s.dim(-1);
        int b = rowsOf(s);
        require(u.size() == (long) b * h && c.size() == (long) b * h && a.size() == b && out.size() == (long) b * h,
                "augruUpdate", u, c, s, a, out);
        CpuTensor uu = f32(u);
        CpuTensor cc = f32(c);
        CpuTensor ss = f32(s);
        CpuTensor aa = f32(a);
        CpuTensor o = f32(out);
        par.forChunks(b, CpuParallel.rowGrain(h * 2L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                updateRow(uu.f, uu.offset + i * h, cc.f, cc.offset + i * h, ss.f, ss.offset + i * h,
                        aa.f[aa.offset + i], o.f, o.offset + i * h, h, paperForm);
            }
        });
    }

    @Override
    public void augruUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor dOut, Tensor du, Tensor dc,
                                    Tensor ds, Tensor da, boolean paperForm) {
        updateBackward(u, c, s, a, dOut, du, dc, ds, da, null, paperForm);
    }

    /**
     * {@link dev.sim4j.engine.Backend#augruCandidateUpdateBackward} in one pass: per row, dsPrev's row zeroed (as
     * {@code fill}), the update's backward into it, then tanh's backward (in double) of dc's row into dcp's.
     */
    void augruCandidateUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor ds, Tensor du, Tensor dc,
                                      Tensor da, Tensor dcp, Tensor dsPrev, boolean paperForm) {
        require(dcp.size() == c.size(), "augruCandidateUpdateBackward", c, dcp);
        updateBackward(u, c, s, a, ds, du, dc, dsPrev, da, dcp, paperForm);
    }

    /** {@link #augruUpdateBackward} with ds accumulated into, or, with dcp, the fused candidate step's backward. */
    private void updateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor dOut, Tensor du, Tensor dc, Tensor ds,
                                Tensor da, Tensor dcp, boolean paperForm) {
        int h = s.dim(-1);
        int b = rowsOf(s);
        require(u.size() == (long) b * h && c.size() == (long) b * h && a.size() == b && dOut.size() == (long) b * h
                && du.size() == (long) b * h && dc.size() == (long) b * h && ds.size() == (long) b * h
                && da.size() == b, "augruUpdateBackward", u, c, s, a, dOut, du, dc, ds, da);
        CpuTensor uu = f32(u);
        CpuTensor cc = f32(c);
        CpuTensor ss = f32(s);
        CpuTensor aa = f32(a);
        CpuTensor g = f32(dOut);
        CpuTensor dU = f32(du);
        CpuTensor dC = f32(dc);
        CpuTensor dS = f32(ds);
        CpuTensor dA = f32(da);
        CpuTensor dP = dcp == null ? null : f32(dcp);
        par.forChunks(b, CpuParallel.rowGrain(h * 4L), (lo, hi) -> {
            // Per-thread room for the terms of SUM_ROWS rows' da sums, kept between calls.
            double[] t = scratch.doubles(Scratch.Slot.RECURRENT_TERMS, SUM_ROWS * h);
            for (int i0 = lo; i0 < hi; i0 += SUM_ROWS) {
                int rows = Math.min(SUM_ROWS, hi - i0);
                for (int q = 0; q < rows; q++) {
                    int k = (i0 + q) * h;
                    int dsi = dS.offset + k;
                    if (dP != null) {
                        java.util.Arrays.fill(dS.f, dsi, dsi + h, 0f);
                    }
                    updateBackwardRow(uu.f, uu.offset + k, cc.f, cc.offset + k, ss.f, ss.offset + k,
                            aa.f[aa.offset + i0 + q], g.f, g.offset + k, dU.f, dU.offset + k, dC.f, dC.offset + k,
                            dS.f, dsi, t, q * h, h, paperForm);
                    if (dP != null) {
                        tanhBackwardRow(cc.f, cc.offset + k, dC.f, dC.offset + k, dP.f, dP.offset + k, h);
                    }
                }
                sumTerms(t, h, rows, paperForm, dA.f, dA.offset + i0);
            }
        });
    }

    /**
     * One row of the update's backward; the row's da terms (dU2 * u, added for the paper form, subtracted for the
     * other) go to {@code t[to + j]} for {@link #sumTerms}, which adds them in j order as the scalar loop did.
     */
    private static void updateBackwardRow(float[] u, int ui, float[] c, int ci, float[] s, int si, float a, float[] g,
                                          int gi, float[] du, int dui, float[] dc, int dci, float[] ds, int dsi,
                                          double[] t, int to, int h, boolean paperForm) {
        double at = a;
        int j = 0;
        if (paperForm) {
            for (; j + L <= h; j += L) {
                DoubleVector d = (DoubleVector) FloatVector.fromArray(F, g, gi + j).convertShape(F2D, D, 0);
                DoubleVector uv = (DoubleVector) FloatVector.fromArray(F, u, ui + j).convertShape(F2D, D, 0);
                DoubleVector sv = (DoubleVector) FloatVector.fromArray(F, s, si + j).convertShape(F2D, D, 0);
                DoubleVector cv = (DoubleVector) FloatVector.fromArray(F, c, ci + j).convertShape(F2D, D, 0);
                DoubleVector old = (DoubleVector) FloatVector.fromArray(F, ds, dsi + j)
                        .convertShape(F2D, D, 0);
                DoubleVector u2 = uv.mul(at);
                DoubleVector dU2 = d.mul(cv.sub(sv));
                ((FloatVector) dU2.mul(at).convertShape(D2F, F, 0)).intoArray(du, dui + j);
                dU2.mul(uv).intoArray(t, to + j);
                ((FloatVector) d.mul(u2).convertShape(D2F, F, 0)).intoArray(dc, dci + j);
                ((FloatVector) old.add(d.mul(DoubleVector.broadcast(D, 1.0).sub(u2)))
                        .convertShape(D2F, F, 0)).intoArray(ds, dsi + j);
            }
        } else {
            double keep = 1 - at;
            for (; j + L <= h; j += L) {
                DoubleVector d = (DoubleVector) FloatVector.fromArray(F, g, gi + j).convertShape(F2D, D, 0);
                DoubleVector uv = (DoubleVector) FloatVector.fromArray(F, u, ui + j).convertShape(F2D, D, 0);
                DoubleVector sv = (DoubleVector) FloatVector.fromArray(F, s, si + j).convertShape(F2D, D, 0);
                DoubleVector cv = (DoubleVector) FloatVector.fromArray(F, c, ci + j).convertShape(F2D, D, 0);
                DoubleVector old = (DoubleVector) FloatVector.fromArray(F, ds, dsi + j)
                        .convertShape(F2D, D, 0);
                DoubleVector u2 = uv.mul(keep);
                DoubleVector dU2 = d.mul(sv.sub(cv));
                ((FloatVector) dU2.mul(keep).convertShape(D2F, F, 0)).intoArray(du, dui + j);
                dU2.mul(uv).intoArray(t, to + j);
                ((FloatVector) d.mul(DoubleVector.broadcast(D, 1.0).sub(u2)).convertShape(D2F, F, 0))
                        .intoArray(dc, dci + j);
                ((FloatVector) old.add(d.mul(u2)).convertShape(D2F, F, 0)).intoArray(ds, dsi + j);
            }
        }
        for (; j < h; j++) {
            double d = g[gi + j];
            double uv = u[ui + j];
            double sv = s[si + j];
            double cv = c[ci + j];
            if (paperForm) {
                double u2 = at * uv;
                double dU2 = d * (cv - sv);
                du[dui + j] = (float) (dU2 * at);
                t[to + j] = dU2 * uv;
                dc[dci + j] = (float) (d * u2);
                ds[dsi + j] = (float) (ds[dsi + j] + d * (1 - u2));
            } else {
                double u2 = (1 - at) * uv;
                double dU2 = d * (sv - cv);
                du[dui + j] = (float) (dU2 * (1 - at));
                t[to + j] = dU2 * uv;
                dc[dci + j] = (float) (d * (1 - u2));
                ds[dsi + j] = (float) (ds[dsi + j] + d * u2);
            }
        }
    }

    /**
     * da for {@code rows} rows from their terms: each row's sum from 0 in j order, one double add (or subtract) a
     * term, exactly the scalar loop's chain; four rows' chains side by side, so an add waits on its own row's
     * previous add only.
     */
    private static void sumTerms(double[] t, int h, int rows, boolean paperForm, float[] da, int dai) {
        if (rows == 4) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            if (paperForm) {
                for (int j = 0; j < h; j++) {
                    s0 += t[j];
                    s1 += t[h + j];
                    s2 += t[2 * h + j];
                    s3 += t[3 * h + j];
                }
            } else {
                for (int j = 0; j < h; j++) {
                    s0 -= t[j];
                    s1 -= t[h + j];
                    s2 -= t[2 * h + j];
                    s3 -= t[3 * h + j];
                }
            }
            da[dai] = (float) s0;
            da[dai + 1] = (float) s1;
            da[dai + 2] = (float) s2;
            da[dai + 3] = (float) s3;
            return;
        }
        for (int q = 0; q < rows; q++) {
            double acc = 0;
            for (int j = 0; j < h; j++) {
                if (paperForm) {
                    acc += t[q * h + j];
                } else {
                    acc -= t[q * h + j];
                }
            }
            da[dai + q] = (float) acc;
        }
    }

    /** One row of {@code tanhBackward}: dx = dy (1 - y^2) in double. */
    private static void tanhBackwardRow(float[] y, int yi, float[] dy, int dyi, float[] dx, int dxi, int h) {
        int j = 0;
        for (; j + L <= h; j += L) {
            DoubleVector yv = (DoubleVector) FloatVector.fromArray(F, y, yi + j).convertShape(F2D, D, 0);
            DoubleVector gv = (DoubleVector) FloatVector.fromArray(F, dy, dyi + j).convertShape(F2D, D, 0);
            ((FloatVector) gv.mul(DoubleVector.broadcast(D, 1.0).sub(yv.mul(yv))).convertShape(D2F, F, 0))
                    .intoArray(dx, dxi + j);
        }
        for (; j < h; j++) {
            double yv = y[yi + j];
            dx[dxi + j] = (float) (dy[dyi + j] * (1 - yv * yv));
        }
    }
}
