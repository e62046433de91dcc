package dev.sim4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Tensor;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.params.ParameterSet;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.train.optim.Optimizer;
import dev.sim4j.train.optim.Optimizers;
import dev.sim4j.train.report.LogContents;
import dev.sim4j.train.report.MetricsLogReader;
import dev.sim4j.train.report.SummaryRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole run on a tiny dataset (230 rows, DIN, batches of 32: 7 steps per epoch with the last 6 rows dropped):
 * divergence, the remainder batch, the run record and summary over a resume, and what a run does to folders that
 * hold another run.
 */
class TrainingRunTest {
    @TempDir
    static Path tmp;
    static Dataset dataset;

    @BeforeAll
    static void data() {
        dataset = Dataset.open(BatchTensorsTest.dataset(tmp.resolve("ds"), 230, 100));
    }

    static ModelConfig config() {
        return ModelConfig.defaults(ModelType.DIN, 50, 300, 7);
    }

    static TrainingOptions options(Path results, int epochs, boolean resume, boolean dropRemainder, boolean overwrite,
                                   double lr) {
        return new TrainingOptions(epochs, 32, 256, lr, "adam", 0, 3, results, results.resolve("checkpoints"), false,
                resume, false, Trainer.DEFAULT_MICRO_BATCH, dropRemainder, overwrite, "feature_spec.yaml");
    }

    static TrainingOptions options(Path results, int epochs, boolean resume) {
        return options(results, epochs, resume, true, false, 0.01);
    }

    static TrainingRun run(TrainingOptions o, StringWriter out) {
        PrintWriter w = new PrintWriter(out, true);
        return new TrainingRun(dataset, config(), o, new TrainingRun.Context("test", "sim4j train test",
                "sim4j train test --resume", w, w));
    }

    static TrainingRun.Result train(TrainingOptions o, Optimizer optimizer) {
        try (CpuBackend be = new CpuBackend(1)) {
            return run(o, new StringWriter()).run(Models.create(config(), be, 3), optimizer);
        }
    }

    static TrainingRun.Result train(TrainingOptions o) {
        return train(o, Optimizers.create("adam", o.learningRate(), 0));
    }

