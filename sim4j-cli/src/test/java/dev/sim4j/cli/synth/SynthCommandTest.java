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
        assertThat(again.code()).isEqualTo(5);
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

    @Test
    void anOutputThatIsAFileOrUnwritableIsAnOutputError(@TempDir Path tmp) throws java.io.IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Run r = run("synth", "amazon", "--out", file.toString(), "--users", "50");
        assertThat(r.code()).as(r.err()).isEqualTo(5);
        assertThat(r.err()).startsWith("error: --out " + file).contains("not a folder").doesNotContain("internal error");
        assertThat(Files.readString(file)).isEqualTo("x");
        Path unwritable = dev.sim4j.cli.preprocess.Folders.unwritable(tmp);
        Run denied = run("synth", "amazon", "--out", unwritable.toString(), "--users", "50");
        assertThat(denied.code()).as(denied.err()).isEqualTo(5);
        assertThat(denied.err()).contains("--out", "not writable");
    }

    @Test
    void everyNumericOptionIsCheckedUpFront(@TempDir Path tmp) {
        String[][] cases = {
            {"--users", "0"}, {"--items", "0"}, {"--categories", "0"}, {"--threads", "0"}, {"--gzip-level", "0"},
            {"--max-reviews", "3"}, {"--short-share", "2"}, {"--noise", "-0.5"}, {"--drift-run", "0"},
            {"--long-mean", "NaN"}, {"--interest-gap-min", "0"},
        };
        for (String[] c : cases) {
            Run r = run("synth", "amazon", "--out", tmp.resolve("o").toString(), c[0], c[1]);
            assertThat(r.code()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", c)).contains(c[0]);
        }
        assertThat(tmp.resolve("o")).doesNotExist();
    }
}
