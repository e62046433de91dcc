package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.Initializer;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.params.Parameter;

/**
 * y = x W + b, for x [N, in], W [in, out] ({@code {name}.kernel}, Glorot-uniform), b [out] ({@code {name}.bias}).
 * Keeps its last input for the backward.
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

    /** y [N, out] = x [N, in] W + b. */
    public Tensor forward(Tensor x) {
        this.x = x;
        Tensor y = Tensors.empty(be, x.dim(0), out());
        be.matmul(x, false, kernel.value(), false, y, 0);
        be.addRowVector(y, bias.value());
        return y;
    }

    /** dW += x^T dy, db += sum_n dy; returns dx [N, in] = dy W^T, for dy [N, out]. */
    public Tensor backward(Tensor dy) {
        be.matmul(x, true, dy, false, kernel.grad(), 1);
        be.sumRows(dy, bias.grad(), 1);
        Tensor dx = Tensors.empty(be, x.dim(0), in());
        be.matmul(dy, false, kernel.value(), true, dx, 0);
        return dx;
    }
}
