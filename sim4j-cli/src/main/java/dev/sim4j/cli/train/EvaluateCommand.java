package dev.sim4j.cli.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sim4j.cli.OptionChecks;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.train.StepMemory;
import dev.sim4j.train.CheckpointLocator;
import dev.sim4j.train.ModelEvaluation;
import dev.sim4j.train.ResidentSequences;
import dev.sim4j.train.metrics.Evaluator;
import dev.sim4j.train.metrics.Metrics;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j evaluate}: the reference's metrics of a checkpoint on a dataset's mappings. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Score every row of a dataset's mappings with a checkpoint and print AUC (8000 thresholds and "
                + "exact) and loss.",
            "--checkpoint takes an epoch_N folder, a train --checkpoint-dir or --results-dir (the newest epoch_N, by "
                + "number, is taken and named on standard error) or a weights.safetensors file. The dataset must be "
                + "the one the checkpoint was trained on (its provenance.json records the feature spec's SHA-256, "
                + "the cardinalities and the history length); --allow-other-dataset accepts another one whose ids "
                + "fit the model's tables."})
public final class EvaluateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @picocli.CommandLine.Mixin
    private CheckpointOptions run = new CheckpointOptions();

    @Option(names = "--mapping", paramLabel = "NAME", description = "Mapping to evaluate (repeatable; default: test).")
    private List<String> mappings = List.of("test");

    @Option(names = {"--batch-size", "--eval_batch_size"}, defaultValue = "8192", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int batchSize;

    @picocli.CommandLine.Mixin
    private DeviceOptions cpu = new DeviceOptions();

    @Option(names = "--json", description = "Print the metrics as JSON.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        OptionChecks.of(spec).positive("--batch-size", batchSize);
        // A mapping named twice is evaluated once: the results are keyed by mapping.
        List<String> chosen = List.copyOf(new LinkedHashSet<>(mappings));
        Dataset ds = run.open(chosen, "nothing to evaluate");
        PrintWriter out = spec.commandLine().getOut();
        CheckpointLocator.Checkpoint checkpoint = run.locate(ds, spec.commandLine().getErr());
        Map<String, Metrics> results = new LinkedHashMap<>();
        try (Backend backend = cpu.backend(spec.commandLine().getErr())) {
            CtrModel model = run.model(checkpoint, ds, backend);
            if (!cpu.cuda()) { // a heap estimate; on a GPU the tensors live in device memory
                StepMemory.evaluation(model.config(), batchSize, chosen.stream().mapToLong(ds::countRows).toArray())
                        .requireFits();
            }
            // On a GPU, rows of a sequence store are built there: only logits and labels come back.
            Optional<ResidentSequences> resident = cpu.residentInput()
                    ? ResidentSequences.open(ds, backend, model.config(), chosen.toArray(String[]::new))
                    : Optional.empty();
            try {
                for (String m : chosen) {
                    results.put(m, ModelEvaluation.evaluate(model, ds, m, batchSize, new Evaluator(), null,
                            resident.orElse(null), cpu.hostReaders(ds)).metrics());
                }
            } finally {
                resident.ifPresent(ResidentSequences::close);
            }
        }
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(results));
        } else {
            results.forEach((m, r) -> out.printf("%-6s rows %,d (%,d positive): AUC %.4f (exact %.4f), loss %.4f%n", m,
                    r.count(), r.positives(), r.auc(), r.exactAuc(), r.loss()));
        }
        return 0;
    }
}
