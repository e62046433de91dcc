package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.cuda.backend.MixedPrecisionTwins.Pair;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dense family's bfloat16 build against its float32 build (the contract of {@link MixedPrecisionTwins}: each
 * bfloat16 output is the float32 output rounded, bit for bit; within one bfloat16 rounding for the activations and
 * their backwards, which the bfloat16 build computes in float), the fused epilogues against their compositions in
 * bfloat16, conversions against {@link dev.sim4j.engine.HalfFloats}, and products with bfloat16 operands within their tolerance.
 */
class CudaMixedPrecisionDenseTest {
    static final int[][] MATS = {{1, 1}, {7, 17}, {33, 7}, {1021, 3}, {4099, 1}, {4096, 96}, {40960, 36}};
    static MixedPrecisionTwins t;

    @BeforeAll
    static void setUp() {
        t = new MixedPrecisionTwins(Long.getLong("sim4j.seed", 20261203L));
    }

    @AfterAll
    static void tearDown() {
        if (t != null) {
            t.close();
        }
    }

    @Test
    void elementWiseOpsAreTheFloatResultsRounded() {
        for (int[] s : MATS) {
            Pair a = t.act(s);
            Pair b = t.act(s);
            for (String op : List.of("add", "subtract", "mul", "sigmoidBackward", "tanhBackward")) {
                Pair out = t.actOutput(s);
                t.run(side -> {
                    Tensor x = a.on(side);
                    Tensor y = b.on(side);
                    Tensor o = out.on(side);
                    switch (op) {
                        case "add" -> t.gpu.add(x, y, o);
                        case "subtract" -> t.gpu.subtract(x, y, o);
                        case "mul" -> t.gpu.mul(x, y, o);
                        case "sigmoidBackward" -> t.gpu.sigmoidBackward(x, y, o);
                        default -> t.gpu.tanhBackward(x, y, o);
                    }
                });
                if (op.endsWith("Backward")) {
                    t.checkClose(out, op);
                } else {
                    t.check(out, op);
                }
            }
            for (String op : List.of("sigmoid", "tanh")) {
                Pair out = t.actOutput(s);
                t.run(side -> {
                    if (op.equals("sigmoid")) {
                        t.gpu.sigmoid(a.on(side), out.on(side));
                    } else {
                        t.gpu.tanh(a.on(side), out.on(side));
                    }
                });
                t.checkClose(out, op);
            }
            Pair y = t.act(s);
            t.run(side -> t.gpu.axpy(-0.37, a.on(side), y.on(side)));
            t.check(y, "axpy");
            Pair z = t.act(s);
            t.run(side -> t.gpu.scale(z.on(side), 1.7));
            t.check(z, "scale");
        }
    }

    @Test
    void rowWiseOpsAreTheFloatResultsRounded() {
        for (int[] s : MATS) {
            Pair x = t.act(s);
            Pair bias = t.param(s[1]);
            Pair alpha = t.param(s[1]);
            Pair sum = t.act(s);
            t.run(side -> t.gpu.addRowVector(sum.on(side), bias.on(side)));
            t.check(sum, "addRowVector");
            Pair rows = t.act(s[0]);
            Pair scaled = t.actOutput(s);
            t.run(side -> t.gpu.mulRows(x.on(side), rows.on(side), scaled.on(side)));
            t.check(scaled, "mulRows");
            Pair p = t.actOutput(s);
            t.run(side -> t.gpu.prelu(x.on(side), alpha.on(side), p.on(side)));
            t.check(p, "prelu");
            Pair dy = t.act(s);
            Pair dx = t.actOutput(s);
            Pair dAlpha = t.param(s[1]);
            t.run(side -> t.gpu.preluBackward(x.on(side), alpha.on(side), dy.on(side), dx.on(side),
                    dAlpha.on(side)));
            t.check(dx, "preluBackward dx");
            t.check(dAlpha, "preluBackward dAlpha (float32)");
            Pair colSums = t.param(s[1]);
            t.run(side -> t.gpu.sumRows(x.on(side), colSums.on(side), 0.5));
            t.check(colSums, "sumRows into float32");
            Pair actSums = t.act(s[1]);
            t.run(side -> t.gpu.sumRows(x.on(side), actSums.on(side), 0.5));
            t.check(actSums, "sumRows into an activation");
            Pair b = t.act(s);
            Pair dots = t.actOutput(s[0]);
            t.run(side -> t.gpu.rowDot(x.on(side), b.on(side), dots.on(side)));
            t.check(dots, "rowDot");
        }
    }

