package dev.sim4j.engine.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A chain of kernels at model shapes (embedding gather, MLP forward and backward, GRU step, attention, top-k,
 * scatter-add of embedding gradients with repeated ids) gives bit-identical results on 1, 2, 3 and 4 threads.
 * (The conformance test also checks 1, 2 and 4 threads op by op.)
 */
class CpuBackendDeterminismTest {
    @Test
    void sameBitsWhateverTheThreadCount() {
        long seed = Long.getLong("sim4j.seed", System.nanoTime());
        System.out.println("CpuBackendDeterminismTest seed = " + seed);
        List<float[]> first = null;
        for (int threads : new int[] {1, 2, 3, 4}) {
            try (CpuBackend be = new CpuBackend(threads)) {
                List<float[]> got = chain(be, new SplittableRandom(seed));
                if (first == null) {
                    first = got;
                } else {
                    for (int k = 0; k < got.size(); k++) {
                        assertThat(got.get(k)).as("output " + k + " on " + threads + " threads").isEqualTo(first.get(k));
                    }
                }
            }
        }
    }

    static Tensor rand(Backend be, SplittableRandom rnd, int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return be.upload(v, shape);
    }

    static List<float[]> chain(Backend be, SplittableRandom rnd) {
        int b = 1024;
        int t = 90;
        int e = 18;
        List<float[]> out = new ArrayList<>();
        Tensor table = rand(be, rnd, 500, e);
        int[] idv = new int[b * t];
        for (int k = 0; k < idv.length; k++) {
            idv[k] = rnd.nextInt(500);
        }
        Tensor ids = be.upload(idv, b * t);
        Tensor emb = be.zeros(DType.F32, b * t, e);
        be.gatherRows(table, ids, emb);
        Tensor w = rand(be, rnd, e, 96);
        Tensor hid = be.zeros(DType.F32, b * t, 96);
        be.matmul(emb, false, w, false, hid, 0);
        Tensor alpha = rand(be, rnd, 96);
        Tensor act = be.zeros(DType.F32, b * t, 96);
        be.prelu(hid, alpha, act);
        Tensor dAct = rand(be, rnd, b * t, 96);
        Tensor dHid = be.zeros(DType.F32, b * t, 96);
        Tensor dAlpha = be.zeros(DType.F32, 96);
        be.preluBackward(hid, alpha, dAct, dHid, dAlpha);
        Tensor dW = be.zeros(DType.F32, e, 96);
        be.matmul(emb, true, dHid, false, dW, 0);
        Tensor dEmb = be.zeros(DType.F32, b * t, e);
        be.matmul(dHid, false, w, true, dEmb, 0);
        Tensor dTable = be.zeros(DType.F32, 500, e);
        be.scatterAddRows(dEmb, ids, dTable);
        Tensor bias = be.zeros(DType.F32, 96);
        be.sumRows(dHid, bias, 0);
        out.add(be.toFloats(act));
        out.add(be.toFloats(dAlpha));
        out.add(be.toFloats(dW));
        out.add(be.toFloats(dTable));
        out.add(be.toFloats(bias));

        Tensor gx = rand(be, rnd, b, 3 * 36);
        Tensor gh = rand(be, rnd, b, 3 * 36);
        Tensor hPrev = rand(be, rnd, b, 36);
        Tensor h = be.zeros(DType.F32, b, 36);
        Tensor cache = be.zeros(DType.F32, b, 3 * 36);
        be.gruCell(gx, gh, hPrev, h, cache);
        Tensor dgx = be.zeros(DType.F32, b, 3 * 36);
        Tensor dgh = be.zeros(DType.F32, b, 3 * 36);
        Tensor dhPrev = be.zeros(DType.F32, b, 36);
        be.gruCellBackward(gh, hPrev, cache, h, dgx, dgh, dhPrev);
        out.add(be.toFloats(h));
        out.add(be.toFloats(dgx));

        Tensor keys = emb.reshape(b, t, e);
        Tensor query = rand(be, rnd, b, e);
        Tensor scores = be.zeros(DType.F32, b, t);
        be.batchedDot(keys, query, scores);
        Tensor mask = be.zeros(DType.F32, b, t);
        be.positive(scores, mask);
        Tensor p = be.zeros(DType.F32, b, t);
        be.maskedSoftmax(scores, mask, p);
        Tensor idx = be.zeros(DType.I32, b, 50);
        be.topK(p, 50, idx);
        Tensor pooled = be.zeros(DType.F32, b, e);
        be.weightedSum(p, keys, pooled);
        out.add(be.toFloats(p));
        int[] iv = be.toInts(idx);
        float[] fv = new float[iv.length];
        for (int k = 0; k < iv.length; k++) {
            fv[k] = iv[k];
        }
        out.add(fv);
        out.add(be.toFloats(pooled));
        return out;
    }
}
