package dev.sim4j.engine.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import org.junit.jupiter.api.Test;

/** The oracle itself, on values computed by hand. */
class ScalarBackendTest {
    final Backend be = new ScalarBackend(DType.F64);

    @Test
    void matmulTwoByThreeByTwo() {
        Tensor a = be.upload(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = be.upload(new double[] {7, 8, 9, 10, 11, 12}, 3, 2);
        Tensor c = be.upload(new double[] {1, 1, 1, 1}, 2, 2);
        be.matmul(a, false, b, false, c, 0);
        assertThat(be.toDoubles(c)).containsExactly(58, 64, 139, 154);
        be.matmul(a, false, b, false, c, 1);
        assertThat(be.toDoubles(c)).containsExactly(116, 128, 278, 308);
        // A^T with A stored [3, 2] (the transpose of [[1,2,3],[4,5,6]]).
        Tensor at = be.upload(new double[] {1, 4, 2, 5, 3, 6}, 3, 2);
        be.matmul(at, true, b, false, c, 0);
        assertThat(be.toDoubles(c)).containsExactly(58, 64, 139, 154);
    }

    @Test
    void maskedSoftmaxByHand() {
        Tensor s = be.upload(new double[] {1, 2, 3, 5, 6, 7}, 2, 3);
        Tensor m = be.upload(new double[] {1, 0, 1, 0, 0, 0}, 2, 3);
        Tensor p = be.zeros(DType.F64, 2, 3);
        be.maskedSoftmax(s, m, p);
        double e2 = Math.exp(2);
        assertThat(be.toDoubles(p)).containsExactly(new double[] {1 / (1 + e2), 0, e2 / (1 + e2), 1 / 3.0, 1 / 3.0,
                1 / 3.0}, within(1e-15));
    }

    @Test
    void gruCellOneStepByHand() {
        // H = 1: z = sigmoid(0) = 0.5, r = sigmoid(0) = 0.5, n = tanh(0.5 + 0.5 * 1) = tanh(1), h = z 2 + (1 - z) n.
        Tensor gx = be.upload(new double[] {0, 0, 0.5}, 1, 3);
        Tensor gh = be.upload(new double[] {0, 0, 1}, 1, 3);
        Tensor hPrev = be.upload(new double[] {2}, 1, 1);
        Tensor h = be.zeros(DType.F64, 1, 1);
        Tensor cache = be.zeros(DType.F64, 1, 3);
        be.gruCell(gx, gh, hPrev, h, cache);
        assertThat(be.toDoubles(h)[0]).isCloseTo(1 + 0.5 * 0.7615941559557649, within(1e-15));
        assertThat(be.toDoubles(cache)).containsExactly(new double[] {0.5, 0.5, 0.7615941559557649}, within(1e-15));
    }

    @Test
    void lossesByHand() {
        Tensor logit = be.upload(new double[] {0}, 1);
        Tensor label = be.upload(new double[] {1}, 1);
        Tensor g = be.zeros(DType.F64, 1);
        Tensor loss = be.zeros(DType.F64, 1);
        be.binaryCrossEntropy(logit, label, g, 1, loss, 1, false);
        assertThat(be.toDoubles(loss)[0]).isCloseTo(Math.log(2), within(1e-15));
        assertThat(be.toDoubles(g)[0]).isCloseTo(-0.5, within(1e-15));

        // Two entries at logit 0, the second masked out but still counted in the mean.
        Tensor click = be.upload(new double[] {0, 0}, 2);
        Tensor noClick = be.upload(new double[] {0, 0}, 2);
        Tensor mask = be.upload(new double[] {1, 0}, 2);
        Tensor dc = be.zeros(DType.F64, 2);
        Tensor dn = be.zeros(DType.F64, 2);
        be.auxiliaryLoss(click, noClick, mask, dc, dn, 1, loss, 1, false);
        assertThat(be.toDoubles(loss)[0]).isCloseTo((-Math.log(0.5 + 1e-6) - Math.log(0.5 - 1e-6)) / 2, within(1e-15));
        assertThat(be.toDoubles(dc)).containsExactly(new double[] {-0.25 / (0.5 + 1e-6) / 2, 0}, within(1e-15));
        assertThat(be.toDoubles(dn)).containsExactly(new double[] {0.25 / (0.5 - 1e-6) / 2, 0}, within(1e-15));
    }
}