    @Test
    void fusedEpiloguesEqualTheirCompositionsInBfloat16() {
        for (int[] s : MATS) {
            Pair bias = t.param(s[1]);
            Pair alpha = t.param(s[1]);
            float[] v = t.values(-1, 1, CudaTwins.size(s));
            Pair x1 = t.act(v, s);
            Pair x2 = t.act(v, s);
            Pair y1 = t.actOutput(s);
            Pair y2 = t.actOutput(s);
            MixedPrecisionTwins.Side bf = MixedPrecisionTwins.Side.HALF;
            t.gpu.addBiasPrelu(x1.on(bf), bias.on(bf), alpha.on(bf), y1.on(bf));
            t.gpu.addRowVector(x2.on(bf), bias.on(bf));
            t.gpu.prelu(x2.on(bf), alpha.on(bf), y2.on(bf));
            t.sameBits(x1, x2, "addBiasPrelu's pre-activation");
            t.sameBits(y1, y2, "addBiasPrelu");
            Pair x3 = t.act(v, s);
            Pair x4 = t.act(v, s);
            Pair y3 = t.actOutput(s);
            t.gpu.addBiasSigmoid(x3.on(bf), bias.on(bf), y3.on(bf));
            t.gpu.addRowVector(x4.on(bf), bias.on(bf));
            t.gpu.sigmoid(x4.on(bf), x4.on(bf));
            t.sameBits(y3, x4, "addBiasSigmoid");
            Pair dy = t.act(s);
            Pair dx1 = t.actOutput(s);
            Pair dx2 = t.actOutput(s);
            Pair gb1 = t.param(s[1]);
            t.gpu.copy(gb1.on(MixedPrecisionTwins.Side.F32), gb1.on(bf));
            Pair gb2 = t.param(s[1]);
            t.gpu.copy(gb1.on(bf), gb2.on(bf));
            t.gpu.sigmoidBackwardSumRows(x1.on(bf), dy.on(bf), dx1.on(bf), gb1.on(bf));
            t.gpu.sigmoidBackward(x1.on(bf), dy.on(bf), dx2.on(bf));
            t.gpu.sumRows(dx2.on(bf), gb2.on(bf), 1.0);
            t.sameBits(dx1, dx2, "sigmoidBackwardSumRows dx");
            t.sameBits(gb1, gb2, "sigmoidBackwardSumRows bias gradient");
        }
    }

    @Test
    void layoutOpsMoveBfloat16ValuesUnchanged() {
        int[][] cubes = {{1, 1, 1}, {7, 17, 33}, {10, 4096, 36}, {1021, 5, 4}, {9, 300, 16}};
        for (int[] c : cubes) {
            Pair x = t.act(c);
            Pair out = t.actOutput(c[1], c[0], c[2]);
            t.run(side -> t.gpu.transpose01(x.on(side), out.on(side)));
            t.check(out, "transpose01");
            Pair rows = t.act(c[0], c[2]);
            Pair wide = t.actOutput(c);
            t.run(side -> t.gpu.broadcastOverTime(rows.on(side), wide.on(side)));
            t.check(wide, "broadcastOverTime");
            Pair dX = t.act(c[0], c[2]);
            t.run(side -> t.gpu.sumOverTime(x.on(side), dX.on(side)));
            t.check(dX, "sumOverTime");
        }
        for (int[] s : MATS) {
            Pair a = t.act(s);
            Pair b = t.act(s[0], 5);
            Pair cat = t.actOutput(s[0], s[1] + 5);
            t.run(side -> t.gpu.concatColumns(List.of(a.on(side), b.on(side)), cat.on(side)));
            t.check(cat, "concatColumns");
            Pair a2 = t.act(s);
            Pair b2 = t.act(s[0], 5);
            t.run(side -> t.gpu.splitColumns(cat.on(side), List.of(a2.on(side), b2.on(side)), true));
            t.check(a2, "splitColumns (accumulating)");
            t.check(b2, "splitColumns (accumulating)");
            Pair mask = t.mask(0.6, s);
            Pair w = t.actOutput(s);
            t.run(side -> t.gpu.maskedMeanWeights(mask.on(side), w.on(side)));
            t.check(w, "maskedMeanWeights");
            Pair drop = t.actOutput(s);
            Tensor step = t.gpu.upload(new int[] {3}, 1);
            t.run(side -> t.gpu.dropoutMask(7L, 11L, step, 0.3, drop.on(side)));
            t.check(drop, "dropoutMask");
            Pair filled = t.actOutput(s);
            t.run(side -> t.gpu.fill(filled.on(side), 0.1));
            t.check(filled, "fill");
        }
    }

