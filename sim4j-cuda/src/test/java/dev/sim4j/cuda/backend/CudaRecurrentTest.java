package dev.sim4j.cuda.backend;

import dev.sim4j.engine.Backend;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Every kernel of {@link CudaRecurrent} against the F64 reference on awkward [B, H] (1, 7, 17, 33, 127, 1021, rows
 * longer than a block) and the model's (B 4096, H 96 and 36), both AUGRU forms, every argument a view with guards,
 * overwritten outputs NaN-poisoned and accumulated ones pre-filled; the one reduction (da) run twice and required
 * bit-identical. Skips without a GPU; {@code -Dsim4j.seed=N} repeats a seed.
 */
class CudaRecurrentTest {
    static final double ELEM = 1e-6;
    static final double RED = 1e-5;
    static final long SEED = Long.getLong("sim4j.seed", 20261202L);

    static final int[][] MATS = {{1, 1}, {1, 127}, {7, 17}, {17, 33}, {33, 7}, {127, 127}, {1021, 33}, {3, 4099},
        {4096, 96}, {4096, 36}};

    /** Runs op twice on the GPU from the current state of out and requires bit-identical results. */
    static void deterministic(CudaTwins h, CudaTwins.T out, Consumer<Backend> op, String what) {
        h.checkDeterministic(out, op, what);
    }

    @Test
    void gruCellForwardAndBackward() {
        try (CudaTwins h = new CudaTwins(SEED)) {
            for (int[] s : MATS) {
                int b = s[0];
                int hh = s[1];
                String at = " " + b + "x" + hh;
                CudaTwins.T gx = h.uniform(-3, 3, b, 3 * hh);
                CudaTwins.T gh = h.uniform(-3, 3, b, 3 * hh);
                CudaTwins.T hPrev = h.rand(b, hh);
                CudaTwins.T hOut = h.output(b, hh);
                CudaTwins.T cache = h.output(b, 3 * hh);
                h.run(be -> be.gruCell(gx.on(be), gh.on(be), hPrev.on(be), hOut.on(be), cache.on(be)));
                h.check(hOut, RED, 1e-6, "gruCell h" + at);
                h.check(cache, ELEM, 1e-6, "gruCell cache" + at);

                CudaTwins.T dh = h.rand(b, hh);
                CudaTwins.T dgx = h.output(b, 3 * hh);
                CudaTwins.T dgh = h.output(b, 3 * hh);
                CudaTwins.T dhPrev = h.output(b, hh);
                // The same gate values (z, r, n in (0, 1)) on both sides, so the check measures the backward alone.
                CudaTwins.T gates = h.uniform(0, 1, b, 3 * hh);
                h.run(be -> be.gruCellBackward(gh.on(be), hPrev.on(be), gates.on(be), dh.on(be), dgx.on(be),
                        dgh.on(be), dhPrev.on(be)));
                h.check(dgx, RED, 1e-7, "gruCellBackward dgx" + at);
                h.check(dgh, RED, 1e-7, "gruCellBackward dgh" + at);
                h.check(dhPrev, ELEM, 0, "gruCellBackward dhPrev" + at);
            }
            // Rank 3 states [B, T, H]: rows are everything but the last dimension.
            CudaTwins.T gx = h.uniform(-3, 3, 2, 3, 3 * 5);
            CudaTwins.T gh = h.uniform(-3, 3, 2, 3, 3 * 5);
            CudaTwins.T hPrev = h.rand(2, 3, 5);
            CudaTwins.T hOut = h.output(2, 3, 5);
            CudaTwins.T cache = h.output(2, 3, 3 * 5);
            h.run(be -> be.gruCell(gx.on(be), gh.on(be), hPrev.on(be), hOut.on(be), cache.on(be)));
            h.check(hOut, RED, 1e-6, "gruCell h rank 3");
            h.check(cache, ELEM, 1e-6, "gruCell cache rank 3");
        }
    }

    @Test
    void augruUpdateBothForms() {
        try (CudaTwins h = new CudaTwins(SEED + 1)) {
            for (int[] s : MATS) {
                int b = s[0];
                int hh = s[1];
                CudaTwins.T u = h.uniform(0, 1, b, hh);
                CudaTwins.T c = h.rand(b, hh);
                CudaTwins.T st = h.rand(b, hh);
                CudaTwins.T a = h.uniform(0, 1, b);
                CudaTwins.T dOut = h.rand(b, hh);
                for (boolean paper : new boolean[] {false, true}) {
                    String at = " paper=" + paper + " " + b + "x" + hh;
                    CudaTwins.T out = h.output(b, hh);
                    h.run(be -> be.augruUpdate(u.on(be), c.on(be), st.on(be), a.on(be), out.on(be), paper));
                    h.check(out, RED, 1e-7, "augruUpdate" + at);
                    CudaTwins.T du = h.output(b, hh);
                    CudaTwins.T dc = h.output(b, hh);
                    CudaTwins.T ds = h.rand(b, hh);
                    CudaTwins.T da = h.output(b);
                    Consumer<Backend> back = be -> be.augruUpdateBackward(u.on(be), c.on(be), st.on(be), a.on(be),
                            dOut.on(be), du.on(be), dc.on(be), ds.on(be), da.on(be), paper);
                    h.run(back);
                    h.check(du, RED, 1e-7, "augruUpdateBackward du" + at);
                    h.check(dc, RED, 1e-7, "augruUpdateBackward dc" + at);
                    h.check(ds, RED, 1e-7, "augruUpdateBackward ds" + at);
                    h.check(da, RED, 1e-6, "augruUpdateBackward da" + at);
                    deterministic(h, da, back, "augruUpdateBackward da" + at);
                }
            }
        }
    }
}
