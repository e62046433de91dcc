package dev.sim4j.cli.train;

import dev.sim4j.cli.OptionChecks;
import dev.sim4j.data.DataException;
import dev.sim4j.train.report.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sim4j report RESULTS_DIR}: the self-contained HTML report of a training run's metrics.jsonl. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write one self-contained HTML file (loss and AUC curves, the last ROC curve, throughput) from "
                + "RESULTS_DIR/metrics.jsonl; it opens in a browser without network.")
public final class ReportCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "RESULTS_DIR", description = "A training run's results folder.")
    private Path results;

    @Option(names = "--output", paramLabel = "FILE", description = "Default: RESULTS_DIR/report.html.")
    private Path output;

    @Override
    public Integer call() {
        Path log = results.resolve("metrics.jsonl");
        if (!Files.isRegularFile(log)) {
            throw new DataException(log + ": no metrics log here; give the --results-dir of a sim4j train run");
        }
        Path html = output != null ? output : results.resolve("report.html");
        // Checked before the log is rendered; the default file names --output as the way to write elsewhere.
        OptionChecks.of(spec).writableFile("--output", html);
        new HtmlReport("sim4j training report: " + results.toAbsolutePath().getFileName()).write(log, html);
        spec.commandLine().getOut().println("wrote " + html);
        return 0;
    }
}
