package dev.sim4j.model.sim;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.layers.DienBlock;
import dev.sim4j.model.layers.PReluMlp;
import dev.sim4j.model.layers.Tensors;
import dev.sim4j.model.loss.AuxiliaryLoss;
import dev.sim4j.model.params.ParameterSet;
import java.util.List;

/**
 * DIEN over the short history only: (d, h) = DIEN block(t, short history [B, T, 2E]);
 * logit = MLP[200, 80](t, d, u) (input 2E + H + E). Loss: BCE + auxiliary loss.
 */
public final class DienModel implements CtrModel {
    private final ModelConfig config;
    private final Backend be;
    private final ParameterSet parameters;
    private final InputEmbedding embedding;
    private final DienBlock dien;
    private final PReluMlp mlp;
    private final AuxiliaryLoss aux;
    /** [2]: classification and auxiliary loss of the last forward, on the device (outlives every step's scope). */
    private final Tensor losses;

    private ModelInput input;
    private Tensor user;
    private Tensor target;
    private InputEmbedding.Sequence shortPart;
    private InputEmbedding.Sequence negativeShort;
    private DienBlock.Output dienOut;
    private Tensor dLogit;

    public DienModel(ModelConfig config, Backend backend, long seed) {
        this.config = config;
        this.be = backend;
        ParameterFactory f = new ParameterFactory(backend, seed);
        int item = config.itemDim();
        int h = config.hidden();
        this.embedding = new InputEmbedding(f, config);
        this.mlp = new PReluMlp(f, "stage_two_mlp", item + h + config.embeddingDim(), config.stageTwoMlp(),
                config.dropout());
        this.dien = new DienBlock(f, "dien", item, h, config.augruForm());
        this.aux = new AuxiliaryLoss(f, "aux_mlp", h, item, config.auxMlp());
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
    private Tensor[] logit(ModelInput in, boolean training, Tensor step, long salt) {
        return logit(in, training, step, salt, null);
    }

    /** As above; with {@code shared} (inference), the short history's GRU runs once per group. */
    private Tensor[] logit(ModelInput in, boolean training, Tensor step, long salt, SharedRows shared) {
        int l = config.longLength();
        user = embedding.user(in);
        target = embedding.target(in);
        shortPart = embedding.history(in, l, l + config.shortLength());
        dienOut = shared == null ? dien.forward(target, shortPart.vectors(), shortPart.mask())
                : dien.forwardShared(target, shortPart.vectors(), shortPart.mask(), shared.firstRows(),
                        shared.groupOfRow());
        Tensor logit = mlp.forward(Tensors.concat(be, target, dienOut.interest(), user), training, step, salt);
        return new Tensor[] {logit};
    }

    @Override
    public ModelOutput forward(ModelInput in, ForwardPass pass) {
        input = in;
        Tensor[] out = logit(in, true, pass.step(), pass.microBatch());
        dLogit = be.zeros(out[0].dtype(), in.batch());
        be.binaryCrossEntropy(out[0], in.label(), dLogit, 1.0, pass.lossScale(),
                losses.rows(ModelOutput.CLASSIFICATION, ModelOutput.CLASSIFICATION + 1), pass.lossWeight(),
                pass.accumulate());
        int l = config.longLength();
        negativeShort = embedding.negatives(in, l, l + config.shortLength());
        aux.forward(dienOut.states(), shortPart.vectors(), negativeShort.vectors(), shortPart.mask(), 1.0,
                pass.lossScale(), losses.rows(ModelOutput.AUXILIARY, ModelOutput.AUXILIARY + 1), pass.lossWeight(),
                pass.accumulate());
        return new ModelOutput(out[0], null, losses);
    }

    @Override
    public void backward() {
        int b = input.batch();
        int item = config.itemDim();
        List<Tensor> d = Tensors.split(be, mlp.backward(dLogit), item, config.hidden(), config.embeddingDim());
        Tensor dTarget = d.get(0);
        Tensor dShort = Tensors.zeros(be, b, config.shortLength(), item);
        AuxiliaryLoss.Grads da = aux.backward();
        dien.backward(d.get(1), da.dStates(), dTarget, dShort);
        be.axpy(1, da.dPositive(), dShort);
        embedding.userBackward(input, d.get(2));
        embedding.targetBackward(input, dTarget);
        embedding.historyBackward(input, shortPart, dShort);
        embedding.negativesBackward(input, negativeShort, da.dNegative());
    }

    @Override
    public Tensor predict(ModelInput in) {
        return logit(in, false, null, 0)[0];
    }

    @Override
    public Tensor predict(ModelInput in, SharedRows shared) {
        return logit(in, false, null, 0, shared)[0];
    }
}
