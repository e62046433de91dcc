package dev.sim4j.cli.train;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.train.BatchTensors;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j predict}: one line per row of a mapping, in row order: the logit and its probability. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Write, for every row of a mapping in its row order, the logit the model is evaluated on and its "
                + "probability (tab-separated, with a header line). The file appears only when complete.")
public final class PredictCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @picocli.CommandLine.Mixin
    private CheckpointOptions run = new CheckpointOptions();

    @Option(names = "--mapping", defaultValue = "test", paramLabel = "NAME", description = "Default: ${DEFAULT-VALUE}.")
    private String mapping;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Predictions file to write.")
    private Path output;

    @Option(names = "--batch-size", defaultValue = "8192", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int batchSize;

    @picocli.CommandLine.Mixin
    private CpuOptions cpu = new CpuOptions();

    @Override
    public Integer call() {
        Dataset ds = run.open(java.util.List.of(mapping));
        Path target = output.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        long rows = 0;
        try (CpuBackend backend = cpu.backend()) {
            CtrModel model = run.model(ds, backend);
            BatchTensors tensors = new BatchTensors(backend, model.config().historyLength());
            Files.createDirectories(target.getParent());
            try (BatchPipeline batches = ds.batches(mapping, BatchOptions.of(batchSize));
                 BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write("logit\tprobability\n");
                while (batches.hasNext()) {
                    Batch b = batches.next();
                    float[] logits = backend.toFloats(model.predict(tensors.upload(b)));
                    for (float z : logits) {
                        w.write(Float.toString(z));
                        w.write('\t');
                        w.write(Float.toString((float) (1 / (1 + Math.exp(-z)))));
                        w.write('\n');
                    }
                    rows += logits.length;
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new DataException(output + ": cannot write: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // Only a leftover hidden temp file; the output itself is complete or absent.
            }
        }
        spec.commandLine().getOut().printf("wrote %,d predictions to %s%n", rows, output);
        return 0;
    }
}
