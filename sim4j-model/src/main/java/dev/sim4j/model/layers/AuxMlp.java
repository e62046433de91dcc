package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.ParameterFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The DIEN auxiliary network: for each hidden size (reference: 100, 50) Dense ({@code {name}.dense_i}) then sigmoid;
 * Dense(1) ({@code {name}.output}) gives the logit. x [N, H + 2E] -> logit [N].
 */
public final class AuxMlp {
    private final Backend be;
    private final List<Dense> hidden = new ArrayList<>();
    private final Dense output;
    private final List<Tensor> activations = new ArrayList<>();

    public AuxMlp(ParameterFactory f, String name, int in, List<Integer> sizes) {
        this.be = f.backend();
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException(name + ": the auxiliary MLP needs at least one hidden layer");
        }
        int width = in;
        for (int i = 0; i < sizes.size(); i++) {
            hidden.add(new Dense(f, name + ".dense_" + i, width, sizes.get(i)));
            width = sizes.get(i);
        }
        this.output = new Dense(f, name + ".output", width, 1);
    }

    /** logit [N] for x [N, in]. */
    public Tensor forward(Tensor x) {
        return forwardFromFirst(hidden.getFirst().forward(x));
    }

    /**
     * logit [N] from the first hidden layer's pre-activation [N, sizes[0]], which the caller computed itself (the
     * auxiliary loss shares its h_t part between the click and no-click rows).
     */
    public Tensor forwardFromFirst(Tensor firstPre) {
        Tensor h = Tensors.empty(be, firstPre.shape());
        be.sigmoid(firstPre, h);
        return forwardFromFirstActivation(h);
    }

    /**
     * logit [N] from the first hidden layer's activation [N, sizes[0]] (its sigmoid), which the caller computed
     * itself; kept for the backward.
     */
    public Tensor forwardFromFirstActivation(Tensor first) {
        activations.clear();
        Tensor h = first;
        activations.add(h);
        for (int i = 1; i < hidden.size(); i++) {
            h = hidden.get(i).forwardSigmoid(h);
            activations.add(h);
        }
        Tensor logit = output.forward(h);
        return logit.reshape(logit.dim(0));
    }

    /** Accumulates every parameter gradient; returns dx [N, in] for dLogit [N]. */
    public Tensor backward(Tensor dLogit) {
        return hidden.getFirst().backward(backwardToFirst(dLogit));
    }

    /**
     * Accumulates the gradients of every layer after the first; returns the gradient of the first hidden layer's
     * pre-activation [N, sizes[0]] (the inverse of {@link #forwardFromFirst}).
     */
    public Tensor backwardToFirst(Tensor dLogit) {
        Tensor dh = output.backward(dLogit.reshape((int) dLogit.size(), 1));
        for (int i = hidden.size() - 1; i > 0; i--) {
            dh = hidden.get(i).backwardSigmoid(activations.get(i), dh);
        }
        // The first layer's bias gradient is the caller's: the auxiliary loss sums it over the shared rows.
        Tensor y = activations.getFirst();
        Tensor dPre = Tensors.empty(be, y.shape());
        be.sigmoidBackward(y, dh, dPre);
        return dPre;
    }

    /** The first hidden layer (input [N, in]). */
    public Dense first() {
        return hidden.getFirst();
    }
}
