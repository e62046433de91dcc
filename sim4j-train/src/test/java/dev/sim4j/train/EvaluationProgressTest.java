package dev.sim4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.train.metrics.Evaluator;
import dev.sim4j.train.metrics.Metrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The progress an evaluation pass reports (what the terminal's evaluation bar shows). */
class EvaluationProgressTest {
    @Test
    void theListenerHearsTheRowsScoredAfterEveryBatchAndTheMetricsStayTheSame(@TempDir Path tmp) {
        Dataset ds = Dataset.open(BatchTensorsTest.dataset(tmp.resolve("ds"), 230, 100));
        List<Long> calls = new ArrayList<>();
        try (CpuBackend be = new CpuBackend(1)) {
            CtrModel model = Models.create(ModelConfig.defaults(ModelType.DIN, 50, 300, 7), be, 3);
            Metrics heard = ModelEvaluation.evaluate(model, ds, "test", 64, new Evaluator(), calls::add).metrics();
            Metrics plain = ModelEvaluation.evaluate(model, ds, "test", 64, new Evaluator()).metrics();
            assertThat(calls).containsExactly(64L, 128L, 192L, 230L);
            assertThat(heard).isEqualTo(plain);
            assertThat(ModelEvaluation.evaluate(model, ds, "test", 64, new Evaluator(), null).metrics())
                    .isEqualTo(plain);
        }
    }

    @Test
    void withoutATerminalTheBarDrawsNothingAndCountsNothing() {
        // No dataset at all: counting its rows would fail, so nothing is counted.
        Dataset missing = null;
        try (EvaluationProgress p = EvaluationProgress.start(true, missing, "test")) {
            assertThat(p.visible()).isFalse();
            p.rowsScored(64);
        }
        try (EvaluationProgress p = EvaluationProgress.start(false, missing, "test")) {
            assertThat(p.visible()).isFalse();
        }
    }

    @Test
    void theBarsMessageShowsTheScoringRate() {
        assertThat(EvaluationProgress.message(81234.4)).isEqualTo("81,234 rows/s");
    }
}
