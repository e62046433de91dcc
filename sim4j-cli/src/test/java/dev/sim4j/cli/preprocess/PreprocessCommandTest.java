package dev.sim4j.cli.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.Sim4j;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sim4j preprocess amazon}: success, usage errors and bad input, by exit code and message. */
class PreprocessCommandTest {
    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Sim4j.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Path[] dump(Path dir, String extraReviewLine) throws IOException {
        List<String> reviews = new ArrayList<>();
        for (int u = 0; u < 5; u++) {
            for (int k = 0; k < 4; k++) {
                reviews.add("{\"reviewerID\": \"U" + u + "\", \"asin\": \"I" + (u + k) % 6 + "\", \"unixReviewTime\": "
                        + (100 + k) + "}");
            }
        }
        if (extraReviewLine != null) {
            reviews.add(extraReviewLine);
        }
        Path r = Files.write(dir.resolve("reviews.json"), reviews);
        Path m = Files.write(dir.resolve("meta.json"), List.of("{'asin': 'I0', 'categories': [['Books', 'A']]}",
                "{'asin': 'I1', 'categories': [['Books', 'B']]}"));
        return new Path[] {r, m};
    }

    @Test
    void writesADatasetThatValidatesAndInspects(@TempDir Path tmp) throws IOException {
        Path[] in = dump(tmp, null);
        Path out = tmp.resolve("ds");
        Run r = run("preprocess", "amazon", "--reviews", in[0].toString(), "--meta", in[1].toString(), "--out",
                out.toString(), "--min-reviews", "4", "--max-seq-len", "5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("users 5", "train  20 rows", "test   10 rows");
        assertThat(run("spec", "validate", out.toString()).code()).isZero();
        Run inspect = run("data", "inspect", out.toString());
        assertThat(inspect.out()).contains("mapping train: 20 rows", "10 positive");
    }

    @Test
    void optionErrorsExitWithTwoAndBadInputWithThree(@TempDir Path tmp) throws IOException {
        Path[] in = dump(tmp, "{not json");
        Run usage = run("preprocess", "amazon", "--reviews", in[0].toString(), "--meta", in[1].toString(), "--out",
                tmp.resolve("o").toString(), "--min-reviews", "1");
        assertThat(usage.code()).isEqualTo(2);
        assertThat(usage.err()).contains("--min-reviews must be at least 2");
        Run bad = run("preprocess", "amazon", "--reviews", in[0].toString(), "--meta", in[1].toString(), "--out",
                tmp.resolve("o").toString(), "--min-reviews", "4");
        assertThat(bad.code()).isEqualTo(3);
        assertThat(bad.err()).contains("1 x malformed JSON (line 21)", "--max-bad-lines").doesNotContain("\tat ");
        assertThat(Files.exists(tmp.resolve("o"))).isFalse();
        Run allowed = run("preprocess", "amazon", "--reviews", in[0].toString(), "--meta", in[1].toString(), "--out",
                tmp.resolve("o").toString(), "--min-reviews", "4", "--max-bad-lines", "1", "--format", "tfrecord");
        assertThat(allowed.code()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("skipped input lines: 1");
        assertThat(Files.readString(tmp.resolve("o/stats.json"))).contains("malformed JSON");
    }
}
