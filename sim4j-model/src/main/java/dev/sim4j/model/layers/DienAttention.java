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

    /** Attention weights a [B, T] for target [B, 2E], GRU states h [B, T, H] and the short mask [B, T]. */
    public Tensor forward(Tensor target, Tensor h, Tensor mask) {
        int b = h.dim(0);
        int t = h.dim(1);
        int hid = h.dim(2);
        qPre = query.forward(target);
        q = Tensors.zeros(be, b, hid);
        be.prelu(qPre, alpha.value(), q);
        Tensor features = Tensors.empty(be, b, t, 4 * hid);
        be.attentionFeatures(q, h, features);
        Tensor z0 = dense0.forward(features.reshape(b * t, 4 * hid));
        y0 = Tensors.empty(be, z0.shape());
        be.sigmoid(z0, y0);
        Tensor z1 = dense1.forward(y0);
        y1 = Tensors.empty(be, z1.shape());
        be.sigmoid(z1, y1);
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
        Tensor dz1 = Tensors.empty(be, dy1.shape());
        be.sigmoidBackward(y1, dy1, dz1);
        Tensor dy0 = dense1.backward(dz1);
        Tensor dz0 = Tensors.empty(be, dy0.shape());
        be.sigmoidBackward(y0, dy0, dz0);
        Tensor dFeatures = dense0.backward(dz0).reshape(b, t, 4 * hid);
        Tensor dq = Tensors.zeros(be, b, hid);
        be.attentionFeaturesBackward(q, h, dFeatures, dq, dH);
        Tensor dqPre = Tensors.zeros(be, b, hid);
        be.preluBackward(qPre, alpha.value(), dq, dqPre, alpha.grad());
        be.axpy(1, query.backward(dqPre), dTarget);
    }
}
