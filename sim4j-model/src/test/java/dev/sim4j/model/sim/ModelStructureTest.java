package dev.sim4j.model.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.reference.ScalarBackend;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.params.ParameterSet;
import dev.sim4j.model.testing.GradCheck;
import dev.sim4j.model.testing.TestBatches;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names, shapes, counts and initial values of checkpoint-format.md; determinism of weights, logits and gradients. */
class ModelStructureTest {
    private final Backend be = new ScalarBackend(DType.F32);
    private static final int U = 10;
    private static final int I = 20;
    private static final int C = 5;

    private static Map<String, int[]> expectedShapes(ModelType type) {
        Map<String, int[]> m = new LinkedHashMap<>();
        m.put("embedding.user", new int[] {U + 1, 16});
        m.put("embedding.item", new int[] {I + 1, 16});
        m.put("embedding.category", new int[] {C + 1, 16});
        if (type == ModelType.SIM) {
            m.put("stage_one_mlp.dense_0.kernel", new int[] {80, 200});
            m.put("stage_one_mlp.dense_0.bias", new int[] {200});
            m.put("stage_one_mlp.prelu_0.alpha", new int[] {200});
            m.put("stage_one_mlp.output.kernel", new int[] {200, 1});
            m.put("stage_one_mlp.output.bias", new int[] {1});
        }
        int in = switch (type) {
            case SIM -> 208;
            case DIEN -> 144;
            case DIN -> 80;
        };
        m.put("stage_two_mlp.dense_0.kernel", new int[] {in, 200});
        m.put("stage_two_mlp.dense_0.bias", new int[] {200});
        m.put("stage_two_mlp.prelu_0.alpha", new int[] {200});
        m.put("stage_two_mlp.dense_1.kernel", new int[] {200, 80});
        m.put("stage_two_mlp.dense_1.bias", new int[] {80});
        m.put("stage_two_mlp.prelu_1.alpha", new int[] {80});
        m.put("stage_two_mlp.output.kernel", new int[] {80, 1});
        m.put("stage_two_mlp.output.bias", new int[] {1});
        if (type != ModelType.DIN) {
            m.put("aux_mlp.dense_0.kernel", new int[] {128, 100});
            m.put("aux_mlp.dense_0.bias", new int[] {100});
            m.put("aux_mlp.dense_1.kernel", new int[] {100, 50});
            m.put("aux_mlp.dense_1.bias", new int[] {50});
            m.put("aux_mlp.output.kernel", new int[] {50, 1});
            m.put("aux_mlp.output.bias", new int[] {1});
            m.put("dien.gru.kernel", new int[] {32, 288});
            m.put("dien.gru.recurrent_kernel", new int[] {96, 288});
            m.put("dien.gru.bias", new int[] {2, 288});
            m.put("dien.attention.query.kernel", new int[] {32, 96});
            m.put("dien.attention.query.bias", new int[] {96});
            m.put("dien.attention.query.prelu.alpha", new int[] {96});
            m.put("dien.attention.dense_0.kernel", new int[] {384, 80});
            m.put("dien.attention.dense_0.bias", new int[] {80});
            m.put("dien.attention.dense_1.kernel", new int[] {80, 40});
            m.put("dien.attention.dense_1.bias", new int[] {40});
            m.put("dien.attention.output.kernel", new int[] {40, 1});
            m.put("dien.attention.output.bias", new int[] {1});
            m.put("dien.augru.gates.kernel", new int[] {192, 192});
            m.put("dien.augru.gates.bias", new int[] {192});
            m.put("dien.augru.candidate.kernel", new int[] {192, 96});
            m.put("dien.augru.candidate.bias", new int[] {96});
        }
        return m;
    }

