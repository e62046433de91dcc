package dev.sim4j.train.metrics;

import java.util.Arrays;

/**
 * Points of a ROC curve, ordered by increasing threshold, so the false and true positive rates do not increase along
 * the arrays. {@code fpr} and {@code tpr} are [M].
 */
public record RocCurve(double[] fpr, double[] tpr) {
    public RocCurve {
        if (fpr.length != tpr.length) {
            throw new IllegalArgumentException("fpr and tpr differ in length: " + fpr.length + " vs " + tpr.length);
        }
        fpr = fpr.clone();
        tpr = tpr.clone();
    }

    @Override
    public double[] fpr() {
        return fpr.clone();
    }

    @Override
    public double[] tpr() {
        return tpr.clone();
    }

    /** Number of points. */
    public int size() {
        return fpr.length;
    }

    /** Trapezoid area in TF's order: {@code sum_i (fpr[i] - fpr[i+1]) * (tpr[i] + tpr[i+1]) / 2}. */
    public double area() {
        double area = 0.0;
        for (int i = 0; i + 1 < fpr.length; i++) {
            area += (fpr[i] - fpr[i + 1]) * ((tpr[i] + tpr[i + 1]) / 2.0);
        }
        return area;
    }

    /**
     * At most {@code maxPoints} points for plotting: repeated points dropped, then points kept at roughly equal
     * distances along the curve, always keeping both ends. Arc-length spacing keeps the bend of the curve, where
     * equal index spacing would spend most points on the flat tail near (0, 0).
     */
    public RocCurve downsample(int maxPoints) {
        if (maxPoints < 2) {
            throw new IllegalArgumentException("maxPoints must be >= 2, got " + maxPoints);
        }
        int n = fpr.length;
        if (n <= maxPoints) {
            return this;
        }
        double length = 0.0;
        for (int i = 1; i < n; i++) {
            length += Math.hypot(fpr[i] - fpr[i - 1], tpr[i] - tpr[i - 1]);
        }
        double step = length / (maxPoints - 2);
        double[] x = new double[maxPoints];
        double[] y = new double[maxPoints];
        int kept = 0;
        x[kept] = fpr[0];
        y[kept++] = tpr[0];
        double sinceKept = 0.0;
        for (int i = 1; i < n - 1 && kept < maxPoints - 1; i++) {
            sinceKept += Math.hypot(fpr[i] - fpr[i - 1], tpr[i] - tpr[i - 1]);
            if (sinceKept >= step) {
                x[kept] = fpr[i];
                y[kept++] = tpr[i];
                sinceKept = 0.0;
            }
        }
        x[kept] = fpr[n - 1];
        y[kept++] = tpr[n - 1];
        return new RocCurve(Arrays.copyOf(x, kept), Arrays.copyOf(y, kept));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RocCurve other && Arrays.equals(fpr, other.fpr) && Arrays.equals(tpr, other.tpr);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(fpr) + Arrays.hashCode(tpr);
    }

    @Override
    public String toString() {
        return "RocCurve[" + fpr.length + " points, area=" + area() + "]";
    }
}
