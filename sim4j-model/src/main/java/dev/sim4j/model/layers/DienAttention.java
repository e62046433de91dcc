package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.Initializer;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.params.Parameter;

/**
 * DIEN's attention unit: q = PReLU(Dense_H(e_target)); for each t the features [q, h_t, q - h_t, q * h_t] (4H) go
 * through Dense(80, sigmoid) -> Dense(40, sigmoid) -> Dense(1) to a logit; a = masked softmax over t.
 * Parameters {@code {name}.query.kernel/bias} [2E, H], [H], {@code {name}.query.prelu.alpha} [H] (0.1),
 * {@code {name}.dense_0.*} [4H, 80], {@code {name}.dense_1.*} [80, 40], {@code {name}.output.*} [40, 1].
 * target [B, 2E], h [B, T, H], mask [B, T] -> a [B, T].
 */
public final class DienAttention {
    private final Backend be;
    private final Dense query;
    private final Parameter alpha;
    private final Dense dense0;
    private final Dense dense1;
    private final Dense output;
    private Tensor qPre;
    private Tensor q;
    private Tensor h;
    private Tensor qh;
    private Tensor wq;      // W0 + W2, [H, 80]
    private Tensor wh;      // W1 - W2, [H, 80]
    private Tensor y0;
    private Tensor y1;
    private Tensor mask;
    private Tensor a;

    public DienAttention(ParameterFactory f, String name, int targetDim, int hidden) {
        this.be = f.backend();
        this.query = new Dense(f, name + ".query", targetDim, hidden);
        this.alpha = f.create(name + ".query.prelu.alpha", Initializer.constant(0.1), hidden);
        this.dense0 = new Dense(f, name + ".dense_0", 4 * hidden, 80);
        this.dense1 = new Dense(f, name + ".dense_1", 80, 40);
        this.output = new Dense(f, name + ".output", 40, 1);
    }

    /** Row block k (of H rows) of dense_0's kernel [4H, 80], the block that multiplies feature k, as a view. */
    private static Tensor block(Tensor kernel, int k) {
        int hid = kernel.dim(0) / 4;
        return kernel.rows(k * hid, (k + 1) * hid);
    }

    /**
     * Attention weights a [B, T] for target [B, 2E], GRU states h [B, T, H] and the short mask [B, T]. The first
     * layer is computed without building [q, h, q - h, q * h] (4H wide, per step): with dense_0's kernel in row blocks
     * W0..W3, [q, h, q - h, q * h] W = q (W0 + W2) + h (W1 - W2) + (q * h) W3, and the q term is computed once per row
     * and broadcast over the T steps, which halves the layer's work.
     */
    public Tensor forward(Tensor target, Tensor h, Tensor mask) {
        int b = h.dim(0);
        int t = h.dim(1);
        int hid = h.dim(2);
        qPre = query.forward(target);
        q = Tensors.empty(be, b, hid);
        be.prelu(qPre, alpha.value(), q);
        Tensor kernel = dense0.kernel().value();
        int width = dense0.out();
        // Combined weights stay float32 like the weights they come from (products round them as they round weights).
        wq = be.empty(kernel.dtype(), hid, width);
        be.add(block(kernel, 0), block(kernel, 2), wq);
        wh = Tensors.copyOf(be, block(kernel, 1));
        be.axpy(-1, block(kernel, 2), wh);
        Tensor zq = Tensors.empty(be, b, width);
        be.matmulBias(q, false, wq, false, dense0.bias().value(), zq);
        Tensor z0 = Tensors.empty(be, b * t, width);
        be.broadcastOverTime(zq, z0.reshape(b, t, width));
        Tensor hFlat = h.reshape(b * t, hid);
        be.matmul(hFlat, false, wh, false, z0, 1);
        qh = Tensors.empty(be, b, t, hid);
        be.broadcastMul(q, h, qh);
        be.matmul(qh.reshape(b * t, hid), false, block(kernel, 3), false, z0, 1);
        y0 = Tensors.empty(be, z0.shape());
        be.sigmoid(z0, y0);
        y1 = dense1.forwardSigmoid(y0);
        Tensor logits = output.forward(y1).reshape(b, t);
        a = Tensors.zeros(be, b, t);
        be.maskedSoftmax(logits, mask, a);
        this.h = h;
        this.mask = mask;
        return a;
    }

    /** For dA [B, T]: dTarget [B, 2E] +=, dH [B, T, H] +=, parameter gradients +=. */
    public void backward(Tensor dA, Tensor dTarget, Tensor dH) {
        int b = h.dim(0);
        int t = h.dim(1);
        int hid = h.dim(2);
        Tensor dLogits = Tensors.zeros(be, b, t);
        be.maskedSoftmaxBackward(a, dA, mask, dLogits);
        Tensor dy1 = output.backward(dLogits.reshape(b * t, 1));
        Tensor dy0 = dense1.backwardSigmoid(y1, dy1);
        Tensor dz0 = Tensors.empty(be, dy0.shape());
        be.sigmoidBackward(y0, dy0, dz0);
        int width = dense0.out();
        Tensor kernel = dense0.kernel().value();
        Tensor grad = dense0.kernel().grad();
        Tensor hFlat = h.reshape(b * t, hid);
        // The q term's gradient: dz0 summed over time.
        Tensor dzq = Tensors.zeros(be, b, width);
        be.sumOverTime(dz0.reshape(b, t, width), dzq);
        be.sumRows(dzq, dense0.bias().grad(), 1);
        // dW0 += q^T dzq; dW1 += h^T dz0; dW2 += q^T dzq - h^T dz0; dW3 += (q * h)^T dz0.
        be.matmul(q, true, dzq, false, block(grad, 0), 1);
        be.matmul(q, true, dzq, false, block(grad, 2), 1);
        Tensor gh = be.empty(grad.dtype(), hid, width);
        be.matmul(hFlat, true, dz0, false, gh, 0);
        be.axpy(1, gh, block(grad, 1));
        be.axpy(-1, gh, block(grad, 2));
        be.matmul(qh.reshape(b * t, hid), true, dz0, false, block(grad, 3), 1);
        // Inputs: dh += dz0 (W1 - W2)^T + q * (dz0 W3^T); dq = dzq (W0 + W2)^T + sum_t h * (dz0 W3^T).
        be.matmul(dz0, false, wh, true, dH.reshape(b * t, hid), 1);
        Tensor dqh = Tensors.empty(be, b, t, hid);
        be.matmul(dz0, false, block(kernel, 3), true, dqh.reshape(b * t, hid), 0);
        Tensor dq = Tensors.empty(be, b, hid);
        be.matmul(dzq, false, wq, true, dq, 0);
        be.broadcastMulBackward(q, h, dqh, dq, dH);
        Tensor dqPre = Tensors.zeros(be, b, hid);
        be.preluBackward(qPre, alpha.value(), dq, dqPre, alpha.grad());
        be.axpy(1, query.backward(dqPre), dTarget);
    }
}
