package dev.sim4j.cli.synth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.Sim4j;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code sim4j synth amazon} in-process and checks exit codes and output. */
class SynthCommandTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Sim4j.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void writesBothFilesAndASummary(@TempDir Path tmp) {
        Run r = run("synth", "amazon", "--out", tmp.toString(), "--users", "200", "--items", "800", "--categories",
                "40", "--seed", "7");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(tmp.resolve("reviews_Books.json.gz")).isNotEmptyFile();
        assertThat(tmp.resolve("meta_Books.json.gz")).isNotEmptyFile();
        assertThat(r.out()).contains("reviews_Books.json.gz", "meta_Books.json.gz", "lines", ">= 20 reviews");
        Run again = run("synth", "amazon", "--out", tmp.toString(), "--users", "200");
        assertThat(again.code()).isEqualTo(3);
        assertThat(again.err()).contains("exists", "--force");
    }

    @Test
    void badOptionsAreUsageErrors(@TempDir Path tmp) {
        Run zero = run("synth", "amazon", "--out", tmp.toString(), "--users", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--users");
        assertThat(run("synth", "amazon", "--out", tmp.toString(), "--users", "many").code()).isEqualTo(2);
        assertThat(run("synth", "amazon", "--out", tmp.toString(), "--scale", "huge").code()).isEqualTo(2);
        assertThat(run("synth").code()).isEqualTo(2);
        assertThat(run("synth", "amazon", "--users", "10").code()).isEqualTo(2);
        try (var files = Files.list(tmp)) {
            assertThat(files).isEmpty();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void helpListsTheOptions() {
        Run r = run("synth", "amazon", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--scale", "--users", "--gzip-level", "books");
    }
}