    static List<JsonNode> lines(Path log) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(log)) {
            out.add(new ObjectMapper().readTree(l));
        }
        return out;
    }

    static List<String> hidden(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        }
    }

    /** Adam, until after its {@code poisonAfter}-th step the item table is all NaN (as a far too large step makes it). */
    record Poisoning(Optimizer adam, long poisonAfter) implements Optimizer {
        @Override
        public String name() {
            return adam.name();
        }

        @Override
        public void step(ParameterSet params, Tensor apply) {
            adam.step(params, apply);
            if (adam.steps() == poisonAfter) {
                Tensor table = params.get("embedding.item").value();
                table.backend().fill(table, Float.NaN);
            }
        }

        @Override
        public long steps() {
            return adam.steps();
        }

        @Override
        public Map<String, Tensor> state(ParameterSet params) {
            return adam.state(params);
        }

        @Override
        public void restoreSteps(long steps) {
            adam.restoreSteps(steps);
        }
    }

    @Test
    void aLossThatTurnsNaNStopsTheRunAtOnceAndKeepsTheLastGoodCheckpoint() throws IOException {
        Path results = tmp.resolve("diverged");
        // Poisoned in step 9, the second of epoch 2: step 10's loss is the first NaN.
        TrainingDivergedException e = catchThrowableOfType(TrainingDivergedException.class,
                () -> train(options(results, 3, false), new Poisoning(Optimizers.create("adam", 0.01, 0), 9)));
        assertThat(e).isNotNull();
        assertThat(e.step()).isEqualTo(10);
        assertThat(e.epoch()).isEqualTo(2);
        assertThat(e.getMessage()).contains("loss became NaN at step 10 (epoch 2 of 3)", "learning rate 0.01",
                "a lower --lr", results.resolve("checkpoints/epoch_1").toString());
        for (String f : RunFolders.CHECKPOINT_FILES) {
            assertThat(results.resolve("checkpoints/epoch_1").resolve(f)).isRegularFile();
        }
        assertThat(results.resolve("checkpoints/epoch_2")).doesNotExist();
        assertThat(hidden(results)).isEmpty();
        // Nothing ran after the NaN: the log holds the 9 finite steps and epoch 1, and no summary.
        LogContents log = new MetricsLogReader().read(results.resolve("metrics.jsonl"));
        assertThat(log.steps()).hasSize(9).allMatch(s -> Double.isFinite(s.totalLoss()));
        assertThat(log.epochs()).hasSize(1);
        assertThat(log.summary()).isEmpty();
        assertThat(results.resolve("report.html")).isRegularFile();
    }

    @Test
    void withoutDropRemainderTheLastSmallerBatchIsTrained() throws IOException {
        Path dropped = tmp.resolve("drop");
        TrainingRun.Plan plan = run(options(dropped, 1, false), new StringWriter()).prepare();
        assertThat(plan.trainRows()).isEqualTo(230);
        assertThat(plan.stepsPerEpoch()).isEqualTo(7);
        assertThat(plan.droppedRows()).isEqualTo(6);
        Path kept = tmp.resolve("keep");
        TrainingOptions keep = options(kept, 1, false, false, false, 0.01);
        plan = run(keep, new StringWriter()).prepare();
        assertThat(plan.stepsPerEpoch()).isEqualTo(8);
        assertThat(plan.droppedRows()).isZero();
        train(keep);
        LogContents log = new MetricsLogReader().read(kept.resolve("metrics.jsonl"));
        assertThat(log.steps()).hasSize(8).allMatch(s -> Double.isFinite(s.totalLoss()));
        assertThat(log.runs().getFirst().hyperparameters()).containsEntry("drop_remainder", false);
    }

    @Test
    void theLogStartsWithTheRunRecordAndTheSummaryCountsEveryEpochAfterAResume() throws IOException {
        Path results = tmp.resolve("resumed");
        train(options(results, 1, false));
        TrainingRun.Result r = train(options(results, 3, true));
        assertThat(r.epochsTrained()).isEqualTo(2);
        List<JsonNode> lines = lines(results.resolve("metrics.jsonl"));
        JsonNode first = lines.getFirst();
        assertThat(first.get("type").asText()).isEqualTo("run");
        assertThat(first.get("model").asText()).isEqualTo("din");
        assertThat(first.get("sim4j_version").asText()).isEqualTo("test");
        assertThat(first.get("dataset").asText()).isEqualTo(dataset.dir().toAbsolutePath().normalize().toString());
        assertThat(first.get("seed").asLong()).isEqualTo(3);
        assertThat(first.get("command").asText()).isEqualTo("sim4j train test");
        JsonNode h = first.get("hyperparameters");
        assertThat(h.get("epochs").asInt()).as("the first run's record is kept").isEqualTo(1);
        assertThat(h.get("global_batch_size").asInt()).isEqualTo(32);
        assertThat(h.get("learning_rate").asDouble()).isEqualTo(0.01);
        assertThat(h.get("stage_two_mlp").toString()).isEqualTo("[200,80]");
        assertThat(h.get("augru_form").asText()).isEqualTo("code");
        assertThat(h.get("drop_remainder").asBoolean()).isTrue();
        assertThat(lines.stream().filter(l -> l.get("type").asText().equals("run"))).hasSize(1);

        LogContents log = new MetricsLogReader().read(results.resolve("metrics.jsonl"));
        assertThat(log.epochs()).hasSize(3);
        SummaryRecord s = log.summary().orElseThrow();
        double time = log.epochs().stream().mapToDouble(e -> e.time()).sum();
        double throughput = log.epochs().stream().mapToDouble(e -> e.throughput()).average().orElseThrow();
        assertThat(s.timeToTrain()).isCloseTo(time, within(1e-9));
        assertThat(s.throughput()).isCloseTo(throughput, within(1e-6));
        assertThat(s.epochs()).isEqualTo(3);
        assertThat(r.summary()).isEqualTo(s);
    }

    @Test
    void aResumeOfAFinishedRunLeavesItUntouched() throws IOException {
        Path results = tmp.resolve("finished");
        train(options(results, 1, false));
        byte[] log = Files.readAllBytes(results.resolve("metrics.jsonl"));
        byte[] report = Files.readAllBytes(results.resolve("report.html"));
        TrainingRun.Result r = train(options(results, 1, true));
        assertThat(r.epochsTrained()).isZero();
        assertThat(r.summary()).isNotNull();
        assertThat(r.last().epoch()).isEqualTo(1);
        assertThat(Files.readAllBytes(results.resolve("metrics.jsonl"))).isEqualTo(log);
        assertThat(Files.readAllBytes(results.resolve("report.html"))).isEqualTo(report);
    }

    @Test
    void aFolderWithAnotherRunIsRefusedUnlessOverwriteWhichRemovesOnlySim4jsFiles() throws IOException {
        Path results = tmp.resolve("other");
        train(options(results, 2, false));
        Files.writeString(results.resolve("notes.txt"), "mine");
        Files.writeString(results.resolve("checkpoints/epoch_2/mine.txt"), "mine too");
        byte[] log = Files.readAllBytes(results.resolve("metrics.jsonl"));
        assertThatThrownBy(() -> run(options(results, 1, false), new StringWriter()).prepare())
                .isInstanceOf(OutputException.class)
                .hasMessageContaining("--results-dir " + results + " already holds another run")
                .hasMessageContaining("metrics.jsonl, report.html, checkpoints/epoch_1")
                .hasMessageContaining("--overwrite")
                .hasMessageContaining("--resume");
        assertThat(Files.readAllBytes(results.resolve("metrics.jsonl"))).isEqualTo(log);

        StringWriter out = new StringWriter();
        try (CpuBackend be = new CpuBackend(1)) {
            run(options(results, 1, false, true, true, 0.01), out).run(Models.create(config(), be, 3),
                    Optimizers.create("adam", 0.01, 0));
        }
        assertThat(out.toString()).contains("--overwrite: removed the previous run's metrics.jsonl, report.html, "
                + "checkpoints/epoch_1");
        assertThat(results.resolve("notes.txt")).hasContent("mine");
        assertThat(results.resolve("checkpoints/epoch_2/mine.txt")).hasContent("mine too");
        assertThat(results.resolve("checkpoints/epoch_2/weights.safetensors")).doesNotExist();
        assertThat(results.resolve("checkpoints/epoch_1/weights.safetensors")).isRegularFile();
        assertThat(new MetricsLogReader().read(results.resolve("metrics.jsonl")).epochs()).hasSize(1);

        Path userFilesOnly = Files.createDirectories(tmp.resolve("user-files"));
        Files.writeString(userFilesOnly.resolve("data.csv"), "x");
        assertThatThrownBy(() -> run(options(userFilesOnly, 1, false), new StringWriter()).prepare())
                .isInstanceOf(OutputException.class).hasMessageContaining("is not empty (data.csv)");
    }

    @Test
    void aResumeWithOtherSettingsIsRefusedWithTheDifferences() {
        Path results = tmp.resolve("settings");
        train(options(results, 1, false));
        TrainingOptions changed = new TrainingOptions(2, 64, 256, 0.02, "adam", 0, 3, results,
                results.resolve("checkpoints"), false, true, false, 1024, true, false, "feature_spec.yaml");
        assertThatThrownBy(() -> run(changed, new StringWriter()).prepare())
                .isInstanceOf(OutputException.class)
                .hasMessageContaining("was trained with other settings")
                .hasMessageContaining("--global-batch-size: 32 in the checkpoint, 64 now")
                .hasMessageContaining("--lr: 0.01 in the checkpoint, 0.02 now")
                .hasMessageNotContaining("--epochs:")
                .hasMessageNotContaining("micro");
        // Epochs and the micro-batch size may change.
        TrainingOptions longer = new TrainingOptions(2, 32, 128, 0.01, "adam", 0, 3, results,
                results.resolve("checkpoints"), false, true, false, 16, true, false, "feature_spec.yaml");
        assertThat(run(longer, new StringWriter()).prepare().resumeAfter()).isEqualTo(1);
    }
}
