package dev.sim4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** One in-process run of the {@code sim4j} command line, for the CLI tests: exit code, standard output and error. */
public record CliRun(int code, String out, String err) {
    /** Runs {@code sim4j args...} with captured output. */
    public static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Sim4j.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /**
     * A small synthetic Amazon dump (300 users, 800 items, 20 categories) in {@code dir/raw}, preprocessed into
     * {@code dir/ds}, which is returned; fails the test if either command fails.
     */
    public static Path smallDataset(Path dir) {
        Path raw = dir.resolve("raw");
        CliRun synth = run("synth", "amazon", "--out", raw.toString(), "--users", "300", "--items", "800",
                "--categories", "20");
        assertThat(synth.code()).as(synth.err()).isZero();
        Path dataset = dir.resolve("ds");
        CliRun pre = run("preprocess", "amazon", "--reviews", raw.resolve("reviews_Books.json.gz").toString(), "--meta",
                raw.resolve("meta_Books.json.gz").toString(), "--out", dataset.toString());
        assertThat(pre.code()).as(pre.err()).isZero();
        return dataset;
    }
}
