package dev.sim4j.engine.kernels;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import java.util.List;

/**
 * A {@link Backend} assembled from one object per kernel family: every kernel call is handed to its family, and a
 * subclass adds only memory (allocation, transfers, scopes). The reference, the CPU and the CUDA backends are all
 * built this way, so each family lives in a file of its own.
 */
public abstract class FamilyBackend implements Backend {
    private final DenseKernels dense;
    private final EmbeddingKernels embeddings;
    private final AttentionKernels attention;
    private final RecurrentKernels recurrent;
    private final LossKernels losses;
    private final OptimizerKernels optimizers;
    private final InputKernels input;

    /** A backend whose kernels are those of the given families. */
    protected FamilyBackend(DenseKernels dense, EmbeddingKernels embeddings, AttentionKernels attention,
                            RecurrentKernels recurrent, LossKernels losses, OptimizerKernels optimizers,
                            InputKernels input) {
        this.dense = dense;
        this.embeddings = embeddings;
        this.attention = attention;
        this.recurrent = recurrent;
        this.losses = losses;
        this.optimizers = optimizers;
        this.input = input;
    }

    @Override
    public final void fill(Tensor t, double value) {
        dense.fill(t, value);
    }

    @Override
    public final void copy(Tensor src, Tensor dst) {
        dense.copy(src, dst);
    }

    @Override
    public final void matmul(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor c, double beta) {
        dense.matmul(a, transposeA, b, transposeB, c, beta);
    }

    @Override
    public final void addRowVector(Tensor x, Tensor v) {
        dense.addRowVector(x, v);
    }

    @Override
    public final void sumRows(Tensor x, Tensor out, double beta) {
        dense.sumRows(x, out, beta);
    }

    @Override
    public final void add(Tensor a, Tensor b, Tensor out) {
        dense.add(a, b, out);
    }

    @Override
    public final void subtract(Tensor a, Tensor b, Tensor out) {
        dense.subtract(a, b, out);
    }

    @Override
    public final void axpy(double alpha, Tensor x, Tensor y) {
        dense.axpy(alpha, x, y);
    }

    @Override
    public final void mul(Tensor a, Tensor b, Tensor out) {
        dense.mul(a, b, out);
    }

    @Override
    public final void mulRows(Tensor x, Tensor s, Tensor out) {
        dense.mulRows(x, s, out);
    }

    @Override
    public final void rowDot(Tensor a, Tensor b, Tensor out) {
        dense.rowDot(a, b, out);
    }

    @Override
    public final void scale(Tensor x, double s) {
        dense.scale(x, s);
    }

    @Override
    public final void sigmoid(Tensor x, Tensor y) {
        dense.sigmoid(x, y);
    }

    @Override
    public final void sigmoidBackward(Tensor y, Tensor dy, Tensor dx) {
        dense.sigmoidBackward(y, dy, dx);
    }

    @Override
    public final void tanh(Tensor x, Tensor y) {
        dense.tanh(x, y);
    }

    @Override
    public final void tanhBackward(Tensor y, Tensor dy, Tensor dx) {
        dense.tanhBackward(y, dy, dx);
    }

    @Override
    public final void prelu(Tensor x, Tensor alpha, Tensor y) {
        dense.prelu(x, alpha, y);
    }

    @Override
    public final void preluBackward(Tensor x, Tensor alpha, Tensor dy, Tensor dx, Tensor dAlpha) {
        dense.preluBackward(x, alpha, dy, dx, dAlpha);
    }

    @Override
    public final void addBiasPrelu(Tensor x, Tensor bias, Tensor alpha, Tensor y) {
        dense.addBiasPrelu(x, bias, alpha, y);
    }

    @Override
    public final void addBiasSigmoid(Tensor x, Tensor bias, Tensor y) {
        dense.addBiasSigmoid(x, bias, y);
    }

    @Override
    public final void matmulBias(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor bias, Tensor c) {
        dense.matmulBias(a, transposeA, b, transposeB, bias, c);
    }

    @Override
    public final void matmulBiasSigmoid(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor bias,
                                        Tensor c) {
        dense.matmulBiasSigmoid(a, transposeA, b, transposeB, bias, c);
    }

    @Override
    public final void matmulAddSigmoid(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor addend,
                                       Tensor c) {
        dense.matmulAddSigmoid(a, transposeA, b, transposeB, addend, c);
    }

    @Override
    public final void matmulBiasPrelu(Tensor a, boolean transposeA, Tensor b, boolean transposeB, Tensor bias,
                                      Tensor alpha, Tensor z, Tensor y) {
        dense.matmulBiasPrelu(a, transposeA, b, transposeB, bias, alpha, z, y);
    }