    private void namesShapesAndCount(ModelType type, long dense) {
        ParameterSet ps = Models.create(ModelConfig.defaults(type, U, I, C), be, 1).parameters();
        Map<String, int[]> expected = expectedShapes(type);
        assertEquals(expected.size(), ps.all().size(), type + ": parameter count " + ps.all().stream().map(Parameter::name).toList());
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), ps.get(e.getKey()).shape(), type + " " + e.getKey());
        }
        assertEquals(dense, ps.denseCount(), type + " dense parameters");
    }

    @Test
    void simNamesShapesAndDenseCount() {
        namesShapesAndCount(ModelType.SIM, 223_212);
    }

    @Test
    void dienNamesShapesAndDenseCount() {
        namesShapesAndCount(ModelType.DIEN, 193_811);
    }

    @Test
    void dinNamesShapesAndDenseCount() {
        namesShapesAndCount(ModelType.DIN, 32_641);
    }

    private static void allEqual(Backend be, Parameter p, double v) {
        for (double x : be.toDoubles(p.value())) {
            assertEquals(v, x, 0, p.name());
        }
    }

    @Test
    void initialValues() {
        ParameterSet ps = Models.create(ModelConfig.defaults(ModelType.SIM, U, I, C), be, 7).parameters();
        allEqual(be, ps.get("dien.augru.gates.bias"), 1.0);
        allEqual(be, ps.get("dien.augru.candidate.bias"), 0.0);
        allEqual(be, ps.get("dien.gru.bias"), 0.0);
        allEqual(be, ps.get("stage_two_mlp.dense_1.bias"), 0.0);
        allEqual(be, ps.get("stage_two_mlp.prelu_1.alpha"), (float) 0.1);
        allEqual(be, ps.get("dien.attention.query.prelu.alpha"), (float) 0.1);
        double limit = Math.sqrt(1.0 / (I + 1));
        for (double v : be.toDoubles(ps.get("embedding.item").value())) {
            assertFalse(Math.abs(v) > limit + 1e-7);
        }
        double glorot = Math.sqrt(6.0 / (384 + 80));
        for (double v : be.toDoubles(ps.get("dien.attention.dense_0.kernel").value())) {
            assertFalse(Math.abs(v) > glorot + 1e-7);
        }
    }

    @Test
    void sameSeedSameWeightsLogitsAndGradients() {
        Backend f64 = new ScalarBackend(DType.F64);
        for (ModelType type : ModelType.values()) {
            long seed = GradCheck.seed("determinism " + type, 4242);
            ModelConfig c = ModelGradientTest.small(type, 3);
            CtrModel a = Models.create(c, f64, seed);
            CtrModel b = Models.create(c, f64, seed);
            ModelInput in = TestBatches.create(f64, c, seed, 100, 55, 3, 12);
            ModelOutput oa = a.forward(in);
            a.backward();
            ModelOutput ob = b.forward(in);
            b.backward();
            assertArrayEquals(f64.toDoubles(oa.logit()), f64.toDoubles(ob.logit()), 0);
            assertEquals(oa.totalLoss(), ob.totalLoss(), 0);
            if (type == ModelType.SIM) {
                assertNotNull(oa.stageOneLogit());
            } else {
                assertNull(oa.stageOneLogit());
            }
            for (Parameter pa : a.parameters().all()) {
                Parameter pb = b.parameters().get(pa.name());
                assertArrayEquals(f64.toDoubles(pa.value()), f64.toDoubles(pb.value()), 0, pa.name());
                assertArrayEquals(f64.toDoubles(pa.grad()), f64.toDoubles(pb.grad()), 0, pa.name() + " grad");
            }
            // predict gives the training logit when dropout is off
            assertArrayEquals(f64.toDoubles(oa.logit()), f64.toDoubles(a.predict(in)), 0);
        }
    }

    @Test
    void sharedNamesGetTheSameValuesAcrossModels() {
        CtrModel sim = Models.create(ModelConfig.defaults(ModelType.SIM, U, I, C), be, 9);
        CtrModel dien = Models.create(ModelConfig.defaults(ModelType.DIEN, U, I, C), be, 9);
        for (String name : new String[] {"embedding.item", "dien.gru.recurrent_kernel", "dien.augru.gates.kernel",
                "stage_two_mlp.dense_1.kernel", "aux_mlp.dense_0.kernel"}) {
            assertArrayEquals(be.toFloats(sim.parameters().get(name).value()),
                    be.toFloats(dien.parameters().get(name).value()), 0, name);
        }
        CtrModel other = Models.create(ModelConfig.defaults(ModelType.SIM, U, I, C), be, 10);
        assertFalse(Arrays.equals(be.toFloats(sim.parameters().get("embedding.item").value()),
                be.toFloats(other.parameters().get("embedding.item").value())));
    }

    @Test
    void defaultSizedForwardAndBackwardRunInFloat32() {
        ModelConfig c = ModelConfig.defaults(ModelType.SIM, U, I, C);
        CtrModel m = Models.create(c, be, 3);
        ModelOutput o = m.forward(TestBatches.create(be, c, 3, 100, 30, 1));
        m.backward();
        System.out.printf("default SIM, F32, B=3: total loss %.6f%n", o.totalLoss());
        assertFalse(Double.isNaN(o.totalLoss()));
    }
}
