package dev.sim4j.cli.data;

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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sim4j data sample}: a dataset of random rows in the reference's Amazon layout, for trying the data tools and
 * measuring readers. The rows carry no signal; {@code sim4j synth} makes learnable data.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Write a dataset of seeded random rows in the reference's Amazon layout (train and test "
                + "mappings, 8 features, histories of --history-length). For trying the data tools; the rows carry no signal.")
public final class SampleCommand implements Callable<Integer> {
    private static final int BLOCK_ROWS = 4096;

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
        if (trainRows < 0 || testRows < 0 || users < 1 || items < 1 || categories < 1 || historyLength < 1 || rowsPerFile < 1) {
            throw new ParameterException(spec.commandLine(),
                    "row counts must be >= 0; cardinalities, --history-length and --rows-per-file >= 1");
        }
        FeatureSpec fs = ReferenceSpecs.amazon(users, items, categories, historyLength);
        List<FeatureDef> features = List.copyOf(fs.features().values());
        int[][] block = new int[features.size()][];
        for (int f = 0; f < block.length; f++) {
            block[f] = new int[BLOCK_ROWS * features.get(f).width()];
        }
        RandomRows random = new RandomRows(fs, features, seed);
        try (DatasetWriter writer = new DatasetWriter(out, fs, type, rowsPerFile, WriteOptions.DEFAULT)) {
            for (var mapping : List.of(new Object[] {"train", trainRows}, new Object[] {"test", testRows})) {
                int rows = (Integer) mapping[1];
                try (DatasetWriter.MappingWriter w = writer.mapping((String) mapping[0], features)) {
                    for (int done = 0; done < rows; done += BLOCK_ROWS) {
                        int n = Math.min(BLOCK_ROWS, rows - done);
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
