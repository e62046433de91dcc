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
        int width = in;
        for (int i = 0; i < sizes.size(); i++) {
            hidden.add(new Dense(f, name + ".dense_" + i, width, sizes.get(i)));
            width = sizes.get(i);
        }
        this.output = new Dense(f, name + ".output", width, 1);
    }

    /** logit [N] for x [N, in]. */
    public Tensor forward(Tensor x) {
        activations.clear();
        Tensor h = x;
        for (Dense d : hidden) {
            Tensor pre = d.forward(h);
            h = Tensors.zeros(be, pre.shape());
            be.sigmoid(pre, h);
            activations.add(h);
        }
        Tensor logit = output.forward(h);
        return logit.reshape(logit.dim(0));
    }

    /** Accumulates every parameter gradient; returns dx [N, in] for dLogit [N]. */
    public Tensor backward(Tensor dLogit) {
        Tensor dh = output.backward(dLogit.reshape((int) dLogit.size(), 1));
        for (int i = hidden.size() - 1; i >= 0; i--) {
            Tensor y = activations.get(i);
            Tensor dPre = Tensors.zeros(be, y.shape());
            be.sigmoidBackward(y, dh, dPre);
            dh = hidden.get(i).backward(dPre);
        }
        return dh;
    }
}
