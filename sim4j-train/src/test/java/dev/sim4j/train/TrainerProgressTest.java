package dev.sim4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.train.optim.Optimizers;
import dev.sim4j.train.report.MetricsLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-step progress a training epoch reports (what the terminal progress bar shows). */
class TrainerProgressTest {
    record Call(long steps, long samples, double meanLoss, double samplesPerSecond) {
    }

    @Test
    void theListenerHearsOfEveryStepInOrderWithItsSamplesAndRunningMeanLoss(@TempDir Path tmp) throws Exception {
        // 230 rows in batches of 32: 7 full steps, the last 6 rows dropped.
        Dataset ds = Dataset.open(BatchTensorsTest.dataset(tmp.resolve("ds"), 230, 100));
        List<Call> calls = new ArrayList<>();
        List<Double> batchLosses = new ArrayList<>();
        try (CpuBackend be = new CpuBackend(1)) {
            CtrModel model = Models.create(ModelConfig.defaults(ModelType.DIN, 50, 300, 7), be, 3);
            Trainer trainer = new Trainer(model, Optimizers.create("adam", 0.01, 0));
            Trainer.EpochResult r;
            try (MetricsLog log = MetricsLog.create(tmp.resolve("metrics.jsonl"))) {
                r = trainer.trainEpoch(ds, "train", 32, 1, 0, log, 1,
                        (steps, samples, meanLoss, sps) -> calls.add(new Call(steps, samples, meanLoss, sps)));
            }
            assertThat(r.steps()).isEqualTo(7);
            assertThat(calls).hasSize(7);
            for (int i = 0; i < calls.size(); i++) {
                Call c = calls.get(i);
                assertThat(c.steps()).as("call %d", i).isEqualTo(i + 1);
                assertThat(c.samples()).as("call %d", i).isEqualTo(32L * (i + 1));
                assertThat(c.samplesPerSecond()).as("call %d", i).isPositive().isFinite();
                assertThat(c.meanLoss()).as("call %d", i).isPositive().isFinite();
            }
            Call last = calls.getLast();
            assertThat(last.samples()).isEqualTo(r.samples());
            assertThat(last.meanLoss()).isEqualTo(r.meanTotalLoss());

            // The running mean is the mean of the batch losses so far: check it against the step records.
            for (String line : Files.readAllLines(tmp.resolve("metrics.jsonl"))) {
                if (line.contains("\"type\":\"step\"")) {
                    batchLosses.add(new ObjectMapper().readTree(line)
                            .get("total_loss").asDouble());
                }
            }
            assertThat(batchLosses).hasSize(7);
            double sum = 0;
            for (int i = 0; i < 7; i++) {
                sum += batchLosses.get(i);
                assertThat(calls.get(i).meanLoss()).as("mean after step %d", i + 1)
                        .isCloseTo(sum / (i + 1), offset(1e-6));
            }

            // No listener (null or the old signature) trains just the same.
            assertThat(trainer.trainEpoch(ds, "train", 32, 2, 7, null, 1, null).steps()).isEqualTo(7);
            assertThat(trainer.trainEpoch(ds, "train", 64, 3, 14, null, 1).steps()).isEqualTo(3);
        }
    }

    @Test
    void withoutATerminalTheBarDrawsNothing() {
        // Tests run without a terminal (System.console() is null), as do redirected runs: no bar, whatever is asked.
        assertThat(EpochProgress.onTerminal()).isFalse();
        try (EpochProgress p = EpochProgress.start(true, 1, 3, 10)) {
            assertThat(p.visible()).isFalse();
            p.stepDone(1, 32, 0.69, 1000);
        }
        try (EpochProgress p = EpochProgress.start(false, 1, 3, 10)) {
            assertThat(p.visible()).isFalse();
        }
    }

    @Test
    void theBarsMessageShowsTheRunningLossAndThroughput() {
        assertThat(EpochProgress.message(0.693147, 12345.6)).isEqualTo("loss 0.6931, 12,346 samples/s");
    }
}
