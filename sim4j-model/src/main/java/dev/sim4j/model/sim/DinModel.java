package dev.sim4j.model.sim;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.layers.DotAttention;
import dev.sim4j.model.layers.PReluMlp;
import dev.sim4j.model.layers.Tensors;
import dev.sim4j.model.params.ParameterSet;
import java.util.List;

/**
 * DIN as the reference has it: dot attention over the whole history (L + T positions) with the target,
 * logit = MLP[200, 80](t, g, u) (input 2E + 2E + E). Loss: BCE; no auxiliary loss.
 */
public final class DinModel implements CtrModel {
    private final ModelConfig config;
    private final Backend be;
    private final ParameterSet parameters;
    private final InputEmbedding embedding;
    private final DotAttention attention;
    private final PReluMlp mlp;
    /** [2]: classification loss of the last forward and a 0 for the auxiliary one, on the device. */
    private final Tensor losses;

    private ModelInput input;
    private Tensor user;
    private Tensor target;
    private InputEmbedding.Sequence history;
    private Tensor dLogit;

    public DinModel(ModelConfig config, Backend backend, long seed) {
        this.config = config;
        this.be = backend;
        ParameterFactory f = new ParameterFactory(backend, seed);
        int item = config.itemDim();
        this.embedding = new InputEmbedding(f, config);
        this.mlp = new PReluMlp(f, "stage_two_mlp", 2 * item + config.embeddingDim(), config.stageTwoMlp(),
                config.dropout());
        this.attention = new DotAttention(backend);
        this.parameters = f.parameters();
        this.losses = Tensors.wideZeros(backend, 2);
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public ParameterSet parameters() {
        return parameters;
    }

    /** The logit; {@code step} is the dropout step counter when training, null at inference. */
    private Tensor logit(ModelInput in, boolean training, Tensor step, long salt) {
        user = embedding.user(in);
        target = embedding.target(in);
        history = embedding.history(in, 0, config.historyLength());
        DotAttention.Result g = attention.forward(history.vectors(), target, history.mask());
        return mlp.forward(Tensors.concat(be, target, g.output(), user), training, step, salt);
    }

    @Override
    public ModelOutput forward(ModelInput in, ForwardPass pass) {
        input = in;
        Tensor logit = logit(in, true, pass.step(), pass.microBatch());
        dLogit = be.zeros(logit.dtype(), in.batch());
        // DIN has no auxiliary loss: its element stays the 0 it was allocated with.
        be.binaryCrossEntropy(logit, in.label(), dLogit, 1.0, pass.lossScale(),
                losses.rows(ModelOutput.CLASSIFICATION, ModelOutput.CLASSIFICATION + 1), pass.lossWeight(),
                pass.accumulate());
        return new ModelOutput(logit, null, losses);
    }

    @Override
    public void backward() {
        int item = config.itemDim();
        List<Tensor> d = Tensors.split(be, mlp.backward(dLogit), item, item, config.embeddingDim());
        Tensor dTarget = d.get(0);
        Tensor dHistory = Tensors.zeros(be, history.vectors().shape());
        attention.backward(d.get(1), dHistory, dTarget);
        embedding.userBackward(input, d.get(2));
        embedding.targetBackward(input, dTarget);
        embedding.historyBackward(input, history, dHistory);
    }

    @Override
    public Tensor predict(ModelInput in) {
        return logit(in, false, null, 0);
    }
}
