package dev.sim4j.engine.kernels;

import dev.sim4j.engine.Tensor;

/** The recurrent cells of DIEN's interest extractor and evolver: the Keras GRU cell and the AUGRU state update. */
public interface RecurrentKernels {
    /**
     * Keras GRU cell, reset-after form, gates in order z, r, n. gx [B,3H] = x W + b_in, gh [B,3H] = h U + b_rec,
     * hPrev [B,H]. Writes hOut [B,H] and cache [B,3H] = (z, r, n) for the backward.
     */
    void gruCell(Tensor gx, Tensor gh, Tensor hPrev, Tensor hOut, Tensor cache);

    /**
     * Backward of {@link #gruCell} for dh = dL/dhOut: writes dgx [B,3H] and dgh [B,3H] (both overwritten; dgh is also
     * the gradient of the recurrent pre-activation) and dhPrev = dh * z (overwritten; the caller adds dgh U^T).
     */
    void gruCellBackward(Tensor gh, Tensor hPrev, Tensor cache, Tensor dh, Tensor dgx, Tensor dgh, Tensor dhPrev);

    /**
     * The AUGRU state update, given update gate u [B,H], candidate c [B,H], previous state s [B,H] and attention
     * a [B]. Code form (the reference): u' = (1 - a) u, out = u' s + (1 - u') c. Paper form: u' = a u,
     * out = (1 - u') s + u' c.
     */
    void augruUpdate(Tensor u, Tensor c, Tensor s, Tensor a, Tensor out, boolean paperForm);

    /** Backward of {@link #augruUpdate}: du, dc overwritten; ds += ; da[b] overwritten. */
    void augruUpdateBackward(Tensor u, Tensor c, Tensor s, Tensor a, Tensor dOut, Tensor du, Tensor dc, Tensor ds,
                             Tensor da, boolean paperForm);
}
