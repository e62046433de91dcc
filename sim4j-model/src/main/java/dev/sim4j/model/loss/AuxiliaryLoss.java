package dev.sim4j.model.loss;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.layers.AuxMlp;
import dev.sim4j.model.layers.Dense;
import dev.sim4j.model.layers.Tensors;
import java.util.List;

/**
 * DIEN's auxiliary loss over the short history (T positions, 0-based here): for t = 0..T-2,
 * p_click = sigmoid(AuxMLP([h_t, e_pos[t+1]])) + 1e-6, p_noclick = sigmoid(AuxMLP([h_t, e_neg[t+1]])) + 1e-6,
 * aux = mean over all B (T - 1) entries of mask[t+1] (-log p_click - log(1 - p_noclick)) (masked entries count in
 * the denominator). The click and no-click inputs go through the MLP ({@code aux_mlp}) stacked as one batch of
 * 2 B (T - 1) rows. states [B, T, H], positive / negative [B, T, 2E] (masked), mask [B, T] -> the loss, into a
 * one-element device tensor.
 */
public final class AuxiliaryLoss {
    /** Gradients of the inputs: dStates [B, T, H], dPositive and dNegative [B, T, 2E]. */
    public record Grads(Tensor dStates, Tensor dPositive, Tensor dNegative) {
    }

    private final Backend be;
    private final AuxMlp mlp;
    private Tensor dLogits;
    private Tensor hHead;
    private Tensor posTail;
    private Tensor negTail;
    private int b;
    private int t;
    private int hidden;
    private int itemDim;

    public AuxiliaryLoss(ParameterFactory f, String name, int hidden, int itemDim, List<Integer> sizes) {
        this.be = f.backend();
        this.mlp = new AuxMlp(f, name, hidden + itemDim, sizes);
    }

    /** The first layer's kernel rows that multiply h_t (the first H) or the item vector (the rest), as views. */
    private Tensor stateRows(Tensor kernel) {
        return kernel.rows(0, hidden);
    }

    private Tensor itemRows(Tensor kernel) {
        return kernel.rows(hidden, hidden + itemDim);
    }

    /**
     * The loss, written on the device into {@code loss} (one element) as {@code weight * lossWeight * aux}, added to
     * what it holds when {@code accumulate}; the gradients for {@link #backward()} are computed here too, scaled by
     * {@code weight} (and by {@code lossScale[0]}, dynamic loss scaling's F32 [1] scale, when not null). The MLP's
     * first layer is split by rows of its kernel: [h_t, e] W = h_t W_h + e W_e, so h_t W_h
     * is computed once and shared by the click and no-click rows instead of twice inside two concatenated inputs.
     */
    public void forward(Tensor states, Tensor positive, Tensor negative, Tensor mask, double weight,
                        Tensor lossScale, Tensor loss, double lossWeight, boolean accumulate) {
        b = states.dim(0);
        t = states.dim(1);
        hidden = states.dim(2);
        itemDim = positive.dim(2);
        int n = b * (t - 1);
        hHead = Tensors.splitTime(be, states, t - 1)[0].reshape(n, hidden);
        posTail = Tensors.splitTime(be, positive, 1)[1].reshape(n, itemDim);
        negTail = Tensors.splitTime(be, negative, 1)[1].reshape(n, itemDim);
        Tensor maskTail = Tensors.splitTime2(be, mask, 1)[1].reshape(n);
        Dense first = mlp.first();
        Tensor kernel = first.kernel().value();
        int width = first.out();
        Tensor shared = Tensors.empty(be, n, width);
        be.matmulBias(hHead, false, stateRows(kernel), false, first.bias().value(), shared);
        // sigmoid(e W_e + shared) straight from each product's tiles: the pre-activation is never stored.
        Tensor activation = Tensors.empty(be, 2 * n, width);
        be.matmulAddSigmoid(posTail, false, itemRows(kernel), false, shared, activation.rows(0, n));
        be.matmulAddSigmoid(negTail, false, itemRows(kernel), false, shared, activation.rows(n, 2 * n));
        Tensor logits = mlp.forwardFromFirstActivation(activation);
        dLogits = Tensors.zeros(be, 2 * n);
        be.auxiliaryLoss(logits.rows(0, n), logits.rows(n, 2 * n), maskTail, dLogits.rows(0, n),
                dLogits.rows(n, 2 * n), weight, lossScale, loss, weight * lossWeight, accumulate);
    }

    /** Accumulates the MLP's gradients and returns the inputs' gradients. */
    public Grads backward() {
        int n = b * (t - 1);
        Tensor dPre = mlp.backwardToFirst(dLogits);
        Tensor dPos = dPre.rows(0, n);
        Tensor dNeg = dPre.rows(n, 2 * n);
        Tensor dShared = Tensors.copyOf(be, dPos);
        be.axpy(1, dNeg, dShared);
        Dense first = mlp.first();
        Tensor kernel = first.kernel().value();
        Tensor kernelGrad = first.kernel().grad();
        be.matmul(hHead, true, dShared, false, stateRows(kernelGrad), 1);
        be.matmul(posTail, true, dPos, false, itemRows(kernelGrad), 1);
        be.matmul(negTail, true, dNeg, false, itemRows(kernelGrad), 1);
        be.sumRows(dShared, first.bias().grad(), 1);
        Tensor dH = Tensors.empty(be, n, hidden);
        be.matmul(dShared, false, stateRows(kernel), true, dH, 0);
        Tensor dPosItems = Tensors.empty(be, n, itemDim);
        be.matmul(dPos, false, itemRows(kernel), true, dPosItems, 0);
        Tensor dNegItems = Tensors.empty(be, n, itemDim);
        be.matmul(dNeg, false, itemRows(kernel), true, dNegItems, 0);
        Tensor dStates = Tensors.concatTime(be, dH.reshape(b, t - 1, hidden), Tensors.zeros(be, b, 1, hidden));
        Tensor dPositive = Tensors.concatTime(be, Tensors.zeros(be, b, 1, itemDim),
                dPosItems.reshape(b, t - 1, itemDim));
        Tensor dNegative = Tensors.concatTime(be, Tensors.zeros(be, b, 1, itemDim),
                dNegItems.reshape(b, t - 1, itemDim));
        return new Grads(dStates, dPositive, dNegative);
    }
}
