package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.Initializer;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.init.Seeds;
import dev.sim4j.model.params.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference's CTR classification MLP: for each hidden size, Dense ({@code {mlp}.dense_i}) then PReLU with one
 * alpha per unit ({@code {mlp}.prelu_i.alpha}, init 0.1); optional dropout before the final layer; Dense(1)
 * ({@code {mlp}.output}) gives the logit. x [N, in] -> logit [N].
 */
public final class PReluMlp {
    private final Backend be;
    private final List<Dense> hidden = new ArrayList<>();
    private final List<Parameter> alphas = new ArrayList<>();
    private final Dropout dropout;
    private final Dense output;
    private final List<Tensor> preActivations = new ArrayList<>();

    /** An MLP {@code name} over inputs of width {@code in}, hidden {@code sizes}, dropout {@code rate} (<= 0: none). */
    public PReluMlp(ParameterFactory f, String name, int in, List<Integer> sizes, double dropoutRate) {
        this.be = f.backend();
        int width = in;
        for (int i = 0; i < sizes.size(); i++) {
            hidden.add(new Dense(f, name + ".dense_" + i, width, sizes.get(i)));
            alphas.add(f.create(name + ".prelu_" + i + ".alpha", Initializer.constant(0.1), sizes.get(i)));
            width = sizes.get(i);
        }
        this.dropout = new Dropout(be, dropoutRate, Seeds.derive(f.seed(), name + ".dropout"));
        this.output = new Dense(f, name + ".output", width, 1);
    }

    /** logit [N] for x [N, in] at inference (no dropout). */
    public Tensor forward(Tensor x) {
        return forward(x, false, null, 0);
    }

    /**
     * logit [N] for x [N, in]; dropout (if enabled) only when {@code training}, drawn from the trainer's step
     * counter {@code step} (I32 [1]) and the pass's {@code salt} (see {@link Dropout#forward}).
     */
    public Tensor forward(Tensor x, boolean training, Tensor step, long salt) {
        preActivations.clear();
        Tensor h = x;
        for (int i = 0; i < hidden.size(); i++) {
            Dense.Activated layer = hidden.get(i).forwardPrelu(h, alphas.get(i).value());
            preActivations.add(layer.preActivation());
            h = layer.activation();
        }
        h = dropout.forward(h, training, step, salt);
        // The scoring layer runs in float32 whatever the activations (mixed precision keeps logits and losses wide).
        Tensor logit = output.forward(Tensors.as(be, h, be.floatType()));
        return logit.reshape(logit.dim(0));
    }

    /** Accumulates every parameter gradient; returns dx [N, in] for dLogit [N]. */
    public Tensor backward(Tensor dLogit) {
        Tensor dh = Tensors.as(be, output.backward(dLogit.reshape((int) dLogit.size(), 1)), be.activationType());
        dh = dropout.backward(dh);
        for (int i = hidden.size() - 1; i >= 0; i--) {
            Tensor pre = preActivations.get(i);
            Tensor dPre = Tensors.zeros(be, pre.shape());
            be.preluBackward(pre, alphas.get(i).value(), dh, dPre, alphas.get(i).grad());
            dh = hidden.get(i).backward(dPre);
        }
        return dh;
    }
}
