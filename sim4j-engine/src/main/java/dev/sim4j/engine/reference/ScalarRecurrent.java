package dev.sim4j.engine.reference;

import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.CpuTensor;
import dev.sim4j.engine.kernels.RecurrentKernels;
import dev.sim4j.engine.kernels.ScalarMath;
import dev.sim4j.engine.kernels.Shapes;

/** The reference GRU cell and AUGRU update, element by element in double. */
final class ScalarRecurrent implements RecurrentKernels {
    @Override
    public void gruCell(Tensor gx, Tensor gh, Tensor hPrev, Tensor hOut, Tensor cache) {
        int h = hPrev.dim(-1);
        int b = Shapes.rowsOf(hPrev);
        Shapes.require(gx.size() == 3L * b * h && gh.size() == 3L * b * h && cache.size() == 3L * b * h
                && hOut.size() == (long) b * h, "gruCell", gx, gh, hPrev, hOut, cache);
        CpuTensor x = CpuTensor.of(gx);
        CpuTensor r = CpuTensor.of(gh);
        CpuTensor p = CpuTensor.of(hPrev);
        CpuTensor o = CpuTensor.of(hOut);
        CpuTensor c = CpuTensor.of(cache);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < h; j++) {
                int zi = i * 3 * h + j;
                int ri = zi + h;
                int ni = zi + 2 * h;
                double z = ScalarMath.sigmoid(x.get(zi) + r.get(zi));
                double rr = ScalarMath.sigmoid(x.get(ri) + r.get(ri));
                double n = Math.tanh(x.get(ni) + rr * r.get(ni));
                double hp = p.get(i * h + j);
                o.set(i * h + j, z * hp + (1 - z) * n);
                c.set(zi, z);
                c.set(ri, rr);
                c.set(ni, n);
            }
        }
    }

    @Override
    public void gruCellBackward(Tensor gh, Tensor hPrev, Tensor cache, Tensor dh, Tensor dgx, Tensor dgh, Tensor dhPrev) {
        int h = hPrev.dim(-1);
        int b = Shapes.rowsOf(hPrev);
        CpuTensor r = CpuTensor.of(gh);
        CpuTensor p = CpuTensor.of(hPrev);
        CpuTensor c = CpuTensor.of(cache);
        CpuTensor g = CpuTensor.of(dh);
        CpuTensor dx = CpuTensor.of(dgx);
        CpuTensor dr = CpuTensor.of(dgh);
        CpuTensor dp = CpuTensor.of(dhPrev);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < h; j++) {
                int zi = i * 3 * h + j;
                int ri = zi + h;
                int ni = zi + 2 * h;
                double z = c.get(zi);
                double rr = c.get(ri);
                double n = c.get(ni);
                double hp = p.get(i * h + j);
                double d = g.get(i * h + j);
                double dz = d * (hp - n) * z * (1 - z);
                double dnPre = d * (1 - z) * (1 - n * n);
                double drPre = dnPre * r.get(ni) * rr * (1 - rr);
                dx.set(zi, dz);
                dr.set(zi, dz);
                dx.set(ri, drPre);
                dr.set(ri, drPre);
                dx.set(ni, dnPre);
                dr.set(ni, dnPre * rr);
                dp.set(i * h + j, d * z);
            }
        }
    }

    @Override
    public void augruUpdate(Tensor u, Tensor c, Tensor s, Tensor a, Tensor out, boolean paperForm) {
        int h = s.dim(-1);
        int b = Shapes.rowsOf(s);
        Shapes.require(u.size() == (long) b * h && c.size() == (long) b * h && a.size() == b && out.size() == (long) b * h,
                "augruUpdate", u, c, s, a, out);
        CpuTensor uu = CpuTensor.of(u);
        CpuTensor cc = CpuTensor.of(c);
        CpuTensor ss = CpuTensor.of(s);
        CpuTensor aa = CpuTensor.of(a);
        CpuTensor o = CpuTensor.of(out);
        for (int i = 0; i < b; i++) {
            double at = aa.get(i);
            for (int j = 0; j < h; j++) {
                int k = i * h + j;
                double v;
                if (paperForm) {
                    double u2 = at * uu.get(k);
                    v = (1 - u2) * ss.get(k) + u2 * cc.get(k);
                } else {
                    double u2 = (1 - at) * uu.get(k);
                    v = u2 * ss.get(k) + (1 - u2) * cc.get(k);
                }
                o.set(k, v);
            }
        }
    }

    @Override
    public void augruUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor dOut, Tensor du, Tensor dc, Tensor ds,
                                    Tensor da, boolean paperForm) {
        int h = s.dim(-1);
        int b = Shapes.rowsOf(s);
        CpuTensor uu = CpuTensor.of(u);
        CpuTensor cc = CpuTensor.of(c);
        CpuTensor ss = CpuTensor.of(s);
        CpuTensor aa = CpuTensor.of(a);
        CpuTensor g = CpuTensor.of(dOut);
        CpuTensor dU = CpuTensor.of(du);
        CpuTensor dC = CpuTensor.of(dc);
        CpuTensor dS = CpuTensor.of(ds);
        CpuTensor dA = CpuTensor.of(da);
        for (int i = 0; i < b; i++) {
            double at = aa.get(i);
            double accA = 0;
            for (int j = 0; j < h; j++) {
                int k = i * h + j;
                double d = g.get(k);
                double uv = uu.get(k);
                double sv = ss.get(k);
                double cv = cc.get(k);
                if (paperForm) {
                    double u2 = at * uv;
                    double dU2 = d * (cv - sv);
                    dU.set(k, dU2 * at);
                    accA += dU2 * uv;
                    dC.set(k, d * u2);
                    dS.set(k, dS.get(k) + d * (1 - u2));
                } else {
                    double u2 = (1 - at) * uv;
                    double dU2 = d * (sv - cv);
                    dU.set(k, dU2 * (1 - at));
                    accA -= dU2 * uv;
                    dC.set(k, d * (1 - u2));
                    dS.set(k, dS.get(k) + d * u2);
                }
            }
            dA.set(i, accA);
        }
    }
}
