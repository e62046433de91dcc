package dev.sim4j.model.sim;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.layers.DienBlock;
import dev.sim4j.model.layers.DotAttention;
import dev.sim4j.model.layers.MaskedMean;
import dev.sim4j.model.layers.PReluMlp;
import dev.sim4j.model.layers.Tensors;
import dev.sim4j.model.layers.TopKSelection;
import dev.sim4j.model.loss.AuxiliaryLoss;
import dev.sim4j.model.params.ParameterSet;
import java.util.List;

/**
 * SIM (sim-model.md section 4), the reference's default model:
 * <ol>
 * <li>u = user [B, E], t = target [B, 2E], long history [B, L, 2E], short history [B, T, 2E] (masked);</li>
 * <li>GSU: (g, s) = dot attention over the long history with t; stage_one_logit = MLP[200](t, g, u);</li>
 * <li>top-K of s (K = 50), mask = (s > 0);</li>
 * <li>ESU: att = dot attention over the K selected vectors; mean = masked mean (with its +1);
 * (d, h) = DIEN block over the short history;</li>
 * <li>stage_two_logit = MLP[200, 80](att, mean, t, d, u), the prediction.</li>
 * </ol>
 * Loss: 0.5 (BCE(stage one) + BCE(stage two)) + DIEN auxiliary loss.
 */
public final class SimModel implements CtrModel {
    private final ModelConfig config;
    private final Backend be;
    private final ParameterSet parameters;
    private final InputEmbedding embedding;
    private final DotAttention gsu;
    private final PReluMlp stageOne;
    private final TopKSelection topK;
    private final DotAttention esu;
    private final MaskedMean mean;
    private final DienBlock dien;
    private final PReluMlp stageTwo;
    private final AuxiliaryLoss aux;
    /** [2]: classification and auxiliary loss of the last forward, on the device (outlives every step's scope). */
    private final Tensor losses;

    // forward state for the backward
    private ModelInput input;
    private Tensor user;
    private Tensor target;
    private InputEmbedding.Sequence longPart;
    private InputEmbedding.Sequence shortPart;
    private InputEmbedding.Sequence negativeShort;
    private DienBlock.Output dienOut;
    private Tensor dLogitOne;
    private Tensor dLogitTwo;
    private Tensor selected;
    private Tensor gsuWeights;

    public SimModel(ModelConfig config, Backend backend, long seed) {
        this.config = config;
        this.be = backend;
        ParameterFactory f = new ParameterFactory(backend, seed);
        int e = config.embeddingDim();
        int item = config.itemDim();
        int h = config.hidden();
        this.embedding = new InputEmbedding(f, config);
        this.stageOne = new PReluMlp(f, "stage_one_mlp", item + item + e, config.stageOneMlp(), config.dropout());
        this.stageTwo = new PReluMlp(f, "stage_two_mlp", 3 * item + h + e, config.stageTwoMlp(), config.dropout());
        this.dien = new DienBlock(f, "dien", item, h, config.augruForm());
        this.aux = new AuxiliaryLoss(f, "aux_mlp", h, item, config.auxMlp());
        this.gsu = new DotAttention(backend);
        this.topK = new TopKSelection(backend, config.topK());
        this.esu = new DotAttention(backend);
        this.mean = new MaskedMean(backend);
        this.parameters = f.parameters();
        this.losses = Tensors.wideZeros(backend, 2);
    }

    /**
     * What the GSU selected in the last forward: positions in the long history, I32 [B, K], in descending order of
     * weight (ties to the lower position); null before the first. A step's temporary: read it before the step's tensor
     * scope closes (or outside any scope).
     */
    public Tensor selectedPositions() {
        return selected;
    }

