package dev.sim4j.cli.train;

import dev.sim4j.cli.OptionChecks;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.engine.Backend;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.train.StepMemory;
import dev.sim4j.train.BatchTensors;
import dev.sim4j.train.Scorer;
import dev.sim4j.train.CheckpointLocator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j predict}: one line per row of a mapping, in row order: the logit and its probability. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Write, for every row of a mapping in its row order, the logit the model is evaluated on and its "
                + "probability: a tab-separated file with a header line naming the columns (default: logit, "
                + "probability). The file appears only when complete; an existing one is replaced then.",
            "--columns chooses the columns, in order: row (the row's index in the mapping, from 0), user (user id), "
                + "item (target item id), category (target category id), label (0/1), logit, probability. Ids are "
                + "the dataset's (vocab/*.tsv of sim4j preprocess maps them back to raw ids). For example --columns "
                + "row,user,item,label,probability gives lines to join back to the data.",
            "--checkpoint and --allow-other-dataset as in sim4j evaluate."})
public final class PredictCommand implements Callable<Integer> {
    /** The columns --columns may name, in their documented order. */
    static final List<String> COLUMNS = List.of("row", "user", "item", "category", "label", "logit", "probability");

    @Spec
    private CommandSpec spec;

    @picocli.CommandLine.Mixin
    private CheckpointOptions run = new CheckpointOptions();

    @Option(names = "--mapping", defaultValue = "test", paramLabel = "NAME", description = "Default: ${DEFAULT-VALUE}.")
    private String mapping;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Predictions file to write "
            + "(replaced if it exists).")
    private Path output;

    @Option(names = "--columns", split = ",", defaultValue = "logit,probability", paramLabel = "COLS",
            description = "Comma-separated columns, in order, from row, user, item, category, label, logit, "
                    + "probability (default: ${DEFAULT-VALUE}).")
    private List<String> columns;

    @Option(names = "--batch-size", defaultValue = "8192", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int batchSize;

    @picocli.CommandLine.Mixin
    private DeviceOptions cpu = new DeviceOptions();

    @Override
    public Integer call() {
        OptionChecks checks = OptionChecks.of(spec);
        checks.positive("--batch-size", batchSize);
        List<String> cols = columns();
        checks.writableFile("--output", output);
        Dataset ds = run.open(List.of(mapping), "nothing to predict");
        CheckpointLocator.Checkpoint checkpoint = run.locate(ds, spec.commandLine().getErr());
        Path target = output.toAbsolutePath();
        // The process id keeps two runs writing the same output from sharing a temp file.
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        long rows = 0;
        try (Backend backend = cpu.backend(spec.commandLine().getErr())) {
            CtrModel model = run.model(checkpoint, ds, backend);
            if (!cpu.cuda()) { // a heap estimate; on a GPU the tensors live in device memory
                StepMemory.prediction(model.config(), batchSize, ds.countRows(mapping)).requireFits();
            }
            BatchTensors tensors = new BatchTensors(backend, model.config(), ds.channels(),
                    ds.dir() + " mapping '" + mapping + "'");
            try (Scorer scorer = new Scorer(model);
                 BatchPipeline batches = ds.batches(mapping, BatchOptions.of(batchSize));
                 BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                         StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                w.write(String.join("\t", cols));
                w.write('\n');
                while (batches.hasNext()) {
                    Batch b = batches.next();
                    // One rank, full batches until the last: the batch's first row is index x batch size.
                    long first = b.index() * batchSize;
                    float[] logits = backend.toFloats(scorer.score(tensors.upload(b, first)));
                    for (int i = 0; i < logits.length; i++) {
                        writeLine(w, cols, b, first, i, logits[i]);
                    }
                    rows += logits.length;
                }
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new OutputException(checks.flag("--output") + " " + output + ": cannot write: " + e.getMessage(), e);
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

    /** The --columns list, checked: known names, each once. */
    private List<String> columns() {
        OptionChecks checks = OptionChecks.of(spec);
        List<String> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String c : columns) {
            String name = c.trim().toLowerCase(Locale.ROOT);
            checks.oneOf("--columns", name, COLUMNS);
            if (!seen.add(name)) {
                throw checks.fail("--columns", "names '" + name + "' twice");
            }
            out.add(name);
        }
        if (out.isEmpty()) {
            throw checks.fail("--columns", "needs at least one column");
        }
        return out;
    }

    private static void writeLine(BufferedWriter w, List<String> cols, Batch b, long first, int i, float logit)
            throws IOException {
        for (int c = 0; c < cols.size(); c++) {
            if (c > 0) {
                w.write('\t');
            }
            w.write(switch (cols.get(c)) {
                case "row" -> Long.toString(first + i);
                case "user" -> Integer.toString(b.user()[0][i]);
                case "item" -> Integer.toString(b.targetItem()[0][i]);
                case "category" -> Integer.toString(b.targetItem()[1][i]);
                case "label" -> Integer.toString(b.label()[i]);
                case "logit" -> Float.toString(logit);
                case "probability" -> Float.toString((float) (1 / (1 + Math.exp(-logit))));
                default -> throw new IllegalStateException("unchecked column " + cols.get(c));
            });
        }
        w.write('\n');
    }
}
