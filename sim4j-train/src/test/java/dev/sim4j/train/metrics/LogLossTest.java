package dev.sim4j.train.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LogLossTest {

    @Test
    void coinFlipCostsLnTwo() {
        LogLoss fromProbabilities = new LogLoss();
        fromProbabilities.addProbabilities(new float[] {0.5f, 0.5f}, new float[] {0, 1});
        assertThat(fromProbabilities.compute()).isCloseTo(Math.log(2), within(1e-12));
        LogLoss fromLogits = new LogLoss();
        fromLogits.addLogits(new float[] {0f, 0f}, new float[] {0, 1});
        assertThat(fromLogits.compute()).isCloseTo(Math.log(2), within(1e-12));
    }

    @Test
    void handComputedMean() {
        LogLoss loss = new LogLoss();
        loss.addProbabilities(new float[] {0.8f, 0.25f}, new float[] {1, 0});
        loss.addProbabilities(new float[] {0.1f}, new float[] {1});
        double expected = (-Math.log(0.8f) - Math.log(1 - 0.25f) - Math.log(0.1f)) / 3;
        assertThat(loss.compute()).isCloseTo(expected, within(1e-9));
        assertThat(loss.count()).isEqualTo(3);
    }

    @Test
    void logitsAndProbabilitiesAgreeAndLogitsStayFiniteWhenSaturated() {
        float[] logits = {-3f, -0.2f, 1.7f, 4f};
        float[] labels = {0, 1, 1, 0};
        float[] probs = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            probs[i] = (float) (1 / (1 + Math.exp(-logits[i])));
        }
        LogLoss a = new LogLoss();
        a.addLogits(logits, labels);
        LogLoss b = new LogLoss();
        b.addProbabilities(probs, labels);
        assertThat(a.compute()).isCloseTo(b.compute(), within(1e-6));

        LogLoss saturated = new LogLoss();
        saturated.addLogits(new float[] {-200f}, new float[] {1});
        assertThat(saturated.compute()).isCloseTo(200.0, within(1e-9));
    }

    @Test
    void probabilitiesAreClippedLikeKeras() {
        LogLoss loss = new LogLoss();
        loss.addProbabilities(new float[] {0f}, new float[] {1});
        assertThat(loss.compute()).isCloseTo(-Math.log(1e-7), within(1e-9));
        assertThat(new LogLoss().compute()).isNaN();
    }

    @Test
    void evaluatorSummarises() {
        Evaluator evaluator = new Evaluator();
        float[] logits = {-2f, -1f, 0.5f, 2f, 0.1f};
        float[] probs = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            probs[i] = (float) (1 / (1 + Math.exp(-logits[i])));
        }
        evaluator.add(logits, probs, new float[] {0, 0, 1, 1, 0});
        Metrics m = evaluator.metrics();
        assertThat(m.count()).isEqualTo(5);
        assertThat(m.positives()).isEqualTo(2);
        assertThat(m.exactAuc()).isEqualTo(1.0);
        assertThat(m.auc()).isEqualTo(1.0);
        assertThat(m.positiveRate()).isEqualTo(0.4);
        assertThat(evaluator.roc().size()).isEqualTo(8000);
    }
}
