package dev.sim4j.engine;

import dev.sim4j.engine.kernels.AttentionKernels;
import dev.sim4j.engine.kernels.DenseKernels;
import dev.sim4j.engine.kernels.EmbeddingKernels;
import dev.sim4j.engine.kernels.InputKernels;
import dev.sim4j.engine.kernels.LossKernels;
import dev.sim4j.engine.kernels.OptimizerKernels;
import dev.sim4j.engine.kernels.RecurrentKernels;

/**
 * The kernel set the SIM, DIEN and DIN models need, over tensors resident on one device: memory (allocation,
 * transfers, scopes) here, the kernels in seven families ({@link DenseKernels}, {@link EmbeddingKernels},
 * {@link AttentionKernels}, {@link RecurrentKernels}, {@link LossKernels}, {@link OptimizerKernels},
 * {@link InputKernels}). Every call works
 * on whole tensors (no per-element calls across this interface), so a GPU implementation can run each as one or a
 * few kernel launches. Notation: B batch, T time steps, D or E or H feature widths, M x N matrices; all tensors
 * row-major.
 *
 * <p>Conventions: an output argument is overwritten unless its doc says {@code +=} (gradients of parameters and of
 * inputs shared by several consumers accumulate). Masks are float tensors of 0 and 1. Every implementation is
 * deterministic: the same inputs give bit-identical outputs whatever the thread count.
 *
 * <p>No kernel returns a value to the host: losses, counts and step numbers live in device tensors (ADR 0006), so a
 * step never waits for the device. Only the transfers below ({@code upload}, {@code write}, {@code to*}) cross, and a
 * training or inference step uses none but the upload of its batch.
 */
