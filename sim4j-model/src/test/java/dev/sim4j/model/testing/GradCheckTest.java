package dev.sim4j.model.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.reference.ScalarBackend;
import org.junit.jupiter.api.Test;

/** The checker itself: it passes a right gradient and catches a gradient off by 0.01 %. */
class GradCheckTest {
    @Test
    void catchesASlightlyWrongGradient() {
        Backend be = new ScalarBackend(DType.F64);
        Tensor x = be.upload(new double[] {0.3, -1.2, 2.0}, 3);
        // loss = sum x^3, gradient 3 x^2
        java.util.function.DoubleSupplier loss = () -> {
            double s = 0;
            for (double v : be.toDoubles(x)) {
                s += v * v * v;
            }
            return s;
        };
        Tensor right = be.upload(new double[] {0.27, 4.32, 12.0}, 3);
        new GradCheck(be, loss).all("x", x, right).verify("right gradient");
        Tensor wrong = be.upload(new double[] {0.27, 4.32, 12.0012}, 3);
        assertThrows(AssertionError.class, () -> new GradCheck(be, loss).all("x", x, wrong).verify("wrong gradient"));
    }
}
