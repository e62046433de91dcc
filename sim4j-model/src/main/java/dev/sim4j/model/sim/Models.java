package dev.sim4j.model.sim;

import dev.sim4j.engine.Backend;

/** Builds the model a {@link ModelConfig} names. */
public final class Models {
    private Models() {
    }

    /** A new model of {@code config.type()} on {@code backend}, its weights drawn from {@code seed}. */
    public static CtrModel create(ModelConfig config, Backend backend, long seed) {
        return switch (config.type()) {
            case SIM -> new SimModel(config, backend, seed);
            case DIEN -> new DienModel(config, backend, seed);
            case DIN -> new DinModel(config, backend, seed);
        };
    }
}
