package dev.sim4j.model.testing;

import static org.junit.jupiter.api.Assertions.fail;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Central finite differences in double precision against analytic gradients. The loss is re-evaluated with one
 * entry moved by +-h (h = 1e-6); the check passes when |analytic - numeric| <= REL * max(|a|, |n|) + ABS.
 */
public final class GradCheck {
    public static final double H = 1e-6;
    public static final double REL = 1e-6;
    public static final double ABS = 1e-8;

    private final Backend be;
    private final DoubleSupplier loss;
    private final List<String> failures = new ArrayList<>();
    private double worst;
    private int checked;

    public GradCheck(Backend be, DoubleSupplier loss) {
        this.be = be;
        this.loss = loss;
    }

    /** Checks the listed flat entries of {@code value} against {@code grad} (copied now: call after the backward). */
    public GradCheck entries(String name, Tensor value, Tensor grad, int[] entries) {
        double[] g = be.toDoubles(grad);
        double[] v = be.toDoubles(value);
        for (int k : entries) {
            double orig = v[k];
            v[k] = orig + H;
            be.write(value, v);
            double plus = loss.getAsDouble();
            v[k] = orig - H;
            be.write(value, v);
            double minus = loss.getAsDouble();
            v[k] = orig;
            be.write(value, v);
            double numeric = (plus - minus) / (2 * H);
            double err = Math.abs(numeric - g[k]);
            double tol = REL * Math.max(Math.abs(numeric), Math.abs(g[k])) + ABS;
            worst = Math.max(worst, err / tol);
            checked++;
            if (!(err <= tol)) {
                failures.add(String.format(Locale.ROOT, "%s[%d]: analytic %.12g numeric %.12g", name, k, g[k], numeric));
            }
        }
        return this;
    }

    /** Every entry. */
    public GradCheck all(String name, Tensor value, Tensor grad) {
        int n = (int) value.size();
        int[] all = new int[n];
        for (int k = 0; k < n; k++) {
            all[k] = k;
        }
        return entries(name, value, grad, all);
    }

    /** Every entry when there are at most {@code max}, else {@code max} entries drawn from {@code rng}. */
    public GradCheck sampled(String name, Tensor value, Tensor grad, int max, SplittableRandom rng) {
        int n = (int) value.size();
        if (n <= max) {
            return all(name, value, grad);
        }
        int[] picks = new int[max];
        for (int k = 0; k < max; k++) {
            picks[k] = rng.nextInt(n);
        }
        return entries(name, value, grad, picks);
    }

    /** Fails with every mismatch; prints the number of entries checked and the worst error / tolerance ratio. */
    public void verify(String what) {
        System.out.printf(Locale.ROOT, "gradcheck %s: %d entries, worst error/tolerance %.3g%n", what, checked, worst);
        if (checked == 0) {
            fail(what + ": nothing checked");
        }
        if (!failures.isEmpty()) {
            fail(what + ": " + failures.size() + " of " + checked + " entries differ:\n  "
                    + String.join("\n  ", failures.subList(0, Math.min(20, failures.size()))));
        }
    }

    /** sum(out * r) on the host: the projection loss of layer tests (its gradient wrt out is r). */
    public static double project(Backend be, Tensor out, Tensor r) {
        double[] a = be.toDoubles(out);
        double[] b = be.toDoubles(r);
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }

    /** A tensor of uniform(-scale, scale) values. */
    public static Tensor random(Backend be, SplittableRandom rng, double scale, int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        double[] v = new double[(int) n];
        for (int k = 0; k < v.length; k++) {
            v[k] = rng.nextDouble(-scale, scale);
        }
        return be.upload(v, shape);
    }

    /** A new seed, printed so a failing run can be repeated. */
    public static long seed(String test, long fixed) {
        System.out.println(test + ": seed " + fixed);
        return fixed;
    }
}
