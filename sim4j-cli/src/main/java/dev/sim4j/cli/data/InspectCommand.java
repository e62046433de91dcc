package dev.sim4j.cli.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.dataset.DatasetInspection;
import dev.sim4j.data.dataset.DatasetInspector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sim4j data inspect DIR}: rows, label balance, declared vs seen ids and history lengths per mapping. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Read every row and report, per mapping: rows, label balance, cardinalities declared vs ids seen, "
                + "and a histogram of positive-history lengths.")
public final class InspectCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The dataset folder holding feature_spec.yaml.")
    private Path dir;

    @Option(names = "--mapping", paramLabel = "NAME", description = "Inspect only this mapping (repeatable).")
    private List<String> mappings = new ArrayList<>();

    @Option(names = "--json", description = "Print the report as JSON.")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        Dataset dataset = Dataset.open(dir);
        List<String> names = mappings.isEmpty() ? List.copyOf(dataset.spec().sources().keySet()) : mappings;
        for (String m : names) {
            if (!dataset.spec().sources().containsKey(m)) {
                throw new DataException(dir + ": no mapping '" + m + "' (the spec has " + dataset.spec().sources().keySet() + ")");
            }
        }
        DatasetInspection report = DatasetInspector.inspect(dataset, names);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            print(report, out);
        }
        return 0;
    }

    private static void print(DatasetInspection report, PrintWriter out) {
        out.println("dataset " + report.dataset());
        for (DatasetInspection.Mapping m : report.mappings()) {
            out.println();
            out.printf("mapping %s: %,d rows; labels: %,d positive (%.1f %%), %,d negative%n", m.name(), m.rows(),
                    m.positives(), m.rows() == 0 ? 0.0 : 100.0 * m.positives() / m.rows(), m.negatives());
            out.printf("  %-20s %12s %12s %14s %14s%n", "feature", "cardinality", "max id seen", "distinct seen",
                    "padding (0)");
            for (DatasetInspection.FeatureIds f : m.features()) {
                out.printf("  %-20s %,12d %,12d %,14d %,14d%n", f.feature(), f.cardinality(), f.maxSeen(),
                        f.distinctSeen(), f.paddingValues());
            }
            DatasetInspection.HistoryLengths h = m.historyLength();
            out.printf("  positive history length: min %d, mean %.1f, max %d%n", h.min(), h.mean(), h.max());
            long most = h.buckets().stream().mapToLong(DatasetInspection.Bucket::rows).max().orElse(1);
            for (DatasetInspection.Bucket b : h.buckets()) {
                String range = b.from() == b.to() ? String.valueOf(b.from()) : b.from() + "-" + b.to();
                int bar = most == 0 ? 0 : (int) Math.round(40.0 * b.rows() / most);
                out.printf("    %9s %,12d %s%n", range, b.rows(), "#".repeat(bar));
            }
        }
    }
}
