package dev.sim4j.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's vectorised recurrent kernels give the bits of the scalar double code they replaced (copied below
 * as the oracle), and its fused recurrent steps the bits of {@link dev.sim4j.engine.Backend}'s default compositions
 * (ADR 0011), run here op by op on the same backend: at widths below, at and above a vector's lanes, on 1 and 2
 * threads, on views that start inside their arrays, with gradients that hold signed zeros.
 */
class CpuRecurrentFusedTest {
    private static final int[] HS = {1, 3, 8, 16, 17, 96};
    private static final int[] BS = {1, 5, 64, 300};

    @Test
    void gruCellBackwardIsTheScalarDoubleCode() {
        forEachShape((be, rnd, b, h, paper) -> {
            float[] gh = gauss(rnd, b * 3 * h);
            float[] hp = gauss(rnd, b * h);
            float[] cache = cache(rnd, b, h);
            float[] dh = grad(rnd, b * h);
            Tensor dgx = view(be, gauss(rnd, b * 3 * h), b, 3 * h);
            Tensor dgh = view(be, gauss(rnd, b * 3 * h), b, 3 * h);
            Tensor dhPrev = view(be, gauss(rnd, b * h), b, h);
            be.gruCellBackward(view(be, gh, b, 3 * h), view(be, hp, b, h), view(be, cache, b, 3 * h),
                    view(be, dh, b, h), dgx, dgh, dhPrev);
            float[][] want = oldGruCellBackward(gh, hp, cache, dh, b, h);
            String at = at("gruCellBackward", be, b, h, paper);
            same(be.toFloats(dgx), want[0], at + " dgx");
            same(be.toFloats(dgh), want[1], at + " dgh");
            same(be.toFloats(dhPrev), want[2], at + " dhPrev");
        });
    }

    @Test
    void augruUpdateAndItsBackwardAreTheScalarDoubleCode() {
        forEachShape((be, rnd, b, h, paper) -> {
            float[] u = unit(rnd, b * h);
            float[] c = signedUnit(rnd, b * h);
            float[] s = gauss(rnd, b * h);
            float[] a = unit(rnd, b);
            float[] dOut = grad(rnd, b * h);
            cancelling(rnd, b, h, dOut, u, c, s);
            float[] ds0 = grad(rnd, b * h);
            Tensor out = view(be, gauss(rnd, b * h), b, h);
            be.augruUpdate(view(be, u, b, h), view(be, c, b, h), view(be, s, b, h), vector(be, a), out, paper);
            String at = at("augruUpdate", be, b, h, paper);
            same(be.toFloats(out), oldAugruUpdate(u, c, s, a, b, h, paper), at);

            Tensor du = view(be, gauss(rnd, b * h), b, h);
            Tensor dc = view(be, gauss(rnd, b * h), b, h);
            Tensor ds = view(be, ds0, b, h);
            Tensor da = vector(be, gauss(rnd, b));
            be.augruUpdateBackward(view(be, u, b, h), view(be, c, b, h), view(be, s, b, h), vector(be, a),
                    view(be, dOut, b, h), du, dc, ds, da, paper);
            float[][] want = oldAugruUpdateBackward(u, c, s, a, dOut, ds0, b, h, paper);
            at = at("augruUpdateBackward", be, b, h, paper);
            same(be.toFloats(du), want[0], at + " du");
            same(be.toFloats(dc), want[1], at + " dc");
            same(be.toFloats(ds), want[2], at + " ds");
            same(be.toFloats(da), want[3], at + " da");
        });
    }

    @Test
    void gruStepIsTheComposition() {
        forEachShape((be, rnd, b, h, paper) -> {
            float[] gx = gauss(rnd, b * 3 * h);
            float[] gh = gauss(rnd, b * 3 * h);
            float[] bias = gauss(rnd, 3 * h);
            float[] hp = gauss(rnd, b * h);
            float[] hOut0 = gauss(rnd, b * h);
            float[] cache0 = gauss(rnd, b * 3 * h);
            Tensor[] fused = {view(be, gh, b, 3 * h), view(be, hOut0, b, h), view(be, cache0, b, 3 * h)};
            Tensor[] comp = {view(be, gh, b, 3 * h), view(be, hOut0, b, h), view(be, cache0, b, 3 * h)};
            be.gruStep(view(be, gx, b, 3 * h), fused[0], vector(be, bias), view(be, hp, b, h), fused[1], fused[2]);
            be.addRowVector(comp[0], vector(be, bias));
            be.gruCell(view(be, gx, b, 3 * h), comp[0], view(be, hp, b, h), comp[1], comp[2]);
            same(be, fused, comp, at("gruStep", be, b, h, paper), "gh", "hOut", "cache");
        });
    }

