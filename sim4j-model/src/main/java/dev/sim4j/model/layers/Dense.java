package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.Initializer;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.params.Parameter;

/**
 * y = x W + b, for x [N, in], W [in, out] ({@code {name}.kernel}, Glorot-uniform), b [out] ({@code {name}.bias}).
 * Keeps its last input for the backward. The products add the bias, and the fused variants ({@link #forwardPrelu},
 * {@link #forwardSigmoid}) take the activation, as the product is written (a backend may do it while each block of
 * the output is in cache); {@link #backwardSigmoid} sums the bias gradient in the sigmoid backward's pass. All give
 * the bits of the separate ops.
 */
public final class Dense {
    private final Backend be;
    private final Parameter kernel;
    private final Parameter bias;
    private Tensor x;

    /** A Dense layer with a zero bias. */
    public Dense(ParameterFactory f, String name, int in, int out) {
        this(f, name, in, out, Initializer.zeros());
    }

    public Dense(ParameterFactory f, String name, int in, int out, Initializer biasInit) {
        this.be = f.backend();
        this.kernel = f.create(name + ".kernel", Initializer.glorotUniform(), in, out);
        this.bias = f.create(name + ".bias", biasInit, out);
    }

    public Parameter kernel() {
        return kernel;
    }

    public Parameter bias() {
        return bias;
    }

    public int in() {
        return kernel.value().dim(0);
    }

    public int out() {
        return kernel.value().dim(1);
    }

    /** A pre-activation z = x W + b and its activation, both [N, out]. */
    public record Activated(Tensor preActivation, Tensor activation) {
    }

    /** y [N, out] = x [N, in] W + b. */
    public Tensor forward(Tensor x) {
        this.x = x;
        Tensor y = be.empty(x.dtype(), x.dim(0), out());
        be.matmulBias(x, false, kernel.value(), false, bias.value(), y);
        return y;
    }

    /**
     * z = x W + b and prelu(z, alpha), for x [N, in] and alpha [out]: z is kept for the PReLU backward (bias and
     * activation taken as the product is written).
     */
    public Activated forwardPrelu(Tensor x, Tensor alpha) {
        this.x = x;
        Tensor z = be.empty(x.dtype(), x.dim(0), out());
        Tensor y = be.empty(x.dtype(), z.shape());
        be.matmulBiasPrelu(x, false, kernel.value(), false, bias.value(), alpha, z, y);
        return new Activated(z, y);
    }

    /**
     * sigmoid(x W + b) [N, out] for x [N, in], bias and sigmoid taken as the product is written; the pre-activation
     * is not kept (the sigmoid's backward needs only its output).
     */
    public Tensor forwardSigmoid(Tensor x) {
        this.x = x;
        Tensor y = be.empty(x.dtype(), x.dim(0), out());
        be.matmulBiasSigmoid(x, false, kernel.value(), false, bias.value(), y);
        return y;
    }

    /**
     * The backward of {@link #forwardSigmoid}: for its output y and dy [N, out], dz = dy * y * (1 - y) with
     * db += sum_n dz in the same pass, then dW += x^T dz; returns dx [N, in] = dz W^T.
     */
    public Tensor backwardSigmoid(Tensor y, Tensor dy) {
        Tensor dz = be.empty(y.dtype(), y.shape());
        be.sigmoidBackwardSumRows(y, dy, dz, bias.grad());
        be.matmul(x, true, dz, false, kernel.grad(), 1);
        Tensor dx = be.empty(x.dtype(), x.dim(0), in());
        be.matmul(dz, false, kernel.value(), true, dx, 0);
        return dx;
    }

    /** dW += x^T dy, db += sum_n dy; returns dx [N, in] = dy W^T, for dy [N, out]. */
    public Tensor backward(Tensor dy) {
        be.matmul(x, true, dy, false, kernel.grad(), 1);
        be.sumRows(dy, bias.grad(), 1);
        Tensor dx = be.empty(x.dtype(), x.dim(0), in());
        be.matmul(dy, false, kernel.value(), true, dx, 0);
        return dx;
    }
}
