package dev.sim4j.model.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.reference.ScalarBackend;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InitializerTest {
    @Test
    void orthogonalHasOrthonormalRowsForAWideMatrix() {
        long seed = 5;
        System.out.println("orthogonal: seed " + seed);
        int h = 12;
        double[] u = Initializer.orthogonal().values(new int[] {h, 3 * h}, Seeds.stream(seed, "u"));
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < h; j++) {
                double dot = 0;
                for (int k = 0; k < 3 * h; k++) {
                    dot += u[i * 3 * h + k] * u[j * 3 * h + k];
                }
                assertEquals(i == j ? 1 : 0, dot, 1e-12, "U U^T at " + i + "," + j);
            }
        }
    }

    @Test
    void orthogonalHasOrthonormalColumnsForATallMatrix() {
        System.out.println("orthogonal tall: seed 6");
        double[] q = Initializer.orthogonal().values(new int[] {7, 3}, new SplittableRandom(6));
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double dot = 0;
                for (int k = 0; k < 7; k++) {
                    dot += q[k * 3 + i] * q[k * 3 + j];
                }
                assertEquals(i == j ? 1 : 0, dot, 1e-12);
            }
        }
    }

    @Test
    void rangesOfUniformInitialisers() {
        System.out.println("uniform ranges: seeds 7, 8");
        double[] emb = Initializer.embeddingUniform().values(new int[] {25, 4}, new SplittableRandom(7));
        double limit = Math.sqrt(1.0 / 25);
        double max = 0;
        for (double v : emb) {
            assertTrue(Math.abs(v) <= limit);
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.8 * limit);
        double[] k = Initializer.glorotUniform().values(new int[] {30, 10}, new SplittableRandom(8));
        double g = Math.sqrt(6.0 / 40);
        for (double v : k) {
            assertTrue(Math.abs(v) <= g);
        }
    }

    @Test
    void eachParameterHasItsOwnStream() {
        assertEquals(Seeds.derive(1, "a"), Seeds.derive(1, "a"));
        assertNotEquals(Seeds.derive(1, "a"), Seeds.derive(1, "b"));
        assertNotEquals(Seeds.derive(1, "a"), Seeds.derive(2, "a"));
        Backend be = new ScalarBackend(DType.F64);
        ParameterFactory f1 = new ParameterFactory(be, 3);
        f1.create("x", Initializer.uniform(1), 5);
        ParameterFactory f2 = new ParameterFactory(be, 3);
        f2.create("other", Initializer.uniform(1), 50);
        f2.create("x", Initializer.uniform(1), 5);
        assertArrayEquals(be.toDoubles(f1.parameters().get("x").value()), be.toDoubles(f2.parameters().get("x").value()));
    }
}