    @Test
    void conversionsRoundToNearestEven() {
        float[] v = {0f, -0f, 1f, 1.00390625f, 1.01171875f, 3.1415927f, -2.7182817f, 1e-40f, 3.4e38f,
                Float.POSITIVE_INFINITY, Float.NaN, 65504f, 1.0039062f, 1.0039063f};
        Tensor wide = t.gpu.upload(v, v.length);
        Tensor narrow = t.gpu.zeros(t.half, v.length);
        t.gpu.convert(wide, narrow);
        float[] got = t.gpu.toFloats(narrow);
        for (int i = 0; i < v.length; i++) {
            assertThat(Float.floatToIntBits(got[i])).as("convert %s", v[i])
                    .isEqualTo(Float.floatToIntBits(t.round(v[i])));
        }
        Tensor back = t.gpu.zeros(DType.F32, v.length);
        t.gpu.convert(narrow, back);
        assertThat(t.gpu.toFloats(back)).containsExactly(got);
        // host and device rounding agree on many random patterns, ties included (every third pattern is halfway
        // between two values of the type: the bits below its rounding bit cleared, the rounding bit set); for
        // float16, exponents around its range (subnormals, normals, overflow), where random floats would not be
        boolean bf16 = t.half == DType.BF16;
        int kept = bf16 ? 0xffff8000 : 0xffffe000;
        int tie = bf16 ? 0x8000 : 0x1000;
        float[] r = new float[100_003];
        for (int i = 0; i < r.length; i++) {
            int bits = t.rnd.nextInt();
            if (!bf16) {
                bits = (bits & 0x807fffff) | ((127 + t.rnd.nextInt(-27, 18)) << 23);
            }
            r[i] = Float.intBitsToFloat(i % 3 == 0 ? (bits & kept) | tie : bits);
        }
        Tensor rw = t.gpu.upload(r, r.length);
        Tensor rn = t.gpu.zeros(t.half, r.length);
        t.gpu.convert(rw, rn);
        float[] rg = t.gpu.toFloats(rn);
        for (int i = 0; i < r.length; i++) {
            if (Float.floatToIntBits(rg[i]) != Float.floatToIntBits(t.round(r[i]))) {
                throw new AssertionError("convert " + Integer.toHexString(Float.floatToRawIntBits(r[i])) + ": "
                        + rg[i] + " != " + t.round(r[i]));
            }
        }
    }

    @Test
    void productsWithBfloat16OperandsAreNearTheFloatProducts() {
        int[][] mnk = {{1, 1, 1}, {7, 17, 33}, {4096, 288, 96}, {96, 288, 4096}, {40960, 1, 80}};
        for (int[] d : mnk) {
            for (boolean ta : new boolean[] {false, true}) {
                Pair a = ta ? t.act(d[2], d[0]) : t.act(d[0], d[2]);
                Pair w = t.param(d[2], d[1]);
                Pair c = t.actOutput(d[0], d[1]);
                t.run(side -> t.gpu.matmul(a.on(side), ta, w.on(side), false, c.on(side), 0));
                // bfloat16 operands (the weight rounded) and result: a few bfloat16 ulps of the largest value
                t.near(c, 3e-2, "matmul bf16 x f32 -> bf16, transposeA " + ta);
                Pair g = t.act(d[0], d[1]);
                Pair dw = t.param(d[2], d[1]);
                t.run(side -> t.gpu.matmul(a.on(side), !ta, g.on(side), false, dw.on(side), 1.0));
                t.near(dw, 1e-5, "matmul bf16 x bf16 -> f32 (a weight gradient; same bfloat16 inputs)");
            }
        }
    }

    @Test
    void mixedActivationTypesAreRefusedWithTheOpsName() {
        Tensor a = t.gpu.zeros(DType.F32, 4, 3);
        Tensor b = t.gpu.zeros(t.half, 4, 3);
        assertThatThrownBy(() -> t.gpu.add(a, b, a)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("add").hasMessageContaining(t.half.name());
        Tensor bias = t.gpu.zeros(t.half, 3);
        assertThatThrownBy(() -> t.gpu.addRowVector(b, bias)).hasMessageContaining("F32 parameter");
    }
}
