package dev.sim4j.cli.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.train.ModelEvaluation;
import dev.sim4j.train.metrics.Evaluator;
import dev.sim4j.train.metrics.Metrics;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j evaluate}: the reference's metrics of a checkpoint on a dataset's mappings. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Score every row of a dataset's mappings with a checkpoint (a sim4j train --checkpoint-dir/epoch_N "
                + "folder) and print AUC (8000 thresholds and exact) and loss.")
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
    private CpuOptions cpu = new CpuOptions();

    @Option(names = "--json", description = "Print the metrics as JSON.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        Dataset ds = run.open(mappings);
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Metrics> results = new LinkedHashMap<>();
        try (CpuBackend backend = cpu.backend()) {
            CtrModel model = run.model(ds, backend);
            for (String m : mappings) {
                results.put(m, ModelEvaluation.evaluate(model, ds, m, batchSize, new Evaluator()).metrics());
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
