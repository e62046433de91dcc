package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.Seeds;
import java.util.SplittableRandom;

/**
 * Inverted dropout with a deterministic mask: call i draws its mask from stream (seed, "dropout/" + i), keeping each
 * unit with probability 1 - rate and scaling kept units by 1 / (1 - rate). Disabled (the identity) when rate <= 0;
 * the reference's default rate is -1.
 */
public final class Dropout {
    private final Backend be;
    private final double rate;
    private final long seed;
    private long calls;
    private Tensor mask;

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

    /** y [N, D] = x * mask / (1 - rate) when enabled and {@code training}, else x itself. */
    public Tensor forward(Tensor x, boolean training) {
        if (!enabled() || !training) {
            mask = null;
            return x;
        }
        SplittableRandom rng = Seeds.stream(seed, "dropout/" + calls++);
        double[] m = new double[(int) x.size()];
        double keep = 1 / (1 - rate);
        for (int k = 0; k < m.length; k++) {
            m[k] = rng.nextDouble() >= rate ? keep : 0;
        }
        mask = be.upload(m, x.shape());
        Tensor y = Tensors.zeros(be, x.shape());
        be.mul(x, mask, y);
        return y;
    }

    /** dx = dy * mask / (1 - rate), or dy itself when the last forward did not drop. */
    public Tensor backward(Tensor dy) {
        if (mask == null) {
            return dy;
        }
        Tensor dx = Tensors.zeros(be, dy.shape());
        be.mul(dy, mask, dx);
        return dx;
    }
}
