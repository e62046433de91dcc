package dev.sim4j.train.optim;

import java.util.List;

/** Makes optimizers by their command-line name. */
public final class Optimizers {
    /** The names {@link #create} knows, the default first. */
    public static final List<String> NAMES = List.of("adam", "lazy_adam", "sgd");
    /** The spec's learning rate (section 6): 0.01, constant. */
    public static final double DEFAULT_LR = 0.01;

    private Optimizers() {
    }

    /** {@code adam} and {@code lazy_adam} with beta1 0.9, beta2 0.999, epsilon 1e-7; {@code sgd}. */
    public static Optimizer create(String name, double lr, double weightDecay) {
        return switch (name) {
            case "adam" -> new Adam(lr, weightDecay);
            case "lazy_adam" -> new LazyAdam(lr, weightDecay);
            case "sgd" -> new Sgd(lr, weightDecay);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "'; choose one of " + NAMES);
        };
    }
}