    @Test
    void gruStepBackwardIsTheComposition() {
        forEachShape((be, rnd, b, h, paper) -> {
            float[] dh = grad(rnd, b * h);
            float[] carry = grad(rnd, b * h);
            float[] gh = gauss(rnd, b * 3 * h);
            float[] hp = gauss(rnd, b * h);
            float[] cache = cache(rnd, b, h);
            float[][] outs = {gauss(rnd, b * h), gauss(rnd, b * 3 * h), gauss(rnd, b * 3 * h), gauss(rnd, b * h)};
            int[] widths = {h, 3 * h, 3 * h, h};
            Tensor[] fused = views(be, outs, b, widths);
            Tensor[] comp = views(be, outs, b, widths);
            be.gruStepBackward(view(be, dh, b, h), view(be, carry, b, h), view(be, gh, b, 3 * h), view(be, hp, b, h),
                    view(be, cache, b, 3 * h), fused[0], fused[1], fused[2], fused[3]);
            be.add(view(be, dh, b, h), view(be, carry, b, h), comp[0]);
            be.gruCellBackward(view(be, gh, b, 3 * h), view(be, hp, b, h), view(be, cache, b, 3 * h), comp[0],
                    comp[1], comp[2], comp[3]);
            same(be, fused, comp, at("gruStepBackward", be, b, h, paper), "dhStep", "dgx", "dgh", "dhPrev");
        });
    }

    @Test
    void augruCandidateUpdateBackwardIsTheComposition() {
        forEachShape((be, rnd, b, h, paper) -> {
            float[] u = unit(rnd, b * h);
            float[] c = signedUnit(rnd, b * h);
            float[] s = gauss(rnd, b * h);
            float[] a = unit(rnd, b);
            float[] ds = grad(rnd, b * h);
            cancelling(rnd, b, h, ds, u, c, s);
            // du, dc, da, dcp, dsPrev: all overwritten, so they start from garbage.
            float[][] outs = {gauss(rnd, b * h), gauss(rnd, b * h), gauss(rnd, b), gauss(rnd, b * h),
                gauss(rnd, b * h)};
            int[] widths = {h, h, 0, h, h};
            Tensor[] fused = views(be, outs, b, widths);
            Tensor[] comp = views(be, outs, b, widths);
            be.augruCandidateUpdateBackward(view(be, u, b, h), view(be, c, b, h), view(be, s, b, h), vector(be, a),
                    view(be, ds, b, h), fused[0], fused[1], fused[2], fused[3], fused[4], paper);
            be.fill(comp[4], 0);
            be.augruUpdateBackward(view(be, u, b, h), view(be, c, b, h), view(be, s, b, h), vector(be, a),
                    view(be, ds, b, h), comp[0], comp[1], comp[4], comp[2], paper);
            be.tanhBackward(view(be, c, b, h), comp[1], comp[3]);
            same(be, fused, comp, at("augruCandidateUpdateBackward", be, b, h, paper), "du", "dc", "da", "dcp",
                    "dsPrev");
        });
    }

    @Test
    void augruGatesBackwardIsTheComposition() {
        forEachShape((be, rnd, b, h, paper) -> {
            float[] drs = grad(rnd, b * h);
            float[] s = gauss(rnd, b * h);
            float[] g = unit(rnd, b * 2 * h);
            float[] r = new float[b * h];
            for (int i = 0; i < b; i++) {
                System.arraycopy(g, i * 2 * h, r, i * h, h);
            }
            float[] du = grad(rnd, b * h);
            float[][] outs = {gauss(rnd, b * 2 * h), grad(rnd, b * h)};
            int[] widths = {2 * h, h};
            Tensor[] fused = views(be, outs, b, widths);
            Tensor[] comp = views(be, outs, b, widths);
            be.augruGatesBackward(view(be, drs, b, h), view(be, s, b, h), view(be, r, b, h), view(be, du, b, h),
                    view(be, g, b, 2 * h), fused[0], fused[1]);
            Tensor dr = be.empty(dev.sim4j.engine.DType.F32, b, h);
            Tensor dsFromR = be.empty(dev.sim4j.engine.DType.F32, b, h);
            Tensor dg = be.empty(dev.sim4j.engine.DType.F32, b, 2 * h);
            be.mul(view(be, drs, b, h), view(be, s, b, h), dr);
            be.mul(view(be, drs, b, h), view(be, r, b, h), dsFromR);
            be.axpy(1, dsFromR, comp[1]);
            be.concatColumns(List.of(dr, view(be, du, b, h)), dg);
            be.sigmoidBackward(view(be, g, b, 2 * h), dg, comp[0]);
            same(be, fused, comp, at("augruGatesBackward", be, b, h, paper), "dgp", "dsPrev");
        });
    }

