package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.ParameterFactory;

/**
 * DIEN's interest extractor and evolution over the short history: h = GRU(e_short) ({@code {name}.gru}),
 * a = attention unit(target, h, mask) ({@code {name}.attention}), d = AUGRU(h, a) ({@code {name}.augru}).
 * target [B, 2E], short [B, T, 2E] (masked), mask [B, T] -> interest d [B, H], states h [B, T, H].
 */
public final class DienBlock {
    /** The final interest d [B, H], the GRU states h [B, T, H] (for the auxiliary loss) and the attention [B, T]. */
    public record Output(Tensor interest, Tensor states, Tensor attention) {
    }

    private final Backend be;
    private final Gru gru;
    private final DienAttention attention;
    private final AuGru augru;

    public DienBlock(ParameterFactory f, String name, int itemDim, int hidden, AugruForm form) {
        this.be = f.backend();
        this.gru = new Gru(f, name + ".gru", itemDim, hidden);
        this.attention = new DienAttention(f, name + ".attention", itemDim, hidden);
        this.augru = new AuGru(f, name + ".augru", hidden, form);
    }

    public Output forward(Tensor target, Tensor shortHistory, Tensor mask) {
        Tensor h = gru.forward(shortHistory);
        Tensor a = attention.forward(target, h, mask);
        Tensor d = augru.forward(h, a);
        return new Output(d, h, a);
    }

    /**
     * For dInterest [B, H] and dStates [B, T, H] (the auxiliary loss's, or null): dTarget [B, 2E] +=,
     * dShort [B, T, 2E] +=, parameter gradients +=.
     */
    public void backward(Tensor dInterest, Tensor dStates, Tensor dTarget, Tensor dShort) {
        AuGru.Grads g = augru.backward(dInterest);
        Tensor dH = g.dX();
        if (dStates != null) {
            be.axpy(1, dStates, dH);
        }
        attention.backward(g.dA(), dTarget, dH);
        be.axpy(1, gru.backward(dH), dShort);
    }
}
