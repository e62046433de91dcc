package dev.sim4j.model.init;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.params.ParameterSet;

/**
 * Creates a model's parameters on its backend and registers them, in creation order, in one {@link ParameterSet}.
 * Each parameter's initial values come from its own stream {@link Seeds#stream(long, String)} of (model seed, name),
 * so the same seed always gives the same weights and a new parameter leaves the others unchanged.
 */
public final class ParameterFactory {
    private final Backend backend;
    private final long seed;
    private final ParameterSet parameters = new ParameterSet();

    public ParameterFactory(Backend backend, long seed) {
        this.backend = backend;
        this.seed = seed;
    }

    public Backend backend() {
        return backend;
    }

    public long seed() {
        return seed;
    }

    /** Everything created so far. */
    public ParameterSet parameters() {
        return parameters;
    }

    /** A new parameter {@code name} of {@code shape}, initialised by {@code init}, with a zero gradient. */
    public Parameter create(String name, Initializer init, int... shape) {
        double[] values = init.values(shape, Seeds.stream(seed, name));
        Tensor value = backend.upload(values, shape);
        Tensor grad = backend.zeros(backend.floatType(), shape);
        Parameter p = new Parameter(name, value, grad);
        parameters.add(p);
        return p;
    }
}