    @Override
    public final void sigmoidBackwardSumRows(Tensor y, Tensor dy, Tensor dx, Tensor biasGrad) {
        dense.sigmoidBackwardSumRows(y, dy, dx, biasGrad);
    }

    @Override
    public final void concatColumns(List<Tensor> parts, Tensor out) {
        dense.concatColumns(parts, out);
    }

    @Override
    public final void splitColumns(Tensor in, List<Tensor> parts, boolean accumulate) {
        dense.splitColumns(in, parts, accumulate);
    }

    @Override
    public final void transpose01(Tensor x, Tensor out) {
        dense.transpose01(x, out);
    }

    @Override
    public final void dropoutMask(long seed, long salt, Tensor step, double rate, Tensor mask) {
        dense.dropoutMask(seed, salt, step, rate, mask);
    }

    @Override
    public final void maskedMeanWeights(Tensor mask, Tensor weights) {
        dense.maskedMeanWeights(mask, weights);
    }

    @Override
    public final void broadcastOverTime(Tensor x, Tensor out) {
        dense.broadcastOverTime(x, out);
    }

    @Override
    public final void sumOverTime(Tensor dOut, Tensor dX) {
        dense.sumOverTime(dOut, dX);
    }

    @Override
    public final void gatherRows(Tensor table, Tensor ids, Tensor out) {
        embeddings.gatherRows(table, ids, out);
    }

    @Override
    public final void scatterAddRows(Tensor dOut, Tensor ids, Tensor dTable) {
        embeddings.scatterAddRows(dOut, ids, dTable);
    }

    @Override
    public final void embedSequence(Tensor items, Tensor categories, Tensor itemIds, Tensor categoryIds, int from,
                                    int to, Tensor out, Tensor mask) {
        embeddings.embedSequence(items, categories, itemIds, categoryIds, from, to, out, mask);
    }

    @Override
    public final void embedSequenceBackward(Tensor dOut, Tensor itemIds, Tensor categoryIds, int from, int to,
                                            Tensor dItems, Tensor dCategories) {
        embeddings.embedSequenceBackward(dOut, itemIds, categoryIds, from, to, dItems, dCategories);
    }

    @Override
    public final void uniqueRows(List<Tensor> ids, int bound, Tensor out, Tensor count) {
        embeddings.uniqueRows(ids, bound, out, count);
    }

    @Override
    public final void batchedDot(Tensor keys, Tensor query, Tensor out) {
        attention.batchedDot(keys, query, out);
    }

    @Override
    public final void batchedDotBackward(Tensor keys, Tensor query, Tensor dOut, Tensor dKeys, Tensor dQuery) {
        attention.batchedDotBackward(keys, query, dOut, dKeys, dQuery);
    }

    @Override
    public final void weightedSum(Tensor weights, Tensor values, Tensor out) {
        attention.weightedSum(weights, values, out);
    }

    @Override
    public final void weightedSumBackward(Tensor weights, Tensor values, Tensor dOut, Tensor dWeights, Tensor dValues) {
        attention.weightedSumBackward(weights, values, dOut, dWeights, dValues);
    }

    @Override
    public final void maskedSoftmax(Tensor scores, Tensor mask, Tensor out) {
        attention.maskedSoftmax(scores, mask, out);
    }

    @Override
    public final void maskedSoftmaxBackward(Tensor p, Tensor dp, Tensor mask, Tensor dScores) {
        attention.maskedSoftmaxBackward(p, dp, mask, dScores);
    }

    @Override
    public final void dotAttention(Tensor keys, Tensor query, Tensor mask, Tensor scores, Tensor weights,
                                   Tensor out) {
        attention.dotAttention(keys, query, mask, scores, weights, out);
    }

    @Override
    public final void dotAttentionBackward(Tensor keys, Tensor query, Tensor mask, Tensor weights, Tensor dOut,
                                           Tensor dWeights, Tensor dScores, Tensor dKeys, Tensor dQuery) {
        attention.dotAttentionBackward(keys, query, mask, weights, dOut, dWeights, dScores, dKeys, dQuery);
    }

    @Override
    public final void dotAttentionBackwardWithScatter(Tensor keys, Tensor query, Tensor mask, Tensor weights,
                                                      Tensor dOut, Tensor dWeights, Tensor dScores, Tensor dSelected,
                                                      Tensor idx, Tensor dKeys, Tensor dQuery) {
        attention.dotAttentionBackwardWithScatter(keys, query, mask, weights, dOut, dWeights, dScores, dSelected, idx,
                dKeys, dQuery);
    }

    @Override
    public final void topK(Tensor weights, int k, Tensor indices) {
        attention.topK(weights, k, indices);
    }

