package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.Initializer;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.params.Parameter;

/**
 * Keras 2 GRU, reset-after form, gates z, r, n (column blocks in that order), initial state zero, run over every
 * position without a mask, returning all hidden states:
 * z = sigmoid(x Wz + bz_in + h Uz + bz_rec), r = sigmoid(x Wr + br_in + h Ur + br_rec),
 * n = tanh(x Wn + bn_in + r * (h Un + bn_rec)), h' = z h + (1 - z) n.
 * Parameters {@code {name}.kernel} W [D, 3H] (Glorot-uniform), {@code {name}.recurrent_kernel} U [H, 3H]
 * (orthogonal), {@code {name}.bias} [2, 3H] (row 0 input, row 1 recurrent; zeros). x [B, T, D] -> h [B, T, H].
 */
public final class Gru {
    private final Backend be;
    private final int hidden;
    private final Parameter kernel;
    private final Parameter recurrentKernel;
    private final Parameter bias;
    // forward caches, time-major
    private Tensor xT;      // [T*B, D]
    private Tensor hAll;    // [T+1, B, H]: hAll[0] = 0 (initial state), hAll[s+1] = state after step s
    private Tensor ghT;     // [T, B, 3H]
    private Tensor cacheT;  // [T, B, 3H]

    public Gru(ParameterFactory f, String name, int inputDim, int hidden) {
        this.be = f.backend();
        this.hidden = hidden;
        this.kernel = f.create(name + ".kernel", Initializer.glorotUniform(), inputDim, 3 * hidden);
        this.recurrentKernel = f.create(name + ".recurrent_kernel", Initializer.orthogonal(), hidden, 3 * hidden);
        this.bias = f.create(name + ".bias", Initializer.zeros(), 2, 3 * hidden);
    }

    private static Tensor biasRow(Tensor bias, int row) {
        return bias.rows(row, row + 1).reshape(bias.dim(1));
    }

    private Tensor hPrev(int t) {
        return Tensors.step(hAll, t);
    }

    /** All hidden states h [B, T, H] for x [B, T, D]. */
    public Tensor forward(Tensor x) {
        int b = x.dim(0);
        int t = x.dim(1);
        int d = x.dim(2);
        int g = 3 * hidden;
        xT = Tensors.timeMajor(be, x).reshape(t * b, d);
        Tensor gx = Tensors.empty(be, t * b, g);
        be.matmulBias(xT, false, kernel.value(), false, biasRow(bias.value(), 0), gx);
        Tensor gxT = gx.reshape(t, b, g);
        hAll = Tensors.empty(be, t + 1, b, hidden);
        be.fill(Tensors.step(hAll, 0), 0);
        ghT = Tensors.empty(be, t, b, g);
        cacheT = Tensors.empty(be, t, b, g);
        for (int s = 0; s < t; s++) {
            Tensor gh = Tensors.step(ghT, s);
            be.matmul(hPrev(s), false, recurrentKernel.value(), false, gh, 0);
            be.gruStep(Tensors.step(gxT, s), gh, biasRow(bias.value(), 1), hPrev(s), Tensors.step(hAll, s + 1),
                    Tensors.step(cacheT, s));
        }
        Tensor h = Tensors.empty(be, b, t, hidden);
        be.transpose01(hAll.rows(1, t + 1), h);
        return h;
    }

    /**
     * Accumulates W, U and bias gradients; returns dx [B, T, D] for dh [B, T, H] (dL/d of every output state). Only
     * the state gradient runs per step; the weight gradients are one product over all T B rows afterwards.
     */
    public Tensor backward(Tensor dh) {
        int t = ghT.dim(0);
        int b = ghT.dim(1);
        int d = xT.dim(1);
        int g = 3 * hidden;
        Tensor dhT = Tensors.timeMajor(be, dh);
        Tensor dGx = Tensors.empty(be, t * b, g);
        Tensor dGxT = dGx.reshape(t, b, g);
        Tensor dGhT = Tensors.empty(be, t, b, g);
        Tensor carry = Tensors.zeros(be, b, hidden);
        Tensor dhStep = Tensors.zeros(be, b, hidden);
        Tensor dhPrev = Tensors.zeros(be, b, hidden);
        for (int s = t - 1; s >= 0; s--) {
            Tensor dGh = Tensors.step(dGhT, s);
            be.gruStepBackward(Tensors.step(dhT, s), carry, Tensors.step(ghT, s), hPrev(s), Tensors.step(cacheT, s),
                    dhStep, Tensors.step(dGxT, s), dGh, dhPrev);
            be.matmul(dGh, false, recurrentKernel.value(), true, dhPrev, 1);
            // dhPrev is the next step's carry; the old carry's buffer is overwritten by the next step's dhPrev.
            Tensor done = carry;
            carry = dhPrev;
            dhPrev = done;
        }
        Tensor dGhAll = dGhT.reshape(t * b, g);
        be.matmul(hAll.rows(0, t).reshape(t * b, hidden), true, dGhAll, false, recurrentKernel.grad(), 1);
        be.sumRows(dGhAll, biasRow(bias.grad(), 1), 1);
        be.matmul(xT, true, dGx, false, kernel.grad(), 1);
        be.sumRows(dGx, biasRow(bias.grad(), 0), 1);
        Tensor dxT = Tensors.empty(be, t * b, d);
        be.matmul(dGx, false, kernel.value(), true, dxT, 0);
        Tensor dx = Tensors.empty(be, b, t, d);
        be.transpose01(dxT.reshape(t, b, d), dx);
        return dx;
    }
}
