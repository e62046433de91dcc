package dev.sim4j.cuda.backend;

import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import java.util.Arrays;

/**
 * The kernels' argument types under mixed precision: an op's activation tensors share one type, F32, BF16 or F16, which
 * picks the build of its family's kernels (see common.cuh); its parameter tensors (weights, biases, their gradients,
 * optimizer state, losses) are always F32.
 */
final class Activations {
    private Activations() {
    }

    /** The one type of {@code ts}, the activations of {@code op}, or an error naming them. */
    static DType of(String op, Tensor... ts) {
        DType type = CudaBackend.cuda(ts[0]).dtype();
        boolean same = type == DType.F32 || type.halfWidth();
        for (Tensor t : ts) {
            same &= CudaBackend.cuda(t).dtype() == type;
        }
        if (!same) {
            StringBuilder b = new StringBuilder(op).append(": activations must all be F32, all BF16 or all F16, got");
            for (Tensor t : ts) {
                b.append(' ').append(t.dtype()).append(Arrays.toString(t.shape()));
            }
            throw new IllegalArgumentException(b.toString());
        }
        return type;
    }

    /** {@code ts}, parameters (or their gradients) of {@code op}, are F32, or an error naming them. */
    static void parameters(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (CudaBackend.cuda(t).dtype() != DType.F32) {
                throw new IllegalArgumentException(op + ": expected an F32 parameter tensor, got " + t);
            }
        }
    }
}
