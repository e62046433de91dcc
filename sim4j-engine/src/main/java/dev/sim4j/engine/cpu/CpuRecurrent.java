package dev.sim4j.engine.cpu;

import static dev.sim4j.engine.cpu.CpuArrays.f32;
import static dev.sim4j.engine.kernels.Shapes.require;
import static dev.sim4j.engine.kernels.Shapes.rowsOf;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.simd.Activations;
import dev.sim4j.engine.kernels.RecurrentKernels;

/** The CPU backend's GRU cell and AUGRU update, parallel over the batch. */
final class CpuRecurrent implements RecurrentKernels {
    private final CpuParallel par;

    CpuRecurrent(CpuParallel par) {
        this.par = par;
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
        // Three simple passes per row (pre-activations, the array sigmoid / tanh kernels, the state update) rather
        // than one fused Vector API loop: the fused loop was too large for the JIT to compile reliably, and its time
        // varied fivefold from run to run.
        float[] xf = x.f;
        float[] gf = r.f;
        float[] cf = c.f;
        par.forChunks(b, CpuParallel.rowGrain(h * 8L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int xo = x.offset + i * 3 * h;
                int go = r.offset + i * 3 * h;
                int co = c.offset + i * 3 * h;
                for (int j = 0; j < 2 * h; j++) {
                    cf[co + j] = xf[xo + j] + gf[go + j];
                }
                Activations.sigmoid(cf, co, cf, co, 2 * h);
                for (int j = 0; j < h; j++) {
                    cf[co + 2 * h + j] = Math.fma(cf[co + h + j], gf[go + 2 * h + j], xf[xo + 2 * h + j]);
                }
                Activations.tanh(cf, co + 2 * h, cf, co + 2 * h, h);
                int po = p.offset + i * h;
                int oo = o.offset + i * h;
                for (int j = 0; j < h; j++) {
                    float z = cf[co + j];
                    float n = cf[co + 2 * h + j];
                    o.f[oo + j] = Math.fma(z, p.f[po + j], (1f - z) * n);
                }
            }
        });
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
                for (int j = 0; j < h; j++) {
                    int zi = i * 3 * h + j;
                    int ri = zi + h;
                    int ni = zi + 2 * h;
                    double z = c.f[c.offset + zi];
                    double rr = c.f[c.offset + ri];
                    double n = c.f[c.offset + ni];
                    double hp = p.f[p.offset + i * h + j];
                    double d = g.f[g.offset + i * h + j];
                    double dz = d * (hp - n) * z * (1 - z);
                    double dnPre = d * (1 - z) * (1 - n * n);
                    double drPre = dnPre * r.f[r.offset + ni] * rr * (1 - rr);
                    dx.f[dx.offset + zi] = (float) dz;
                    dr.f[dr.offset + zi] = (float) dz;
                    dx.f[dx.offset + ri] = (float) drPre;
                    dr.f[dr.offset + ri] = (float) drPre;
                    dx.f[dx.offset + ni] = (float) dnPre;
                    dr.f[dr.offset + ni] = (float) (dnPre * rr);
                    dp.f[dp.offset + i * h + j] = (float) (d * z);
                }
            }
        });
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
                int ri = rr.offset + i * h;
                int si = st.offset + i * h;
                int oi = o.offset + i * h;
                for (int j = 0; j < h; j++) {
                    float rv = gg.f[gi + j];
                    rr.f[ri + j] = rv;
                    o.f[oi + j] = rv * st.f[si + j];
                }
                System.arraycopy(gg.f, gi + h, uu.f, uu.offset + i * h, h);
            }
        });
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
        for (int j = 0; j < h; j++) {
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
        par.forChunks(b, CpuParallel.rowGrain(h * 4L), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double at = aa.f[aa.offset + i];
                double accA = 0;
                for (int j = 0; j < h; j++) {
                    int k = i * h + j;
                    double d = g.f[g.offset + k];
                    double uv = uu.f[uu.offset + k];
                    double sv = ss.f[ss.offset + k];
                    double cv = cc.f[cc.offset + k];
                    int dsi = dS.offset + k;
                    if (paperForm) {
                        double u2 = at * uv;
                        double dU2 = d * (cv - sv);
                        dU.f[dU.offset + k] = (float) (dU2 * at);
                        accA += dU2 * uv;
                        dC.f[dC.offset + k] = (float) (d * u2);
                        dS.f[dsi] = (float) (dS.f[dsi] + d * (1 - u2));
                    } else {
                        double u2 = (1 - at) * uv;
                        double dU2 = d * (sv - cv);
                        dU.f[dU.offset + k] = (float) (dU2 * (1 - at));
                        accA -= dU2 * uv;
                        dC.f[dC.offset + k] = (float) (d * (1 - u2));
                        dS.f[dsi] = (float) (dS.f[dsi] + d * u2);
                    }
                }
                dA.f[dA.offset + i] = (float) accA;
            }
        });
    }
}
