package dev.sim4j.cli.spec;

import dev.sim4j.cli.OptionChecks;
import dev.sim4j.data.dataset.DatasetConverter;
import dev.sim4j.data.format.WriteOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j spec convert}: the reference's "transcoding", for every format pair. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a dataset to another file format: every mapping, feature and value, in the same row order. "
                + "The output folder appears only when the conversion has succeeded.")
public final class ConvertCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"--input", "-i"}, required = true, paramLabel = "DIR", description = "Dataset to read.")
    private Path input;

    @Option(names = {"--output", "-o"}, required = true, paramLabel = "DIR",
            description = "Dataset folder to create; it must not exist or be empty.")
    private Path output;

    @Option(names = "--format", required = true, paramLabel = "FORMAT", converter = RowFormat.Converter.class,
            completionCandidates = RowFormat.Names.class,
            description = {"Output format: ${COMPLETION-CANDIDATES}.",
                "tfrecord: TFRecord files of tf.train.Example rows, the reference's layout (what NVIDIA's code reads); "
                        + "sim4j-columnar (also: sim4j, its chunk type): sim4j's columnar shards (.s4j); "
                        + "csv: one line per row. The compact sequence store is written only by 'preprocess amazon'."})
    private RowFormat format;

    @Option(names = "--rows-per-file", paramLabel = "N", defaultValue = "1000000",
            description = "Rows per output file (default: ${DEFAULT-VALUE}).")
    private long rowsPerFile;

    @Option(names = "--prebatch", paramLabel = "N", defaultValue = "1",
            description = "tfrecord only: rows per record (default: ${DEFAULT-VALUE}, the reference's layout).")
    private int prebatch;

    @Override
    public Integer call() {
        OptionChecks checks = OptionChecks.of(spec);
        checks.positive("--rows-per-file", rowsPerFile);
        checks.positive("--prebatch", prebatch);
        if (prebatch != 1 && format != RowFormat.TFRECORD) {
            throw checks.fail("--prebatch", "applies to --format tfrecord only, not " + format);
        }
        checks.newFolder("--output", output);
        long start = System.nanoTime();
        Map<String, Long> rows = DatasetConverter.convert(input, output, format.type(), rowsPerFile, new WriteOptions(prebatch));
        PrintWriter out = spec.commandLine().getOut();
        rows.forEach((mapping, n) -> out.printf("  %-8s %,d rows%n", mapping, n));
        out.printf("wrote %s (%s) in %.1f s%n", output, format, (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
