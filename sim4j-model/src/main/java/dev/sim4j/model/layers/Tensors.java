package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Allocation and layout helpers composed from {@link Backend} kernels (no state). */
public final class Tensors {
    private Tensors() {
    }

    /**
     * A new activation tensor of zeros: the backend's activation type (its float type, except bfloat16 under mixed
     * precision on a GPU).
     */
    public static Tensor zeros(Backend be, int... shape) {
        return be.zeros(be.activationType(), shape);
    }

    /** A new activation tensor with unspecified contents, for an output the next kernel overwrites entirely. */
    public static Tensor empty(Backend be, int... shape) {
        return be.empty(be.activationType(), shape);
    }

    /** A new tensor of zeros in the backend's float type: float32 whatever the activations (losses, statistics). */
    public static Tensor wideZeros(Backend be, int... shape) {
        return be.zeros(be.floatType(), shape);
    }

    /** x in {@code type}: x itself when it has that type, else a new converted copy. */
    public static Tensor as(Backend be, Tensor x, dev.sim4j.engine.DType type) {
        if (x.dtype() == type) {
            return x;
        }
        Tensor out = be.empty(type, x.shape());
        be.convert(x, out);
        return out;
    }

    /** Number of rows when the last dimension is taken as columns. */
    public static int rows(Tensor x) {
        return (int) (x.size() / x.dim(-1));
    }

    /** [p0 | p1 | ...] along the last dimension: parts [M, Ni] give [M, sum Ni]. */
    public static Tensor concat(Backend be, Tensor... parts) {
        int width = 0;
        for (Tensor p : parts) {
            width += p.dim(-1);
        }
        Tensor out = empty(be, rows(parts[0]), width);
        be.concatColumns(Arrays.asList(parts), out);
        return out;
    }

    /** New tensors [M, wi] holding the column blocks of {@code in} [M, sum wi]. */
    public static List<Tensor> split(Backend be, Tensor in, int... widths) {
        List<Tensor> parts = new ArrayList<>();
        int m = rows(in);
        for (int w : widths) {
            parts.add(empty(be, m, w));
        }
        be.splitColumns(in.reshape(m, in.dim(-1)), parts, false);
        return parts;
    }

    /** Splits x [B, T, D] at time {@code t0} into [B, t0, D] and [B, T - t0, D] (new tensors). */
    public static Tensor[] splitTime(Backend be, Tensor x, int t0) {
        int b = x.dim(0);
        int t = x.dim(1);
        int d = x.dim(2);
        List<Tensor> parts = split(be, x.reshape(b, t * d), t0 * d, (t - t0) * d);
        return new Tensor[] {parts.get(0).reshape(b, t0, d), parts.get(1).reshape(b, t - t0, d)};
    }

    /** Splits a mask or score tensor x [B, T] at time {@code t0} into [B, t0] and [B, T - t0] (new tensors). */
    public static Tensor[] splitTime2(Backend be, Tensor x, int t0) {
        List<Tensor> parts = split(be, x, t0, x.dim(1) - t0);
        return new Tensor[] {parts.get(0), parts.get(1)};
    }

    /** Joins a [B, T1, D] and b [B, T2, D] along time into [B, T1 + T2, D]. */
    public static Tensor concatTime(Backend be, Tensor a, Tensor b) {
        int n = a.dim(0);
        int d = a.dim(2);
        Tensor out = concat(be, a.reshape(n, a.dim(1) * d), b.reshape(n, b.dim(1) * d));
        return out.reshape(n, a.dim(1) + b.dim(1), d);
    }

    /** A new tensor equal to x (of x's type). */
    public static Tensor copyOf(Backend be, Tensor x) {
        Tensor out = be.empty(x.dtype(), x.shape());
        be.copy(x, out);
        return out;
    }

    /** Time step t of a time-major tensor x [T, B, D], as a view [B, D]. */
    public static Tensor step(Tensor x, int t) {
        return x.rows(t, t + 1).reshape(x.dim(1), x.dim(2));
    }

    /** x [B, T, D] as a new time-major tensor [T, B, D]. */
    public static Tensor timeMajor(Backend be, Tensor x) {
        Tensor out = empty(be, x.dim(1), x.dim(0), x.dim(2));
        be.transpose01(x, out);
        return out;
    }
}
