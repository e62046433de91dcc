package dev.sim4j.train.metrics;

/** Label validation shared by the metric accumulators: CTR labels are exactly 0 or 1. */
final class Labels {
    private Labels() {
    }

    static boolean isPositive(float label, int index) {
        if (label == 1.0f) {
            return true;
        }
        if (label == 0.0f) {
            return false;
        }
        throw new IllegalArgumentException("label at index " + index + " is " + label + ", expected 0 or 1");
    }
}