    // ---------------------------------------------------------------- the scalar code the kernels replaced

    private static float[][] oldGruCellBackward(float[] gh, float[] hPrev, float[] cache, float[] dh, int b, int h) {
        float[] dx = new float[b * 3 * h];
        float[] dr = new float[b * 3 * h];
        float[] dp = new float[b * h];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < h; j++) {
                int zi = i * 3 * h + j;
                int ri = zi + h;
                int ni = zi + 2 * h;
                double z = cache[zi];
                double rr = cache[ri];
                double n = cache[ni];
                double hp = hPrev[i * h + j];
                double d = dh[i * h + j];
                double dz = d * (hp - n) * z * (1 - z);
                double dnPre = d * (1 - z) * (1 - n * n);
                double drPre = dnPre * gh[ni] * rr * (1 - rr);
                dx[zi] = (float) dz;
                dr[zi] = (float) dz;
                dx[ri] = (float) drPre;
                dr[ri] = (float) drPre;
                dx[ni] = (float) dnPre;
                dr[ni] = (float) (dnPre * rr);
                dp[i * h + j] = (float) (d * z);
            }
        }
        return new float[][] {dx, dr, dp};
    }

    private static float[] oldAugruUpdate(float[] u, float[] c, float[] s, float[] a, int b, int h, boolean paper) {
        float[] out = new float[b * h];
        for (int i = 0; i < b; i++) {
            double at = a[i];
            for (int j = 0; j < h; j++) {
                int k = i * h + j;
                double uv = u[k];
                double sv = s[k];
                double cv = c[k];
                double v;
                if (paper) {
                    double u2 = at * uv;
                    v = (1 - u2) * sv + u2 * cv;
                } else {
                    double u2 = (1 - at) * uv;
                    v = u2 * sv + (1 - u2) * cv;
                }
                out[k] = (float) v;
            }
        }
        return out;
    }

    private static float[][] oldAugruUpdateBackward(float[] u, float[] c, float[] s, float[] a, float[] g,
                                                    float[] ds0, int b, int h, boolean paper) {
        float[] du = new float[b * h];
        float[] dc = new float[b * h];
        float[] ds = ds0.clone();
        float[] da = new float[b];
        for (int i = 0; i < b; i++) {
            double at = a[i];
            double accA = 0;
            for (int j = 0; j < h; j++) {
                int k = i * h + j;
                double d = g[k];
                double uv = u[k];
                double sv = s[k];
                double cv = c[k];
                if (paper) {
                    double u2 = at * uv;
                    double dU2 = d * (cv - sv);
                    du[k] = (float) (dU2 * at);
                    accA += dU2 * uv;
                    dc[k] = (float) (d * u2);
                    ds[k] = (float) (ds[k] + d * (1 - u2));
                } else {
                    double u2 = (1 - at) * uv;
                    double dU2 = d * (sv - cv);
                    du[k] = (float) (dU2 * (1 - at));
                    accA -= dU2 * uv;
                    dc[k] = (float) (d * (1 - u2));
                    ds[k] = (float) (ds[k] + d * u2);
                }
            }
            da[i] = (float) accA;
        }
        return new float[][] {du, dc, ds, da};
    }

    // ---------------------------------------------------------------- helpers

    @FunctionalInterface
    private interface Case {
        void run(CpuBackend be, SplittableRandom rnd, int b, int h, boolean paper);
    }

    private static void forEachShape(Case test) {
        SplittableRandom rnd = new SplittableRandom(20261205);
        for (int threads : new int[] {1, 2}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                for (int h : HS) {
                    for (int b : BS) {
                        for (boolean paper : new boolean[] {true, false}) {
                            test.run(be, rnd, b, h, paper);
                        }
                    }
                }
                // Again at the model's width until the JIT has compiled the kernels (the sweep above runs mostly
                // interpreted), so both modes are checked.
                for (int k = 0; k < 60; k++) {
                    test.run(be, rnd, 64, 96, k % 2 == 0);
                    test.run(be, rnd, 5, 17, k % 2 == 0);
                }
            }
        }
    }

    private static String at(String op, CpuBackend be, int b, int h, boolean paper) {
        return op + " B=" + b + " H=" + h + " paper=" + paper + " threads=" + be.threads();
    }

    /** Rows 1..b of a [b + 1, w] tensor (w 0: a [b + 1] vector), so the view starts inside its array. */
    private static Tensor view(CpuBackend be, float[] v, int b, int w) {
        int width = Math.max(w, 1);
        float[] padded = new float[(b + 1) * width];
        java.util.Arrays.fill(padded, 0, width, Float.NaN);
        System.arraycopy(v, 0, padded, width, b * width);
        Tensor t = w == 0 ? be.upload(padded, b + 1) : be.upload(padded, b + 1, w);
        return t.rows(1, b + 1);
    }

    private static Tensor vector(CpuBackend be, float[] v) {
        return view(be, v, v.length, 0);
    }

    private static Tensor[] views(CpuBackend be, float[][] v, int b, int[] widths) {
        Tensor[] out = new Tensor[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = view(be, v[k], widths[k] == 0 ? v[k].length : b, widths[k]);
        }
        return out;
    }

    private static void same(CpuBackend be, Tensor[] got, Tensor[] want, String at, String... names) {
        for (int k = 0; k < got.length; k++) {
            same(be.toFloats(got[k]), be.toFloats(want[k]), at + " " + names[k]);
        }
    }

    private static void same(float[] got, float[] want, String at) {
        assertThat(got.length).as(at).isEqualTo(want.length);
        for (int k = 0; k < got.length; k++) {
            if (Float.floatToRawIntBits(got[k]) != Float.floatToRawIntBits(want[k])) {
                assertThat(got[k]).as(at + " at " + k + " (bits)").isEqualTo(want[k]);
                assertThat(Float.floatToRawIntBits(got[k])).as(at + " at " + k + " (sign of zero)")
                        .isEqualTo(Float.floatToRawIntBits(want[k]));
            }
        }
    }

    private static float[] gauss(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) rnd.nextGaussian();
        }
        return v;
    }

    /** Gradients: Gaussian, with about one in ten an exact +0 or -0 (which sums and products must keep signed). */
    private static float[] grad(SplittableRandom rnd, int n) {
        float[] v = gauss(rnd, n);
        for (int k = 0; k < n; k++) {
            if (rnd.nextInt(10) == 0) {
                v[k] = rnd.nextBoolean() ? 0f : -0f;
            }
        }
        return v;
    }

    /**
     * Makes two elements per row (from H = 3) have da terms T and exactly -T with T near 2^40 (the second gets the
     * first's u, c and s and the negated gradient): the da sum then adds the others while a partial sum near 2^40 is
     * present, so its float result shows the order of the additions.
     */
    private static void cancelling(SplittableRandom rnd, int b, int h, float[] d, float[] u, float[] c, float[] s) {
        if (h < 3) {
            return;
        }
        for (int i = 0; i < b; i++) {
            int p = i * h + rnd.nextInt(h - 1);
            int q = p + 1 + rnd.nextInt(i * h + h - 1 - p);
            d[p] = (float) (rnd.nextGaussian() * 0x1p40);
            d[q] = -d[p];
            u[q] = u[p];
            c[q] = c[p];
            s[q] = s[p];
        }
    }

    private static float[] unit(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) rnd.nextDouble();
        }
        return v;
    }

    private static float[] signedUnit(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return v;
    }

    /** A GRU cache row: z and r gates in [0, 1), the candidate n in (-1, 1). */
    private static float[] cache(SplittableRandom rnd, int b, int h) {
        float[] v = new float[b * 3 * h];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < 3 * h; j++) {
                v[i * 3 * h + j] = j < 2 * h ? (float) rnd.nextDouble() : (float) (rnd.nextDouble() * 2 - 1);
            }
        }
        return v;
    }
}
