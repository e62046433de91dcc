package dev.sim4j.train.report;

import java.util.Locale;

/**
 * Axis ticks at "nice" values (1, 2 or 5 times a power of ten), covering a data range: Heckbert's labelling from
 * Graphics Gems. {@code lo} and {@code hi} are the axis ends, both on a tick.
 */
record Ticks(double lo, double hi, double step) {

    /** Ticks covering {@code [min, max]} with about {@code target} intervals; integer steps if {@code integers}. */
    static Ticks covering(double min, double max, int target, boolean integers) {
        if (!(max > min)) { // a single value or none: widen so the point sits mid-axis
            double pad = integers ? 1.0 : (min == 0.0 || !Double.isFinite(min) ? 1.0 : Math.abs(min) * 0.05);
            min = Double.isFinite(min) ? min - pad : 0.0;
            max = Double.isFinite(max) ? max + pad : 1.0;
        }
        double step = nice((max - min) / target);
        if (integers) {
            step = Math.max(1.0, Math.rint(step));
        }
        double lo = Math.floor(min / step + 1e-9) * step;
        double hi = Math.ceil(max / step - 1e-9) * step;
        return new Ticks(lo, hi, step);
    }

    /** Fixed ticks, e.g. [0, 1] in steps of 0.2 for rates. */
    static Ticks fixed(double lo, double hi, double step) {
        return new Ticks(lo, hi, step);
    }

    private static double nice(double raw) {
        double exponent = Math.floor(Math.log10(raw));
        double fraction = raw / Math.pow(10, exponent);
        double niceFraction = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        return niceFraction * Math.pow(10, exponent);
    }

    /** Number of ticks, both ends included. */
    int count() {
        return (int) Math.round((hi - lo) / step) + 1;
    }

    /** The {@code k}-th tick value. */
    double value(int k) {
        return lo + k * step;
    }

    /**
     * A tick label with as many decimals as the step needs; thousands and millions shortened to k / M so large
     * throughputs stay narrow.
     */
    String label(double value) {
        double scale = 1.0;
        String suffix = "";
        double magnitude = Math.max(Math.abs(lo), Math.abs(hi));
        if (magnitude >= 1e6) {
            scale = 1e6;
            suffix = "M";
        } else if (magnitude >= 1e4) {
            scale = 1e3;
            suffix = "k";
        }
        double scaledStep = step / scale;
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(scaledStep) - 1e-9));
        double v = value / scale;
        if (Math.abs(v) < scaledStep * 1e-6) {
            v = 0.0; // avoid "-0.0" from accumulated rounding
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v) + suffix;
    }
}
