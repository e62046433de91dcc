package dev.sim4j.cuda.backend;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import java.util.List;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The float32 build's fused recurrent steps on views 16 bytes into their buffers with H a multiple of eight, where they
 * take eight units per thread with 16-byte accesses (recurrent.cu): against the F64 reference (the conformance
 * suite's tolerances, NaN-poisoned outputs, guards), and against their compositions (Backend's default bodies run on
 * the same GPU) bit for bit. The conformance suite's H are never multiples of eight, so it checks the one-at-a-time
 * path. Skips without a GPU.
 */
class CudaFusedRecurrentAlignedTest {
    static final double ELEM = 1e-6;
    static final double RED = 1e-5;
    static final int[][] MATS = {{1, 8}, {7, 8}, {33, 96}, {4096, 96}, {1021, 16}};
    static CudaTwins h;
    static Backend composed;

    @BeforeAll
    static void setUp() {
        h = new CudaTwins(Long.getLong("sim4j.seed", 20261209L), true);
        composed = CudaMixedPrecisionRecurrentTest.withDefaultSteps(h.gpu);
    }

    @AfterAll
    static void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    /** Runs {@code op} fused on the GPU into {@code fused} and composed into {@code twin}; the two must agree in bits. */
    static void sameAsComposition(CudaTwins.T fused, CudaTwins.T twin, String what) {
        CudaTwins.sameBits(h.gpu.toFloats(fused.on(h.gpu)), h.gpu.toFloats(twin.on(h.gpu)), what + " fused = composed");
    }

    @Test
    void gruSteps() {
        for (int[] s : MATS) {
            int b = s[0];
            int hh = s[1];
            String at = " " + b + "x" + hh;
            CudaTwins.T gx = h.uniform(-3, 3, b, 3 * hh);
            float[] ghv = new float[b * 3 * hh];
            for (int k = 0; k < ghv.length; k++) {
                ghv[k] = (float) (h.rnd.nextDouble() * 6 - 3);
            }
            CudaTwins.T gh = h.floats(ghv, b, 3 * hh);
            CudaTwins.T ghTwin = h.floats(ghv, b, 3 * hh);
            CudaTwins.T bRec = h.rand(3 * hh);
            CudaTwins.T hPrev = h.rand(b, hh);
            CudaTwins.T hOut = h.output(b, hh);
            CudaTwins.T cache = h.output(b, 3 * hh);
            CudaTwins.T hOutTwin = h.output(b, hh);
            CudaTwins.T cacheTwin = h.output(b, 3 * hh);
            h.run(be -> be.gruStep(gx.on(be), gh.on(be), bRec.on(be), hPrev.on(be), hOut.on(be), cache.on(be)));
            composed.gruStep(gx.on(h.gpu), ghTwin.on(h.gpu), bRec.on(h.gpu), hPrev.on(h.gpu), hOutTwin.on(h.gpu),
                    cacheTwin.on(h.gpu));
            h.check(gh, ELEM, 0, "gruStep gh + bias" + at);
            h.check(hOut, RED, 1e-6, "gruStep h" + at);
            h.check(cache, ELEM, 1e-6, "gruStep cache" + at);
            sameAsComposition(gh, ghTwin, "gruStep gh" + at);
            sameAsComposition(hOut, hOutTwin, "gruStep h" + at);
            sameAsComposition(cache, cacheTwin, "gruStep cache" + at);

            CudaTwins.T dh = h.rand(b, hh);
            CudaTwins.T carry = h.rand(b, hh);
            CudaTwins.T gates = h.uniform(0, 1, b, 3 * hh);
            CudaTwins.T[] out = {h.output(b, hh), h.output(b, 3 * hh), h.output(b, 3 * hh), h.output(b, hh)};
            CudaTwins.T[] twin = {h.output(b, hh), h.output(b, 3 * hh), h.output(b, 3 * hh), h.output(b, hh)};
            BiConsumer<Backend, CudaTwins.T[]> back = (be, o) -> be.gruStepBackward(dh.on(be), carry.on(be),
                    gh.on(be), hPrev.on(be), gates.on(be), o[0].on(be), o[1].on(be), o[2].on(be), o[3].on(be));
            h.run(be -> back.accept(be, out));
            back.accept(composed, twin);
            String[] names = {"dhStep", "dgx", "dgh", "dhPrev"};
            double[][] tol = {{ELEM, 0}, {RED, 1e-7}, {RED, 1e-7}, {ELEM, 1e-7}};
            for (int k = 0; k < out.length; k++) {
                h.check(out[k], tol[k][0], tol[k][1], "gruStepBackward " + names[k] + at);
                sameAsComposition(out[k], twin[k], "gruStepBackward " + names[k] + at);
            }
        }
    }

