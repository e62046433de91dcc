package dev.sim4j.train.optim;

import dev.sim4j.engine.Tensor;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.params.ParameterSet;
import java.util.Map;

/** Plain SGD with decoupled weight decay (param -= lr * weightDecay * param, then param -= lr * grad); no state. */
public final class Sgd implements Optimizer {
    private final double lr;
    private final double weightDecay;
    private long steps;

    public Sgd(double lr, double weightDecay) {
        if (!(lr > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("SGD needs lr > 0 and weightDecay >= 0; got lr " + lr
                    + ", weightDecay " + weightDecay);
        }
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    @Override
    public String name() {
        return "sgd";
    }

    /** The host's step count advances with every call, a skipped one too (plain SGD has no step-dependent math). */
    @Override
    public void step(ParameterSet params, Tensor apply) {
        for (Parameter p : params.all()) {
            p.value().backend().sgdUpdate(p.value(), p.grad(), lr, weightDecay, apply);
        }
        steps++;
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public Map<String, Tensor> state(ParameterSet params) {
        return Map.of();
    }

    @Override
    public void restoreSteps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, not " + steps);
        }
        this.steps = steps;
    }
}
