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
        return evolve(target, gru.forward(shortHistory), mask);
    }

    /**
     * {@link #forward} for rows in groups that share the short history (inference only): the GRU and the input
     * halves of the AUGRU's products run once per group, on the group's first row, and each row gets its group's
     * values (rows are independent, so these are what its own pass would give).
     *
     * @param firstRows  I32 [G], a row of each group
     * @param groupOfRow I32 [B], each row's group
     */
    public Output forwardShared(Tensor target, Tensor shortHistory, Tensor mask, Tensor firstRows, Tensor groupOfRow) {
        int b = shortHistory.dim(0);
        int t = shortHistory.dim(1);
        int g = firstRows.dim(0);
        Tensor groupHistory = Tensors.empty(be, g, t, shortHistory.dim(2));
        be.gatherRows(shortHistory.reshape(b, t * shortHistory.dim(2)), firstRows,
                groupHistory.reshape(g, t * shortHistory.dim(2)));
        Tensor groupStates = gru.forward(groupHistory);
        int hid = groupStates.dim(2);
        Tensor h = Tensors.empty(be, b, t, hid);
        be.gatherRows(groupStates.reshape(g, t * hid), groupOfRow, h.reshape(b, t * hid));
        Tensor a = attention.forward(target, h, mask);
        Tensor d = augru.forwardShared(groupStates, groupOfRow, a);
        return new Output(d, h, a);
    }

    private Output evolve(Tensor target, Tensor h, Tensor mask) {
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
