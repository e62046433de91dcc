package dev.sim4j.train.optim;

import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.params.ParameterSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * TF2 Keras Adam (spec section 6): every parameter, embedding tables included, gets the dense update of
 * {@link dev.sim4j.engine.Backend#adamUpdate} every step, so every embedding row's moments decay every step even when
 * the batch did not touch it. Weight decay is decoupled (AdamW style: param -= lr * weightDecay * param before the
 * Adam step); 0 turns it off. Moments are allocated as zeros on each parameter's backend on first use.
 */
public class Adam implements Optimizer {
    public static final double BETA1 = 0.9;
    public static final double BETA2 = 0.999;
    public static final double EPSILON = 1e-7;

    protected final double lr;
    protected final double beta1;
    protected final double beta2;
    protected final double epsilon;
    protected final double weightDecay;
    private final Map<String, Moments> moments = new LinkedHashMap<>();
    /**
     * The number of the last update, I32 [1] on the parameters' backend: the kernels read it and {@link #step}
     * advances it on the device, so no step waits for the host; allocated with the moments (outside any step).
     */
    private Tensor step;
    /** The count to start from before the step tensor exists ({@link #restoreSteps} before the first state). */
    private long initialSteps;

    /** Adam with the spec's defaults: beta1 0.9, beta2 0.999, epsilon 1e-7. */
    public Adam(double lr, double weightDecay) {
        this(lr, BETA1, BETA2, EPSILON, weightDecay);
    }

    public Adam(double lr, double beta1, double beta2, double epsilon, double weightDecay) {
        if (!(lr > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon >= 0)
                || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("Adam needs lr > 0, beta1 and beta2 in [0, 1), epsilon >= 0 and "
                    + "weightDecay >= 0; got lr " + lr + ", beta1 " + beta1 + ", beta2 " + beta2 + ", epsilon "
                    + epsilon + ", weightDecay " + weightDecay);
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    /** The first and second moments of one parameter, shaped like it. */
    protected record Moments(Tensor m, Tensor v) {
    }

    @Override
    public String name() {
        return "adam";
    }

    /** The step count and the moments live on the device. */
    @Override
    public boolean replayable() {
        return true;
    }

    @Override
    public void step(ParameterSet params, Tensor apply) {
        Tensor t = stepCounter(params);
        t.backend().increment(t, apply);
        for (Parameter p : params.all()) {
            update(p, moments(p), t, apply);
        }
    }

    /**
     * Applies the step numbered by {@code t} (I32 [1], 1-based, already advanced) to one parameter, when
     * {@code apply} (I32 [1] or null) allows it.
     */
    protected void update(Parameter p, Moments mv, Tensor t, Tensor apply) {
        p.value().backend().adamUpdate(p.value(), p.grad(), mv.m(), mv.v(), lr, beta1, beta2, epsilon, weightDecay, t,
                apply);
    }

    private Tensor stepCounter(ParameterSet params) {
        if (step == null) {
            var backend = params.all().getFirst().value().backend();
            step = backend.zeros(DType.I32, 1);
            if (initialSteps != 0) {
                backend.write(step, new int[] {Math.toIntExact(initialSteps)});
            }
        }
        return step;
    }

    private Moments moments(Parameter p) {
        return moments.computeIfAbsent(p.name(), name -> {
            Tensor value = p.value();
            return new Moments(value.backend().zeros(value.dtype(), value.shape()),
                    value.backend().zeros(value.dtype(), value.shape()));
        });
    }

    /** Steps taken so far: a read of the device counter, for checkpoints (never inside a step). */
    @Override
    public long steps() {
        return step == null ? initialSteps : step.backend().toInts(step)[0];
    }

    /** {@code <param>.m} and {@code <param>.v} for every parameter, in the parameters' order. */
    @Override
    public Map<String, Tensor> state(ParameterSet params) {
        stepCounter(params);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : params.all()) {
            Moments mv = moments(p);
            out.put(p.name() + ".m", mv.m());
            out.put(p.name() + ".v", mv.v());
        }
        return out;
    }

    @Override
    public void restoreSteps(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, not " + steps);
        }
        if (step == null) {
            initialSteps = steps;
        } else {
            step.backend().write(step, new int[] {Math.toIntExact(steps)});
        }
    }
}
