package dev.sim4j.engine.kernels;

/** Scalar formulas in double that more than one backend evaluates on the host side of a kernel. */
public final class ScalarMath {
    private ScalarMath() {
    }

    /** The logistic function, in the form that never overflows: exp of a non-positive number only. */
    public static double sigmoid(double v) {
        return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    /** Adam's bias-corrected step size lr * sqrt(1 - beta2^step) / (1 - beta1^step), in double. */
    public static double adamStepSize(double lr, double beta1, double beta2, long step) {
        if (step < 1) {
            throw new IllegalArgumentException("Adam steps count from 1, not " + step);
        }
        return lr * Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
    }
}
