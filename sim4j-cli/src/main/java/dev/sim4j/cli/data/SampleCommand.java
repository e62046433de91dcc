package dev.sim4j.cli.data;

import dev.sim4j.cli.OptionChecks;
import dev.sim4j.cli.spec.RowFormat;
import dev.sim4j.data.dataset.DatasetWriter;
import dev.sim4j.data.dataset.RandomRows;
import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.ReferenceSpecs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sim4j data sample}: a dataset of random rows in the reference's Amazon layout, for trying the data tools and
 * measuring readers. The rows carry no signal; {@code sim4j synth} makes learnable data.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Write a dataset of seeded random rows in the reference's Amazon layout (train and test "
                + "mappings, 8 features, histories of --history-length). For trying the data tools; the rows carry no signal.")
public final class SampleCommand implements Callable<Integer> {
    /** The largest cardinality a feature spec accepts: ids 1..n must fit an int, n + 1 rows an embedding table. */
    private static final long MAX_CARDINALITY = Integer.MAX_VALUE - 1L;

    @Spec
    private CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset folder to create (must not exist or be empty).")
    private Path out;

    @Option(names = "--format", defaultValue = "sim4j-columnar", paramLabel = "FORMAT",
            converter = RowFormat.Converter.class, completionCandidates = RowFormat.Names.class,
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; sim4j is also accepted for sim4j-columnar).")
    private RowFormat format;

    @Option(names = "--train-rows", defaultValue = "10000", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int trainRows;

    @Option(names = "--test-rows", defaultValue = "2000", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int testRows;

    @Option(names = "--users", defaultValue = "1000", paramLabel = "N", description = "User cardinality (default: ${DEFAULT-VALUE}).")
    private long users;

    @Option(names = "--items", defaultValue = "5000", paramLabel = "N", description = "Item cardinality (default: ${DEFAULT-VALUE}).")
    private long items;

    @Option(names = "--categories", defaultValue = "100", paramLabel = "N", description = "Category cardinality (default: ${DEFAULT-VALUE}).")
    private long categories;

    @Option(names = "--history-length", defaultValue = "100", paramLabel = "L", description = "Default: ${DEFAULT-VALUE}.")
    private int historyLength;

    @Option(names = "--rows-per-file", defaultValue = "1000000", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private long rowsPerFile;

    @Option(names = "--seed", defaultValue = "12345", paramLabel = "S", description = "Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Override
    public Integer call() {
        ChunkType type = format.type();
        OptionChecks checks = OptionChecks.of(spec);
        checks.atLeast("--train-rows", trainRows, 0);
        checks.atLeast("--test-rows", testRows, 0);
        for (var cardinality : List.of(Map.entry("--users", users), Map.entry("--items", items),
                Map.entry("--categories", categories))) {
            checks.positive(cardinality.getKey(), cardinality.getValue());
            if (cardinality.getValue() > MAX_CARDINALITY) {
                throw checks.fail(cardinality.getKey(), "must be at most " + MAX_CARDINALITY + " (ids are 32-bit), got "
                        + cardinality.getValue());
            }
        }
        checks.positive("--history-length", historyLength);
        checks.positive("--rows-per-file", rowsPerFile);
        checks.newFolder("--out", out);
        FeatureSpec fs = ReferenceSpecs.amazon(users, items, categories, historyLength);
        List<FeatureDef> features = List.copyOf(fs.features().values());
        int blockRows = DatasetWriter.blockRows(features);
        int[][] block = new int[features.size()][];
        for (int f = 0; f < block.length; f++) {
            block[f] = new int[blockRows * features.get(f).width()];
        }
        RandomRows random = new RandomRows(fs, features, seed);
        try (DatasetWriter writer = new DatasetWriter(out, fs, type, rowsPerFile, WriteOptions.DEFAULT)) {
            for (var mapping : List.of(new Object[] {"train", trainRows}, new Object[] {"test", testRows})) {
                int rows = (Integer) mapping[1];
                try (DatasetWriter.MappingWriter w = writer.mapping((String) mapping[0], features)) {
                    for (int done = 0; done < rows; done += blockRows) {
                        int n = Math.min(blockRows, rows - done);
                        random.fill(block, 0, n);
                        w.write(block, 0, n);
                    }
                }
            }
            writer.commit();
        }
        PrintWriter o = spec.commandLine().getOut();
        o.printf("wrote %s (%s): train %,d rows, test %,d rows%n", out, format, trainRows, testRows);
        return 0;
    }
}
