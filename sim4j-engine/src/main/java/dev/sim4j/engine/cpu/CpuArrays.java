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
}
