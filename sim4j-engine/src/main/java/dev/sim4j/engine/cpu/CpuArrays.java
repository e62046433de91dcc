package dev.sim4j.engine.cpu;

import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;

/** What the CPU backend's kernels share: access to the heap arrays of typed tensors, id checks, a double dot. */
final class CpuArrays {
    private CpuArrays() {
    }

    /** x as a float32 heap tensor (the CPU backend computes in F32 only). */
    static CpuTensor f32(Tensor x) {
        CpuTensor c = CpuTensor.of(x);
        if (c.dtype != DType.F32) {
            throw new IllegalArgumentException("the cpu backend computes in F32; got " + x);
        }
        return c;
    }

    /** x as an I32 heap tensor. */
    static CpuTensor i32(Tensor x) {
        CpuTensor c = CpuTensor.of(x);
        if (c.dtype != DType.I32) {
            throw new IllegalArgumentException("expected an I32 tensor; got " + x);
        }
        return c;
    }

    /** Every id in [0, bound): free to check on the CPU, where a bad id would otherwise read another row. */
    static void checkIds(CpuTensor ids, int bound, String op) {
        int[] v = ids.i;
        for (int k = 0, o = ids.offset; k < ids.size; k++) {
            int id = v[o + k];
            if (id < 0 || id >= bound) {
                throw new IndexOutOfBoundsException(op + ": index " + id + " at " + k + " outside [0, " + bound + ")");
            }
        }
    }

    /** A dot product summed in double, in order. */
    static double dot(float[] a, int ao, float[] b, int bo, int n) {
        double s = 0;
        for (int k = 0; k < n; k++) {
            s += (double) a[ao + k] * b[bo + k];
        }
        return s;
    }

    /**
     * Four {@link #dot}s of one vector {@code b} with the rows {@code a[ao + r stride ...]}, r = 0..3, into
     * {@code out[oo + r]} as floats: each sum is the one {@link #dot} forms (same terms, same order, in double), but
     * the four run side by side, so the adds of one do not wait on the previous add's latency as a lone dot's do.
     */
    static void dot4(float[] a, int ao, int stride, float[] b, int bo, int n, float[] out, int oo) {
        int a1 = ao + stride;
        int a2 = a1 + stride;
        int a3 = a2 + stride;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int k = 0; k < n; k++) {
            double y = b[bo + k];
            s0 += a[ao + k] * y;
            s1 += a[a1 + k] * y;
            s2 += a[a2 + k] * y;
            s3 += a[a3 + k] * y;
        }
        out[oo] = (float) s0;
        out[oo + 1] = (float) s1;
        out[oo + 2] = (float) s2;
        out[oo + 3] = (float) s3;
    }
}
