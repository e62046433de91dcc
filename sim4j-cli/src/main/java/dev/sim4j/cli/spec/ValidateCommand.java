package dev.sim4j.cli.spec;

import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.dataset.EmptyData;
import dev.sim4j.data.spec.ChunkSpec;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.InvalidSpecException;
import dev.sim4j.data.spec.ModelChannels;
import dev.sim4j.data.spec.SpecProblem;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sim4j spec validate DIR}: every problem of the spec, or a summary of a usable one. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Check that DIR/feature_spec.yaml describes a dataset the models can read "
                + "(channels, dtypes, cardinalities, chunk types, data files inside DIR, symbolic links resolved), "
                + "and read the first row of every data file.",
            "Errors (exit 3): every problem of the spec, and a mapping that holds no rows. Warnings (listed, exit 0): "
                + "an empty data file among files of a mapping that do hold rows."})
public final class ValidateCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The dataset folder holding feature_spec.yaml.")
    private Path dir;

    @Override
    public Integer call() {
        Dataset dataset = Dataset.open(dir);
        FeatureSpec fs = dataset.spec();
        ModelChannels ch = dataset.channels();
        EmptyData.Findings empty = EmptyData.check(dataset);
        Path specFile = dir.resolve(FeatureSpec.FILE_NAME);
        PrintWriter err = spec.commandLine().getErr();
        for (SpecProblem w : empty.warnings()) {
            err.println("warning: " + specFile + ": " + w);
        }
        err.flush();
        if (!empty.errors().isEmpty()) {
            throw new InvalidSpecException(specFile, empty.errors());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(dir + ": valid feature spec");
        out.printf("  features: %d; history length %d%n", fs.features().size(), ch.historyLength());
        fs.sources().forEach((mapping, chunks) -> {
            int files = chunks.stream().mapToInt(c -> c.files().size()).sum();
            out.printf("  mapping %-8s %d chunk(s), %d file(s), types %s%n", mapping, chunks.size(), files,
                    chunks.stream().map(ChunkSpec::type).distinct().toList());
        });
        fs.channels().forEach((channel, names) -> {
            if (ModelChannels.REQUIRED.contains(channel)) {
                out.printf("  channel %-21s %s%n", channel, names);
            }
        });
        List<String> extra = fs.channels().keySet().stream().filter(c -> !ModelChannels.REQUIRED.contains(c)).toList();
        if (!extra.isEmpty()) {
            out.println("  channels the models do not read: " + extra);
        }
        return 0;
    }
}
