package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;

/**
 * Inverted dropout with a deterministic mask drawn on the device ({@link Backend#dropoutMask}): the mask of a
 * training pass is a function of (this layer's seed, the pass's salt, the trainer's step counter, element), keeping
 * each unit with probability 1 - rate and scaling kept units by 1 / (1 - rate). The step counter is a device tensor,
 * so a replayed step draws a fresh mask without the host. Disabled (the identity) when rate <= 0; the reference's
 * default rate is -1.
 */
public final class Dropout {
    private final Backend be;
    private final double rate;
    private final long seed;
    private Tensor mask;

    /** Dropout at {@code rate} (<= 0: off) with this layer's {@code seed} (derived from its name). */
    public Dropout(Backend be, double rate, long seed) {
        if (rate >= 1) {
            throw new IllegalArgumentException("dropout rate must be < 1, got " + rate);
        }
        this.be = be;
        this.rate = rate;
        this.seed = seed;
    }

    public boolean enabled() {
        return rate > 0;
    }

    /**
     * y [N, D] = x * mask / (1 - rate) when enabled and {@code training}, else x itself. {@code step} is the trainer's
     * step counter (I32 [1]) the mask is drawn from and {@code salt} tells apart the passes of one step (micro-batch
     * numbers); both are needed only when the layer drops.
     */
    public Tensor forward(Tensor x, boolean training, Tensor step, long salt) {
        if (!enabled() || !training) {
            mask = null;
            return x;
        }
        if (step == null) {
            throw new IllegalStateException("dropout needs the trainer's step counter (ForwardPass.step) to draw from");
        }
        mask = Tensors.empty(be, x.shape());
        be.dropoutMask(seed, salt, step, rate, mask);
        Tensor y = Tensors.empty(be, x.shape());
        be.mul(x, mask, y);
        return y;
    }

    /** dx = dy * mask / (1 - rate), or dy itself when the last forward did not drop. */
    public Tensor backward(Tensor dy) {
        if (mask == null) {
            return dy;
        }
        Tensor dx = Tensors.empty(be, dy.shape());
        be.mul(dy, mask, dx);
        return dx;
    }
}
