package dev.sim4j.engine.reference;

import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.CpuTensor;
import dev.sim4j.engine.kernels.FamilyBackend;
import dev.sim4j.engine.kernels.Shapes;
import java.util.Locale;

/**
 * The reference backend: plain single-threaded loops, every intermediate in double, results stored in the tensor's
 * type. It is the oracle the fast backends are tested against, and, in float64, the one the finite-difference
 * gradient checks run on. Written to be obviously right, not fast. Its kernels live in one class per family
 * ({@link ScalarDense}, {@link ScalarEmbeddings}, {@link ScalarAttention}, {@link ScalarRecurrent},
 * {@link ScalarLosses}, {@link ScalarOptimizers}, {@link ScalarInput}); this class adds the heap memory.
 */
public class ScalarBackend extends FamilyBackend {
    private final DType floatType;

    /** A reference backend computing in {@code floatType} (F32 or F64). */
    public ScalarBackend(DType floatType) {
        if (!floatType.floating()) {
            throw new IllegalArgumentException("a backend computes in F32 or F64, not " + floatType);
        }
        super(new ScalarDense(), new ScalarEmbeddings(), new ScalarAttention(), new ScalarRecurrent(),
                new ScalarLosses(), new ScalarOptimizers(), new ScalarInput());
        this.floatType = floatType;
    }

    @Override
    public String name() {
        return "scalar-" + floatType.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public DType floatType() {
        return floatType;
    }

    @Override
    public Tensor zeros(DType dtype, int... shape) {
        return CpuTensor.allocate(this, dtype, shape);
    }

    @Override
    public Tensor upload(double[] values, int... shape) {
        Tensor x = CpuTensor.allocate(this, floatType, shape);
        write(x, values);
        return x;
    }

    @Override
    public Tensor upload(float[] values, int... shape) {
        Tensor x = CpuTensor.allocate(this, floatType, shape);
        write(x, values);
        return x;
    }

    @Override
    public Tensor upload(int[] values, int... shape) {
        Tensor x = CpuTensor.allocate(this, DType.I32, shape);
        write(x, values);
        return x;
    }

    @Override
    public double[] toDoubles(Tensor x) {
        CpuTensor c = CpuTensor.of(x);
        double[] out = new double[c.elements()];
        for (int k = 0; k < out.length; k++) {
            out[k] = c.get(k);
        }
        return out;
    }

    @Override
    public float[] toFloats(Tensor x) {
        CpuTensor c = CpuTensor.of(x);
        float[] out = new float[c.elements()];
        for (int k = 0; k < out.length; k++) {
            out[k] = (float) c.get(k);
        }
        return out;
    }

    @Override
    public int[] toInts(Tensor x) {
        CpuTensor c = CpuTensor.of(x);
        Shapes.require(c.dtype() == DType.I32, "toInts needs an I32 tensor", x);
        int[] out = new int[c.elements()];
        for (int k = 0; k < out.length; k++) {
            out[k] = c.getInt(k);
        }
        return out;
    }

    @Override
    public void write(Tensor x, double[] values) {
        CpuTensor c = CpuTensor.of(x);
        Shapes.require(values.length >= c.elements(), "write: too few values (" + values.length + ")", x);
        for (int k = 0; k < c.elements(); k++) {
            c.set(k, values[k]);
        }
    }

    @Override
    public void write(Tensor x, float[] values) {
        CpuTensor c = CpuTensor.of(x);
        Shapes.require(values.length >= c.elements(), "write: too few values (" + values.length + ")", x);
        for (int k = 0; k < c.elements(); k++) {
            c.set(k, values[k]);
        }
    }

    @Override
    public void write(Tensor x, int[] values) {
        CpuTensor c = CpuTensor.of(x);
        Shapes.require(values.length >= c.elements(), "write: too few values (" + values.length + ")", x);
        for (int k = 0; k < c.elements(); k++) {
            c.set(k, values[k]);
        }
    }
}