    /**
     * The GSU's attention weights of the positions {@link #selectedPositions()} names, [B, K] (their order): how much
     * each selected event counted in the soft search. A step's temporary, like the selection.
     */
    public Tensor selectedWeights() {
        if (selected == null) {
            return null;
        }
        Tensor out = Tensors.empty(be, selected.shape());
        be.gatherColumns(gsuWeights, selected, out);
        return out;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public ParameterSet parameters() {
        return parameters;
    }

    /**
     * Both logits when training; at inference only stage two's (the first element null). {@code step} is the dropout
     * step counter when training, null at inference.
     */
    private Tensor[] logits(ModelInput in, boolean training, Tensor step, long salt) {
        return logits(in, training, step, salt, null);
    }

    /** As above; with {@code shared} (inference), the short history's GRU runs once per group. */
    private Tensor[] logits(ModelInput in, boolean training, Tensor step, long salt, SharedRows shared) {
        int l = config.longLength();
        user = embedding.user(in);
        target = embedding.target(in);
        longPart = embedding.history(in, 0, l);
        shortPart = embedding.history(in, l, l + config.shortLength());
        // GSU. Its own classifier, the one reader of its attended vector, only trains the search (its loss):
        // inference returns stage two's logit alone, so it needs only the GSU's weights, not their weighted sum.
        Tensor one = null;
        if (training) {
            DotAttention.Result g = gsu.forward(longPart.vectors(), target, longPart.mask());
            one = stageOne.forward(Tensors.concat(be, target, g.output(), user), training, step, salt);
            gsuWeights = g.weights();
        } else {
            gsuWeights = gsu.weights(longPart.vectors(), target, longPart.mask());
        }
        // ESU over the top-K
        TopKSelection.Selection sel = topK.forward(gsuWeights, longPart.vectors());
        selected = sel.indices();
        DotAttention.Result att = esu.forward(sel.values(), target, sel.mask());
        Tensor avg = mean.forward(sel.values(), sel.mask());
        dienOut = shared == null ? dien.forward(target, shortPart.vectors(), shortPart.mask())
                : dien.forwardShared(target, shortPart.vectors(), shortPart.mask(), shared.firstRows(),
                        shared.groupOfRow());
        Tensor two = stageTwo.forward(
                Tensors.concat(be, att.output(), avg, target, dienOut.interest(), user), training, step, salt);
        return new Tensor[] {one, two};
    }

    @Override
    public ModelOutput forward(ModelInput in, ForwardPass pass) {
        input = in;
        Tensor[] out = logits(in, true, pass.step(), pass.microBatch());
        int b = in.batch();
        dLogitOne = be.zeros(out[0].dtype(), b);
        dLogitTwo = be.zeros(out[1].dtype(), b);
        // classification = 0.5 (BCE1 + BCE2): the second adds into the first's element.
        Tensor classification = losses.rows(ModelOutput.CLASSIFICATION, ModelOutput.CLASSIFICATION + 1);
        be.binaryCrossEntropy(out[0], in.label(), dLogitOne, 0.5, pass.lossScale(), classification,
                0.5 * pass.lossWeight(), pass.accumulate());
        be.binaryCrossEntropy(out[1], in.label(), dLogitTwo, 0.5, pass.lossScale(), classification,
                0.5 * pass.lossWeight(), true);
        int l = config.longLength();
        negativeShort = embedding.negatives(in, l, l + config.shortLength());
        aux.forward(dienOut.states(), shortPart.vectors(), negativeShort.vectors(), shortPart.mask(), 1.0,
                pass.lossScale(), losses.rows(ModelOutput.AUXILIARY, ModelOutput.AUXILIARY + 1), pass.lossWeight(),
                pass.accumulate());
        return new ModelOutput(out[1], out[0], losses);
    }

    @Override
    public void backward() {
        int b = input.batch();
        int item = config.itemDim();
        int l = config.longLength();
        Tensor dUser = Tensors.zeros(be, b, config.embeddingDim());
        Tensor dTarget = Tensors.zeros(be, b, item);
        Tensor dLong = Tensors.zeros(be, b, l, item);
        Tensor dShort = Tensors.zeros(be, b, config.shortLength(), item);
        // stage two: [att, mean, t, d, u]
        List<Tensor> d2 = Tensors.split(be, stageTwo.backward(dLogitTwo),
                item, item, item, config.hidden(), config.embeddingDim());
        be.axpy(1, d2.get(2), dTarget);
        be.axpy(1, d2.get(4), dUser);
        // stage one: [t, g, u]
        List<Tensor> d1 = Tensors.split(be, stageOne.backward(dLogitOne), item, item, config.embeddingDim());
        be.axpy(1, d1.get(0), dTarget);
        be.axpy(1, d1.get(2), dUser);
        // ESU
        Tensor dSelected = Tensors.zeros(be, b, config.topK(), item);
        esu.backward(d2.get(0), dSelected, dTarget);
        mean.backward(d2.get(1), dSelected);
        AuxiliaryLoss.Grads da = aux.backward();
        dien.backward(d2.get(3), da.dStates(), dTarget, dShort);
        be.axpy(1, da.dPositive(), dShort);
        // GSU, with the top-K selection's backward (dSelected back to its positions) in the same pass over dLong
        gsu.backward(d1.get(1), dSelected, selected, dLong, dTarget);
        embedding.userBackward(input, dUser);
        embedding.targetBackward(input, dTarget);
        embedding.historyBackward(input, longPart, dLong);
        embedding.historyBackward(input, shortPart, dShort);
        embedding.negativesBackward(input, negativeShort, da.dNegative());
    }

    @Override
    public Tensor predict(ModelInput in) {
        return logits(in, false, null, 0)[1];
    }

    @Override
    public Tensor predict(ModelInput in, SharedRows shared) {
        return logits(in, false, null, 0, shared)[1];
    }
}