    @Test
    void augruSteps() {
        for (int[] s : MATS) {
            int b = s[0];
            int hh = s[1];
            String at = " " + b + "x" + hh;
            CudaTwins.T gp = h.uniform(-8, 8, b, 2 * hh);
            CudaTwins.T st = h.rand(b, hh);
            CudaTwins.T[] gates = {h.output(b, 2 * hh), h.output(b, hh), h.output(b, hh), h.output(b, hh)};
            CudaTwins.T[] gatesTwin = {h.output(b, 2 * hh), h.output(b, hh), h.output(b, hh), h.output(b, hh)};
            BiConsumer<Backend, CudaTwins.T[]> fwd = (be, o) -> be.augruGates(gp.on(be), st.on(be), o[0].on(be),
                    o[1].on(be), o[2].on(be), o[3].on(be));
            h.run(be -> fwd.accept(be, gates));
            fwd.accept(composed, gatesTwin);
            String[] names = {"g", "r", "u", "rs"};
            for (int k = 0; k < gates.length; k++) {
                h.check(gates[k], ELEM, 1e-7, "augruGates " + names[k] + at);
                sameAsComposition(gates[k], gatesTwin[k], "augruGates " + names[k] + at);
            }
            CudaTwins.T a = h.uniform(0, 1, b);
            CudaTwins.T cp = h.uniform(-3, 3, b, hh);
            CudaTwins.T u = h.uniform(0, 1, b, hh);
            for (boolean paper : new boolean[] {false, true}) {
                String form = " paper=" + paper + at;
                CudaTwins.T c = h.output(b, hh);
                CudaTwins.T out = h.output(b, hh);
                CudaTwins.T cTwin = h.output(b, hh);
                CudaTwins.T outTwin = h.output(b, hh);
                h.run(be -> be.augruCandidateUpdate(cp.on(be), u.on(be), st.on(be), a.on(be), c.on(be), out.on(be),
                        paper));
                composed.augruCandidateUpdate(cp.on(h.gpu), u.on(h.gpu), st.on(h.gpu), a.on(h.gpu), cTwin.on(h.gpu),
                        outTwin.on(h.gpu), paper);
                h.check(c, ELEM, 1e-7, "augruCandidateUpdate c" + form);
                h.check(out, RED, 1e-7, "augruCandidateUpdate out" + form);
                sameAsComposition(c, cTwin, "augruCandidateUpdate c" + form);
                sameAsComposition(out, outTwin, "augruCandidateUpdate out" + form);
            }
            CudaTwins.T drs = h.rand(b, hh);
            CudaTwins.T rIn = h.uniform(0, 1, b, hh);
            CudaTwins.T duIn = h.rand(b, hh);
            CudaTwins.T gIn = h.uniform(0, 1, b, 2 * hh);
            float[] dsv = new float[b * hh];
            for (int k = 0; k < dsv.length; k++) {
                dsv[k] = (float) (h.rnd.nextDouble() * 2 - 1);
            }
            CudaTwins.T ds = h.floats(dsv, b, hh);
            CudaTwins.T dsTwin = h.floats(dsv, b, hh);
            CudaTwins.T dgp = h.output(b, 2 * hh);
            CudaTwins.T dgpTwin = h.output(b, 2 * hh);
            h.run(be -> be.augruGatesBackward(drs.on(be), st.on(be), rIn.on(be), duIn.on(be), gIn.on(be), dgp.on(be),
                    ds.on(be)));
            // Backend's default body (the proxy leaves this one to the GPU): the four ops it fuses.
            CudaBackend g = h.gpu;
            Tensor dr = g.empty(DType.F32, b, hh);
            Tensor dsFromR = g.empty(DType.F32, b, hh);
            Tensor dg = g.empty(DType.F32, b, 2 * hh);
            g.mul(drs.on(g), st.on(g), dr);
            g.mul(drs.on(g), rIn.on(g), dsFromR);
            g.axpy(1, dsFromR, dsTwin.on(g));
            g.concatColumns(List.of(dr, duIn.on(g)), dg);
            g.sigmoidBackward(gIn.on(g), dg, dgpTwin.on(g));
            h.check(dgp, RED, 1e-7, "augruGatesBackward dgp" + at);
            h.check(ds, RED, 1e-7, "augruGatesBackward dsPrev" + at);
            sameAsComposition(dgp, dgpTwin, "augruGatesBackward dgp" + at);
            sameAsComposition(ds, dsTwin, "augruGatesBackward dsPrev" + at);
        }
    }
}
