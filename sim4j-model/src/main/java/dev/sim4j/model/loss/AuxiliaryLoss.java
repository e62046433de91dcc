package dev.sim4j.model.loss;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.layers.AuxMlp;
import dev.sim4j.model.layers.Tensors;
import java.util.List;

/**
 * DIEN's auxiliary loss over the short history (T positions, 0-based here): for t = 0..T-2,
 * p_click = sigmoid(AuxMLP([h_t, e_pos[t+1]])) + 1e-6, p_noclick = sigmoid(AuxMLP([h_t, e_neg[t+1]])) + 1e-6,
 * aux = mean over all B (T - 1) entries of mask[t+1] (-log p_click - log(1 - p_noclick)) (masked entries count in
 * the denominator). The click and no-click inputs go through the MLP ({@code aux_mlp}) stacked as one batch of
 * 2 B (T - 1) rows. states [B, T, H], positive / negative [B, T, 2E] (masked), mask [B, T] -> loss.
 */
public final class AuxiliaryLoss {
    /** Gradients of the inputs: dStates [B, T, H], dPositive and dNegative [B, T, 2E]. */
    public record Grads(Tensor dStates, Tensor dPositive, Tensor dNegative) {
    }

    private final Backend be;
    private final AuxMlp mlp;
    private Tensor dLogits;
    private int b;
    private int t;
    private int hidden;
    private int itemDim;

    public AuxiliaryLoss(ParameterFactory f, String name, int hidden, int itemDim, List<Integer> sizes) {
        this.be = f.backend();
        this.mlp = new AuxMlp(f, name, hidden + itemDim, sizes);
    }

    /** The loss; the gradients for {@link #backward()} are computed here too, scaled by {@code weight}. */
    public double forward(Tensor states, Tensor positive, Tensor negative, Tensor mask, double weight) {
        b = states.dim(0);
        t = states.dim(1);
        hidden = states.dim(2);
        itemDim = positive.dim(2);
        int n = b * (t - 1);
        Tensor hHead = Tensors.splitTime(be, states, t - 1)[0].reshape(n, hidden);
        Tensor posTail = Tensors.splitTime(be, positive, 1)[1].reshape(n, itemDim);
        Tensor negTail = Tensors.splitTime(be, negative, 1)[1].reshape(n, itemDim);
        Tensor maskTail = Tensors.splitTime2(be, mask, 1)[1].reshape(n);
        Tensor x = Tensors.zeros(be, 2 * n, hidden + itemDim);
        be.concatColumns(List.of(hHead, posTail), x.rows(0, n));
        be.concatColumns(List.of(hHead, negTail), x.rows(n, 2 * n));
        Tensor logits = mlp.forward(x);
        dLogits = Tensors.zeros(be, 2 * n);
        return be.auxiliaryLoss(logits.rows(0, n), logits.rows(n, 2 * n), maskTail,
                dLogits.rows(0, n), dLogits.rows(n, 2 * n), weight) * weight;
    }

    /** Accumulates the MLP's gradients and returns the inputs' gradients. */
    public Grads backward() {
        int n = b * (t - 1);
        Tensor dx = mlp.backward(dLogits);
        Tensor dH = Tensors.zeros(be, n, hidden);
        Tensor dPos = Tensors.zeros(be, n, itemDim);
        Tensor dNeg = Tensors.zeros(be, n, itemDim);
        be.splitColumns(dx.rows(0, n), List.of(dH, dPos), false);
        be.splitColumns(dx.rows(n, 2 * n), List.of(dH, dNeg), true);
        Tensor dStates = Tensors.concatTime(be, dH.reshape(b, t - 1, hidden), Tensors.zeros(be, b, 1, hidden));
        Tensor dPositive = Tensors.concatTime(be, Tensors.zeros(be, b, 1, itemDim), dPos.reshape(b, t - 1, itemDim));
        Tensor dNegative = Tensors.concatTime(be, Tensors.zeros(be, b, 1, itemDim), dNeg.reshape(b, t - 1, itemDim));
        return new Grads(dStates, dPositive, dNegative);
    }
}