public interface Backend extends DenseKernels, EmbeddingKernels, AttentionKernels, RecurrentKernels, LossKernels,
        OptimizerKernels, InputKernels, AutoCloseable {
    /** A short name for logs ("scalar-f64", "cpu", "cuda:0"). */
    String name();

    /** The float type this backend computes in; models allocate their float tensors with it. */
    DType floatType();

    /**
     * The type of the models' activations and of their gradients: {@link #floatType()}, except under mixed
     * precision, where a GPU backend stores them in {@link DType#BF16} and keeps parameters, their gradients, the
     * optimizer's state and the losses in float32.
     */
    default DType activationType() {
        return floatType();
    }

    // ---------------------------------------------------------------- memory

    /** A new tensor of zeros. */
    Tensor zeros(DType dtype, int... shape);

    /**
     * A new tensor whose contents are unspecified, for an output the next kernel overwrites entirely (a product with
     * beta 0, an activation, a gather): it spares zeroing memory that is about to be written. The default is
     * {@link #zeros}.
     */
    default Tensor empty(DType dtype, int... shape) {
        return zeros(dtype, shape);
    }

    /**
     * Opens a scope for a step's temporaries (see {@link TensorScope}): float tensors allocated until it closes may
     * be recycled afterwards. The default recycles nothing.
     */
    default TensorScope openScope() {
        return TensorScope.NONE;
    }

    /**
     * dst = src converted to dst's float type (float32 to bfloat16 rounds to nearest even; the other way is exact).
     * The default copies between tensors of one type and has no other types.
     */
    default void convert(Tensor src, Tensor dst) {
        if (src.dtype() != dst.dtype()) {
            throw new IllegalArgumentException(name() + " converts no " + src.dtype() + " to " + dst.dtype());
        }
        copy(src, dst);
    }

    /** A new float tensor of {@link #floatType()} holding {@code values}. */
    Tensor upload(double[] values, int... shape);

    /** A new float tensor of {@link #floatType()} holding {@code values}. */
    Tensor upload(float[] values, int... shape);

    /** A new I32 tensor holding {@code values}. */
    Tensor upload(int[] values, int... shape);

    /** Copies a float tensor to the host. */
    double[] toDoubles(Tensor t);

    /** Copies a float tensor to the host. */
    float[] toFloats(Tensor t);

    /** Copies an I32 tensor to the host. */
    int[] toInts(Tensor t);

    /** Overwrites a float tensor with host values (as many as its size). */
    void write(Tensor t, double[] values);

    /** Overwrites a float tensor with host values (as many as its size). */
    void write(Tensor t, float[] values);

    /** Overwrites an I32 tensor with host values (as many as its size). */
    void write(Tensor t, int[] values);

    /**
     * The way input batches are written (see {@link InputStaging}): the backend's one staging, alive as long as the
     * backend. The default writes at once through {@link #write}.
     */
    default InputStaging inputStaging() {
        return InputStaging.direct(this);
    }

    /**
     * Does {@code work} (kernels queued from this thread, nothing read back) and, where the backend can, keeps it as a
     * {@link RecordedWork} whose replay queues the same kernels on the same tensors, including the temporaries the
     * work allocated, which the recording keeps for itself. Empty where the backend does not record (the work has
     * been done all the same). The default only runs it.
     */
    default java.util.Optional<RecordedWork> recordAndRun(Runnable work) {
        work.run();
        return java.util.Optional.empty();
    }

    // ---------------------------------------------------------------- fused recurrent steps
    // The element-wise work of a GRU or AUGRU step between its products, as one op each (ADR 0011): the defaults are
    // the exact compositions of the family ops (they mix the dense and recurrent families, hence here), so a backend
    // that overrides one must give the same bits. Shapes: B rows, H units, gate rows [B,3H] (z, r, n) for the GRU and
    // [B,2H] (r, u) for the AUGRU, a [B].

    /**
     * A GRU step after its recurrent product gh = h U: gh += bRec (kept, the backward reads it), then the cell.
     * Equal to {@code addRowVector(gh, bRec); gruCell(gx, gh, hPrev, hOut, cache)}.
     */
    default void gruStep(Tensor gx, Tensor gh, Tensor bRec, Tensor hPrev, Tensor hOut, Tensor cache) {
        addRowVector(gh, bRec);
        gruCell(gx, gh, hPrev, hOut, cache);
    }

    /**
     * A GRU step's backward before its product: dhStep = dh + carry (the step's output gradient plus what the later
     * steps sent back), then the cell's backward from it. Equal to
     * {@code add(dh, carry, dhStep); gruCellBackward(gh, hPrev, cache, dhStep, dgx, dgh, dhPrev)}.
     */
    default void gruStepBackward(Tensor dh, Tensor carry, Tensor gh, Tensor hPrev, Tensor cache, Tensor dhStep,
                                 Tensor dgx, Tensor dgh, Tensor dhPrev) {
        add(dh, carry, dhStep);
        gruCellBackward(gh, hPrev, cache, dhStep, dgx, dgh, dhPrev);
    }

    /**
     * An AUGRU step's gates after the gate product gp: g = sigmoid(gp), r and u its column halves, rs = r * s for the
     * previous state s. Equal to {@code sigmoid(gp, g); splitColumns(g, [r, u], false); mul(r, s, rs)}.
     */
    default void augruGates(Tensor gp, Tensor s, Tensor g, Tensor r, Tensor u, Tensor rs) {
        sigmoid(gp, g);
        splitColumns(g, java.util.List.of(r, u), false);
        mul(r, s, rs);
    }

    /**
     * An AUGRU step's candidate after its product cp, then the state update: c = tanh(cp), out = the update of s by
     * u, c and a. Equal to {@code tanh(cp, c); augruUpdate(u, c, s, a, out, paperForm)}.
     */
    default void augruCandidateUpdate(Tensor cp, Tensor u, Tensor s, Tensor a, Tensor c, Tensor out,
                                      boolean paperForm) {
        tanh(cp, c);
        augruUpdate(u, c, s, a, out, paperForm);
    }

    /**
     * The backward of {@link #augruCandidateUpdate} for ds = dL/dout: du, dc, da and dcp = dL/dcp overwritten, dsPrev
     * overwritten with the update's share of dL/ds. Equal to {@code fill(dsPrev, 0); augruUpdateBackward(u, c, s, a,
     * ds, du, dc, dsPrev, da, paperForm); tanhBackward(c, dc, dcp)}.
     */
    default void augruCandidateUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor ds, Tensor du,
                                              Tensor dc, Tensor da, Tensor dcp, Tensor dsPrev, boolean paperForm) {
        fill(dsPrev, 0);
        augruUpdateBackward(u, c, s, a, ds, du, dc, dsPrev, da, paperForm);
        tanhBackward(c, dc, dcp);
    }

    /**
     * The backward of {@link #augruGates} for drs = dL/drs and du: dsPrev += drs * r, dgp = the sigmoid's backward of
     * [drs * s | du]. Equal to {@code mul(drs, s, dr); mul(drs, r, dsFromR); axpy(1, dsFromR, dsPrev);
     * concatColumns([dr, du], dg); sigmoidBackward(g, dg, dgp)} with dr, dsFromR, dg temporaries.
     */
    default void augruGatesBackward(Tensor drs, Tensor s, Tensor r, Tensor du, Tensor g, Tensor dgp, Tensor dsPrev) {
        Tensor dr = empty(drs.dtype(), s.shape());
        Tensor dsFromR = empty(drs.dtype(), s.shape());
        Tensor dg = empty(drs.dtype(), g.shape());
        mul(drs, s, dr);
        mul(drs, r, dsFromR);
        axpy(1, dsFromR, dsPrev);
        concatColumns(java.util.List.of(dr, du), dg);
        sigmoidBackward(g, dg, dgp);
    }

    /**
     * A backend is driven by one thread at a time; a thread other than the one that opened it calls this before its
     * first call (a serving lane, say). The CPU backends need nothing; a GPU backend binds its device to the thread.
     */
    default void useFromThisThread() {
    }

    /** Per-kernel device times where the backend can measure them (empty on the CPU and reference backends). */
    default java.util.Optional<KernelTimes> kernelTimes() {
        return java.util.Optional.empty();
    }

    @Override
    default void close() {
    }
}
