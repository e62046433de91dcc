package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.cuda.backend.MixedPrecisionTwins.Pair;
import dev.sim4j.cuda.backend.MixedPrecisionTwins.Side;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The recurrent family's bfloat16 build against its float32 build (the cells compute in float in the bfloat16 build:
 * {@link MixedPrecisionTwins#checkClose}, one bfloat16 rounding of the float32 results), and each fused step against
 * its composition in bfloat16, bit for bit: the composition is {@link Backend}'s default body, run on the same
 * backend.
 */
class CudaMixedPrecisionRecurrentTest {
    static final int[] ROWS = {1, 7, 1021, 4096};
    static final int[] UNITS = {1, 17, 96};
    static final Side BF = Side.HALF;
    /**
     * The fused steps run through Backend's default bodies; augruGatesBackward's is written out below (see
     * {@link #augruGatesBackwardComposed}).
     */
    static final Set<String> FUSED = Set.of("gruStep", "gruStepBackward", "augruGates", "augruCandidateUpdate",
            "augruCandidateUpdateBackward");
    static MixedPrecisionTwins t;
    /** The test's backend, except that the fused steps run Backend's default bodies (the separate ops). */
    static Backend composed;

    @BeforeAll
    static void setUp() {
        t = new MixedPrecisionTwins(Long.getLong("sim4j.seed", 20261204L));
        composed = withDefaultSteps(t.gpu);
    }

    @AfterAll
    static void tearDown() {
        if (t != null) {
            t.close();
        }
    }

    /**
     * {@code gpu} behind a proxy that runs the interface's default bodies of the fused steps: CudaBackend overrides
     * them, and a default method can be called past an override only this way from outside an implementing class.
     * The bodies' own calls come back through the proxy to {@code gpu}.
     */
    static Backend withDefaultSteps(CudaBackend gpu) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (FUSED.contains(method.getName())) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            try {
                return method.invoke(gpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                handler);
    }

    /** Rows of {@code blocks} gate blocks of width h: z, r-like blocks in [0, 1), the last one (n) in [-1, 1). */
    static Pair gates(int b, int h, int blocks, boolean lastSigned) {
        float[] v = new float[b * blocks * h];
        for (int row = 0; row < b; row++) {
            for (int k = 0; k < blocks; k++) {
                boolean signed = lastSigned && k == blocks - 1;
                System.arraycopy(t.values(signed ? -1 : 0, 1, h), 0, v, (row * blocks + k) * h, h);
            }
        }
        return t.act(v, b, blocks * h);
    }

    static Pair uniform(double lo, double hi, int... shape) {
        return t.act(t.values(lo, hi, CudaTwins.size(shape)), shape);
    }

    @Test
    void gruCellIsTheFloatCellRounded() {
        for (int b : ROWS) {
            for (int h : UNITS) {
                String at = " " + b + "x" + h;
                Pair gx = uniform(-3, 3, b, 3 * h);
                Pair gh = uniform(-3, 3, b, 3 * h);
                Pair hPrev = t.act(b, h);
                Pair hOut = t.actOutput(b, h);
                Pair cache = t.actOutput(b, 3 * h);
                t.run(side -> t.gpu.gruCell(gx.on(side), gh.on(side), hPrev.on(side), hOut.on(side),
                        cache.on(side)));
                t.checkClose(hOut, "gruCell h" + at);
                t.checkClose(cache, "gruCell cache" + at);
                // The backward from a cache both runs share (the forward's caches differ by the rounding).
                Pair zrn = gates(b, h, 3, true);
                Pair dh = t.act(b, h);
                Pair dgx = t.actOutput(b, 3 * h);
                Pair dgh = t.actOutput(b, 3 * h);
                Pair dhPrev = t.actOutput(b, h);
                t.run(side -> t.gpu.gruCellBackward(gh.on(side), hPrev.on(side), zrn.on(side), dh.on(side),
                        dgx.on(side), dgh.on(side), dhPrev.on(side)));
                t.checkClose(dgx, "gruCellBackward dgx" + at);
                t.checkClose(dgh, "gruCellBackward dgh" + at);
                t.checkClose(dhPrev, "gruCellBackward dhPrev" + at);
            }
        }
    }

    @Test
    void augruUpdateIsTheFloatUpdateRoundedInBothForms() {
        for (int b : ROWS) {
            for (int h : UNITS) {
                Pair u = uniform(0, 1, b, h);
                Pair c = t.act(b, h);
                Pair s = t.act(b, h);
                Pair a = uniform(0, 1, b);
                Pair dOut = t.act(b, h);
                for (boolean paper : new boolean[] {false, true}) {
                    String at = " paper=" + paper + " " + b + "x" + h;
                    Pair out = t.actOutput(b, h);
                    t.run(side -> t.gpu.augruUpdate(u.on(side), c.on(side), s.on(side), a.on(side), out.on(side),
                            paper));
                    t.checkClose(out, "augruUpdate" + at);
                    Pair du = t.actOutput(b, h);
                    Pair dc = t.actOutput(b, h);
                    Pair ds = t.act(b, h);
                    Pair da = t.actOutput(b);
                    t.run(side -> t.gpu.augruUpdateBackward(u.on(side), c.on(side), s.on(side), a.on(side),
                            dOut.on(side), du.on(side), dc.on(side), ds.on(side), da.on(side), paper));
                    t.checkClose(du, "augruUpdateBackward du" + at);
                    t.checkClose(dc, "augruUpdateBackward dc" + at);
                    t.checkClose(ds, "augruUpdateBackward ds (accumulated)" + at);
                    t.checkClose(da, "augruUpdateBackward da" + at);
                }
            }
        }
    }

    @Test
    void fusedGruStepsEqualTheirCompositionsInBfloat16() {
        for (int b : ROWS) {
            for (int h : UNITS) {
                String at = " " + b + "x" + h;
                Pair gx = uniform(-3, 3, b, 3 * h);
                Pair bRec = t.param(3 * h);
                Pair hPrev = t.act(b, h);
                float[] ghValues = t.values(-3, 3, b * 3 * h);
                Pair[] gh = {t.act(ghValues, b, 3 * h), t.act(ghValues, b, 3 * h)};
                Pair[] hOut = {t.actOutput(b, h), t.actOutput(b, h)};
                Pair[] cache = {t.actOutput(b, 3 * h), t.actOutput(b, 3 * h)};
                Backend[] bes = {t.gpu, composed};
                for (int k = 0; k < 2; k++) {
                    bes[k].gruStep(gx.on(BF), gh[k].on(BF), bRec.on(BF), hPrev.on(BF), hOut[k].on(BF),
                            cache[k].on(BF));
                }
                t.sameBits(gh[0], gh[1], "gruStep gh + bRec" + at);
                t.sameBits(hOut[0], hOut[1], "gruStep h" + at);
                t.sameBits(cache[0], cache[1], "gruStep cache" + at);
                Pair dh = t.act(b, h);
                Pair carry = t.act(b, h);
                Pair[] dhStep = {t.actOutput(b, h), t.actOutput(b, h)};
                Pair[] dgx = {t.actOutput(b, 3 * h), t.actOutput(b, 3 * h)};
                Pair[] dgh = {t.actOutput(b, 3 * h), t.actOutput(b, 3 * h)};
                Pair[] dhPrev = {t.actOutput(b, h), t.actOutput(b, h)};
                for (int k = 0; k < 2; k++) {
                    bes[k].gruStepBackward(dh.on(BF), carry.on(BF), gh[0].on(BF), hPrev.on(BF), cache[0].on(BF),
                            dhStep[k].on(BF), dgx[k].on(BF), dgh[k].on(BF), dhPrev[k].on(BF));
                }
                t.sameBits(dhStep[0], dhStep[1], "gruStepBackward dhStep" + at);
                t.sameBits(dgx[0], dgx[1], "gruStepBackward dgx" + at);
                t.sameBits(dgh[0], dgh[1], "gruStepBackward dgh" + at);
                t.sameBits(dhPrev[0], dhPrev[1], "gruStepBackward dhPrev" + at);
            }
        }
    }

    @Test
    void fusedAugruStepsEqualTheirCompositionsInBfloat16() {
        Backend[] bes = {t.gpu, composed};
        for (int b : ROWS) {
            for (int h : UNITS) {
                Pair gp = uniform(-8, 8, b, 2 * h);
                Pair s = t.act(b, h);
                Pair[] g = {t.actOutput(b, 2 * h), t.actOutput(b, 2 * h)};
                Pair[] r = {t.actOutput(b, h), t.actOutput(b, h)};
                Pair[] u = {t.actOutput(b, h), t.actOutput(b, h)};
                Pair[] rs = {t.actOutput(b, h), t.actOutput(b, h)};
                for (int k = 0; k < 2; k++) {
                    bes[k].augruGates(gp.on(BF), s.on(BF), g[k].on(BF), r[k].on(BF), u[k].on(BF), rs[k].on(BF));
                }
                String size = " " + b + "x" + h;
                t.sameBits(g[0], g[1], "augruGates g" + size);
                t.sameBits(r[0], r[1], "augruGates r" + size);
                t.sameBits(u[0], u[1], "augruGates u" + size);
                t.sameBits(rs[0], rs[1], "augruGates rs" + size);
                Pair cp = uniform(-3, 3, b, h);
                Pair a = uniform(0, 1, b);
                Pair ds = t.act(b, h);
                Pair drs = t.act(b, h);
                for (boolean paper : new boolean[] {false, true}) {
                    String at = " paper=" + paper + size;
                    Pair[] c = {t.actOutput(b, h), t.actOutput(b, h)};
                    Pair[] out = {t.actOutput(b, h), t.actOutput(b, h)};
                    for (int k = 0; k < 2; k++) {
                        bes[k].augruCandidateUpdate(cp.on(BF), u[0].on(BF), s.on(BF), a.on(BF), c[k].on(BF),
                                out[k].on(BF), paper);
                    }
                    t.sameBits(c[0], c[1], "augruCandidateUpdate c" + at);
                    t.sameBits(out[0], out[1], "augruCandidateUpdate out" + at);
                    Pair[] du = {t.actOutput(b, h), t.actOutput(b, h)};
                    Pair[] dc = {t.actOutput(b, h), t.actOutput(b, h)};
                    Pair[] da = {t.actOutput(b), t.actOutput(b)};
                    Pair[] dcp = {t.actOutput(b, h), t.actOutput(b, h)};
                    Pair[] dsPrev = {t.actOutput(b, h), t.actOutput(b, h)};
                    for (int k = 0; k < 2; k++) {
                        bes[k].augruCandidateUpdateBackward(u[0].on(BF), c[0].on(BF), s.on(BF), a.on(BF), ds.on(BF),
                                du[k].on(BF), dc[k].on(BF), da[k].on(BF), dcp[k].on(BF), dsPrev[k].on(BF), paper);
                    }
                    t.sameBits(du[0], du[1], "augruCandidateUpdateBackward du" + at);
                    t.sameBits(dc[0], dc[1], "augruCandidateUpdateBackward dc" + at);
                    t.sameBits(da[0], da[1], "augruCandidateUpdateBackward da" + at);
                    t.sameBits(dcp[0], dcp[1], "augruCandidateUpdateBackward dcp" + at);
                    t.sameBits(dsPrev[0], dsPrev[1], "augruCandidateUpdateBackward dsPrev" + at);
                    // The gates' backward accumulates into the dsPrev just written (equal in both).
                    Pair[] dgp = {t.actOutput(b, 2 * h), t.actOutput(b, 2 * h)};
                    t.gpu.augruGatesBackward(drs.on(BF), s.on(BF), r[0].on(BF), du[0].on(BF), g[0].on(BF),
                            dgp[0].on(BF), dsPrev[0].on(BF));
                    augruGatesBackwardComposed(drs.on(BF), s.on(BF), r[0].on(BF), du[0].on(BF), g[0].on(BF),
                            dgp[1].on(BF), dsPrev[1].on(BF));
                    t.sameBits(dgp[0], dgp[1], "augruGatesBackward dgp" + at);
                    t.sameBits(dsPrev[0], dsPrev[1], "augruGatesBackward dsPrev (accumulated)" + at);
                }
            }
        }
    }

    /**
     * Backend's default augruGatesBackward, its temporaries in the activations' type: the default allocates them as
     * {@code floatType()} (F32), which the bfloat16 ops refuse beside bfloat16 operands.
     */
    static void augruGatesBackwardComposed(Tensor drs, Tensor s, Tensor r, Tensor du, Tensor g, Tensor dgp,
                                           Tensor dsPrev) {
        Tensor dr = t.gpu.empty(drs.dtype(), s.shape());
        Tensor dsFromR = t.gpu.empty(drs.dtype(), s.shape());
        Tensor dg = t.gpu.empty(drs.dtype(), g.shape());
        t.gpu.mul(drs, s, dr);
        t.gpu.mul(drs, r, dsFromR);
        t.gpu.axpy(1, dsFromR, dsPrev);
        t.gpu.concatColumns(List.of(dr, du), dg);
        t.gpu.sigmoidBackward(g, dg, dgp);
    }

    @Test
    void mixedActivationTypesAreRefusedWithTheOpsName() {
        Tensor wide = t.gpu.zeros(DType.F32, 4, 3);
        Tensor gates = t.gpu.zeros(t.half, 4, 9);
        Tensor state = t.gpu.zeros(t.half, 4, 3);
        assertThatThrownBy(() -> t.gpu.gruCell(gates, gates, wide, state, gates))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gruCell")
                .hasMessageContaining(t.half.name());
        Tensor narrowBias = t.gpu.zeros(t.half, 9);
        assertThatThrownBy(() -> t.gpu.gruStep(gates, gates, narrowBias, state, state, gates))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gruStep")
                .hasMessageContaining("F32 parameter");
    }
}