    @Override
    public final void gatherTime(Tensor x, Tensor idx, Tensor out) {
        attention.gatherTime(x, idx, out);
    }

    @Override
    public final void scatterAddTime(Tensor dOut, Tensor idx, Tensor dX) {
        attention.scatterAddTime(dOut, idx, dX);
    }

    @Override
    public final void gatherColumns(Tensor x, Tensor idx, Tensor out) {
        attention.gatherColumns(x, idx, out);
    }

    @Override
    public final void positive(Tensor x, Tensor out) {
        attention.positive(x, out);
    }

    @Override
    public final void nonPadding(Tensor ids, Tensor out) {
        attention.nonPadding(ids, out);
    }

    @Override
    public final void attentionFeatures(Tensor q, Tensor h, Tensor out) {
        attention.attentionFeatures(q, h, out);
    }

    @Override
    public final void attentionFeaturesBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        attention.attentionFeaturesBackward(q, h, dOut, dq, dh);
    }

    @Override
    public final void broadcastMul(Tensor q, Tensor h, Tensor out) {
        attention.broadcastMul(q, h, out);
    }

    @Override
    public final void broadcastMulBackward(Tensor q, Tensor h, Tensor dOut, Tensor dq, Tensor dh) {
        attention.broadcastMulBackward(q, h, dOut, dq, dh);
    }

    @Override
    public final void gruCell(Tensor gx, Tensor gh, Tensor hPrev, Tensor hOut, Tensor cache) {
        recurrent.gruCell(gx, gh, hPrev, hOut, cache);
    }

    @Override
    public final void gruCellBackward(Tensor gh, Tensor hPrev, Tensor cache, Tensor dh, Tensor dgx, Tensor dgh,
                                      Tensor dhPrev) {
        recurrent.gruCellBackward(gh, hPrev, cache, dh, dgx, dgh, dhPrev);
    }

    @Override
    public final void augruUpdate(Tensor u, Tensor c, Tensor s, Tensor a, Tensor out, boolean paperForm) {
        recurrent.augruUpdate(u, c, s, a, out, paperForm);
    }

    @Override
    public final void augruUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor dOut, Tensor du, Tensor dc,
                                          Tensor ds, Tensor da, boolean paperForm) {
        recurrent.augruUpdateBackward(u, c, s, a, dOut, du, dc, ds, da, paperForm);
    }

    @Override
    public final void binaryCrossEntropy(Tensor logits, Tensor labels, Tensor dLogits, double gradScale,
                                         Tensor lossScale, Tensor loss, double lossWeight, boolean accumulate) {
        losses.binaryCrossEntropy(logits, labels, dLogits, gradScale, lossScale, loss, lossWeight, accumulate);
    }

    @Override
    public final void auxiliaryLoss(Tensor click, Tensor noClick, Tensor mask, Tensor dClick, Tensor dNoClick,
                                    double gradScale, Tensor lossScale, Tensor loss, double lossWeight,
                                    boolean accumulate) {
        losses.auxiliaryLoss(click, noClick, mask, dClick, dNoClick, gradScale, lossScale, loss, lossWeight,
                accumulate);
    }

    @Override
    public final void sum(Tensor x, Tensor out) {
        losses.sum(x, out);
    }

    @Override
    public final void increment(Tensor counter, Tensor apply) {
        optimizers.increment(counter, apply);
    }

    @Override
    public final void adamUpdate(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2,
                                 double epsilon, double weightDecay, Tensor step, Tensor apply) {
        optimizers.adamUpdate(param, grad, m, v, lr, beta1, beta2, epsilon, weightDecay, step, apply);
    }

    @Override
    public final void adamUpdateRows(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor rows, Tensor count,
                                     double lr, double beta1, double beta2, double epsilon, double weightDecay,
                                     Tensor step, Tensor apply) {
        optimizers.adamUpdateRows(param, grad, m, v, rows, count, lr, beta1, beta2, epsilon, weightDecay, step,
                apply);
    }

    @Override
    public final void sgdUpdate(Tensor param, Tensor grad, double lr, double weightDecay, Tensor apply) {
        optimizers.sgdUpdate(param, grad, lr, weightDecay, apply);
    }

    @Override
    public final void unscaleGradients(Tensor grad, Tensor scale, Tensor finite) {
        optimizers.unscaleGradients(grad, scale, finite);
    }

    @Override
    public final void updateLossScale(Tensor scale, Tensor goodSteps, Tensor finite, int growthSteps) {
        optimizers.updateLossScale(scale, goodSteps, finite, growthSteps);
    }

    @Override
    public final void sequenceRows(SequenceMapping mapping, long firstRow, int rowStride, RowTensors out) {
        input.sequenceRows(mapping, firstRow, rowStride, out);
    }
}
