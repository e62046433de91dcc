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

    /** Per-kernel device times where the backend can measure them (empty on the CPU and reference backends). */
    default java.util.Optional<KernelTimes> kernelTimes() {
        return java.util.Optional.empty();
    }

    @Override
    default void close() {
    }
}
