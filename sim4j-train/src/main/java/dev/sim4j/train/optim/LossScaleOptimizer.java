package dev.sim4j.train.optim;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.params.ParameterSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dynamic loss scaling around another optimizer, as Keras' {@code LossScaleOptimizer} does for the reference's float16
 * mixed precision: the losses multiply their gradients by the current scale (so that small activation gradients do
 * not vanish below float16's range; {@link #scale}), each step divides every parameter gradient by it again and
 * checks them, and a step with an infinite or NaN gradient is skipped whole (no parameter, moment or step count
 * changes) and halves the scale; {@link #GROWTH_STEPS} finite steps in a row double it. Everything happens on the
 * device, so a recorded step replays it. The scale and its count of finite steps are saved with the optimizer's
 * state ({@code loss_scale.scale}, {@code loss_scale.good_steps}), so a resumed run continues bit for bit.
 */
public final class LossScaleOptimizer implements Optimizer {
    /** Keras' initial dynamic loss scale, 2^15. */
    public static final float INITIAL_SCALE = 32768f;
    /** Keras' {@code dynamic_growth_steps}: finite steps in a row before the scale doubles. */
    public static final int GROWTH_STEPS = 2000;

    private final Optimizer inner;
    private final float initialScale;
    private final int growthSteps;
    private Tensor scale;
    private Tensor goodSteps;
    /** I32 [1]: 1 until a gradient of the current step is found non-finite; set back to 1 after each step. */
    private Tensor finite;

    /** Keras' defaults: scale 2^15 at first, doubled after 2,000 finite steps. */
    public LossScaleOptimizer(Optimizer inner) {
        this(inner, INITIAL_SCALE, GROWTH_STEPS);
    }

    public LossScaleOptimizer(Optimizer inner, float initialScale, int growthSteps) {
        if (inner instanceof LossScaleOptimizer) {
            throw new IllegalArgumentException("the optimizer already scales its loss");
        }
        if (!(initialScale >= 1) || Float.isInfinite(initialScale) || growthSteps < 1) {
            throw new IllegalArgumentException("a loss scale needs an initial scale >= 1 and finite, and growth steps "
                    + ">= 1; got " + initialScale + " and " + growthSteps);
        }
        this.inner = inner;
        this.initialScale = initialScale;
        this.growthSteps = growthSteps;
    }

    /**
     * {@code optimizer} wrapped in dynamic loss scaling when {@code backend} keeps its activations in float16 (the
     * one type whose range needs it), else {@code optimizer} itself.
     */
    public static Optimizer whereNeeded(Optimizer optimizer, Backend backend) {
        if (backend.activationType() == DType.F16 && !(optimizer instanceof LossScaleOptimizer)) {
            return new LossScaleOptimizer(optimizer);
        }
        return optimizer;
    }

    /** The optimizer whose updates are scaled. */
    public Optimizer inner() {
        return inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public boolean replayable() {
        return inner.replayable();
    }

    /** The current loss scale, F32 [1] on the parameters' backend (allocated on first use, outside any step). */
    public Tensor scale(ParameterSet params) {
        allocate(params);
        return scale;
    }

    @Override
    public void step(ParameterSet params, Tensor apply) {
        if (apply != null) {
            throw new IllegalArgumentException("a loss-scaled step decides itself whether it applies");
        }
        allocate(params);
        for (Parameter p : params.all()) {
            p.grad().backend().unscaleGradients(p.grad(), scale, finite);
        }
        inner.step(params, finite);
        scale.backend().updateLossScale(scale, goodSteps, finite, growthSteps);
    }

    @Override
    public long steps() {
        return inner.steps();
    }

    /** The inner optimizer's state, then {@code loss_scale.scale} and {@code loss_scale.good_steps} (F32 [1] each). */
    @Override
    public Map<String, Tensor> state(ParameterSet params) {
        allocate(params);
        Map<String, Tensor> out = new LinkedHashMap<>(inner.state(params));
        out.put("loss_scale.scale", scale);
        out.put("loss_scale.good_steps", goodSteps);
        return out;
    }

    @Override
    public void restoreSteps(long steps) {
        inner.restoreSteps(steps);
    }

    private void allocate(ParameterSet params) {
        if (scale != null) {
            return;
        }
        Backend be = params.all().getFirst().value().backend();
        scale = be.zeros(DType.F32, 1);
        be.write(scale, new float[] {initialScale});
        goodSteps = be.zeros(DType.F32, 1);
        finite = be.zeros(DType.I32, 1);
        be.write(finite, new int[] {1});
    }
}
