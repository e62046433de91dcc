package dev.sim4j.preprocess.amazon;

import static dev.sim4j.preprocess.amazon.AmazonFixture.META;
import static dev.sim4j.preprocess.amazon.AmazonFixture.REVIEWS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input lines are counted per reason with their line numbers, and fail the run beyond --max-bad-lines. */
class BadInputTest {
    static List<String> with(List<String> lines, int at, String... inserted) {
        List<String> out = new ArrayList<>(lines);
        out.addAll(at, Arrays.asList(inserted));
        return out;
    }

    @Test
    void badReviewLinesAreCountedByReasonAndFailTheRun(@TempDir Path tmp) throws IOException {
        // Lines 3..7 are bad; the fixture's lines shift down by five.
        List<String> reviews = with(REVIEWS, 2,
                "{\"reviewerID\": \"A\", \"asin\": \"X1\", \"unixReviewTime\": 5",
                "{\"reviewerID\": \"A\", \"unixReviewTime\": 5}",
                "{\"reviewerID\": \"A\", \"asin\": \"X1\", \"unixReviewTime\": \"5\"}",
                "",
                "[1, 2]");
        Path r = AmazonFixture.write(tmp, "reviews", reviews, false);
        Path m = AmazonFixture.write(tmp, "meta", META, false);
        Path out = tmp.resolve("out");
        assertThatThrownBy(() -> AmazonPreprocessor.run(AmazonFixture.options(r, m, out)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("5 input line(s) could not be used, more than --max-bad-lines 0")
                .hasMessageContaining("1 x malformed JSON (line 3)")
                .hasMessageContaining("1 x missing asin (line 4)")
                .hasMessageContaining("1 x unixReviewTime is not a whole number (line 5)")
                .hasMessageContaining("1 x empty line (line 6)")
                .hasMessageContaining("1 x not a JSON object (line 7)")
                .hasMessageContaining(r.toString());
        assertThat(Files.exists(out)).isFalse();

        PreprocessStats stats = AmazonPreprocessor.run(AmazonFixture.options(r, m, out).withMaxBadLines(5));
        assertThat(stats.reviewLinesRead()).isEqualTo(15);
        assertThat(stats.skippedReviewLines()).containsOnlyKeys("malformed JSON", "missing asin",
                "unixReviewTime is not a whole number", "empty line", "not a JSON object");
        assertThat(stats.skippedReviewLines().get("missing asin").firstLines()).containsExactly(4L);
        // The good lines give the same data as without the bad ones.
        Path clean = tmp.resolve("clean");
        AmazonPreprocessor.run(AmazonFixture.options(AmazonFixture.write(tmp.resolve("c"), "reviews", REVIEWS, false), m, clean));
        assertThat(AmazonFixture.rows(out, "train")).isEqualTo(AmazonFixture.rows(clean, "train"));
        assertThat(Files.readString(out.resolve("stats.json"))).contains("\"missing asin\"", "\"firstLines\" : [ 4 ]");
    }

    @Test
    void badMetadataLinesAreCountedByReason(@TempDir Path tmp) throws IOException {
        List<String> meta = with(META, 1,
                "{'asin': 'X7', 'title': 'unterminated}",
                "['not', 'a', 'dict']",
                "{'title': 'no asin'}",
                "{'asin': 'X1', 'categories': [['Books', 'Duplicate']]}",
                "{'asin': 'X8', 'categories': 'Books'}");
        Path r = AmazonFixture.write(tmp, "reviews", REVIEWS, false);
        Path m = AmazonFixture.write(tmp, "meta", meta, false);
        assertThatThrownBy(() -> AmazonPreprocessor.run(AmazonFixture.options(r, m, tmp.resolve("out"))))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("1 x not a valid Python literal (line 2)")
                .hasMessageContaining("1 x not a dict (line 3)")
                .hasMessageContaining("1 x missing asin (line 4)")
                .hasMessageContaining("1 x duplicate metadata for one asin (line 5)")
                .hasMessageContaining("1 x categories is not a list of category paths (line 6)");
        PreprocessStats stats = AmazonPreprocessor.run(AmazonFixture.options(r, m, tmp.resolve("out")).withMaxBadLines(10));
        // The first line of X1 wins: its category stays 'Mystery'.
        assertThat(Files.readAllLines(tmp.resolve("out/vocab/categories.tsv"))).contains("2\tMystery").doesNotContain("Duplicate");
        assertThat(stats.skippedMetadataLines().values().stream().mapToLong(BadLines.Reason::count).sum()).isEqualTo(5);
    }

    @Test
    void aTruncatedGzipIsCountedAndItsCompleteLinesKept(@TempDir Path tmp) throws IOException {
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            many.add(AmazonFixture.review("U" + (i % 100), "I" + (i * 7919 % 1000), 1000 + i));
        }
        Path full = AmazonFixture.write(tmp, "reviews", many, true);
        byte[] bytes = Files.readAllBytes(full);
        Path cut = tmp.resolve("cut.json.gz");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        Path m = AmazonFixture.write(tmp, "meta", META, false);
        assertThatThrownBy(() -> AmazonPreprocessor.run(AmazonFixture.options(cut, m, tmp.resolve("out"))))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("1 x truncated gzip (the file ends early)");
        PreprocessStats stats = AmazonPreprocessor.run(AmazonFixture.options(cut, m, tmp.resolve("out")).withMaxBadLines(1));
        assertThat(stats.reviewLinesRead()).isBetween(1L, 2999L);
        assertThat(stats.skippedReviewLines().get("truncated gzip (the file ends early)").firstLines())
                .containsExactly(stats.reviewLinesRead() + 1);
    }

    @Test
    void anEmptyFileFailsTheRun(@TempDir Path tmp) throws IOException {
        Path r = tmp.resolve("reviews.json");
        Files.write(r, new byte[0]);
        Path m = AmazonFixture.write(tmp, "meta", META, false);
        assertThatThrownBy(() -> AmazonPreprocessor.run(AmazonFixture.options(r, m, tmp.resolve("out"))))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(r + ": 1 x empty file");
        Path emptyGz = AmazonFixture.write(tmp.resolve("gz"), "meta", List.of(), true);
        Files.write(emptyGz, new java.io.ByteArrayOutputStream() {
            {
                try (var gz = new java.util.zip.GZIPOutputStream(this)) {
                    gz.flush();
                }
            }
        }.toByteArray());
        assertThatThrownBy(() -> AmazonPreprocessor.run(AmazonFixture.options(
                AmazonFixture.write(tmp, "reviews2", REVIEWS, false), emptyGz, tmp.resolve("out"))))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("empty file");
    }

    @Test
    void missingInputsAndTooFewUsersAreClearErrors(@TempDir Path tmp) throws IOException {
        Path m = AmazonFixture.write(tmp, "meta", META, false);
        assertThatThrownBy(() -> AmazonPreprocessor.run(AmazonFixture.options(tmp.resolve("nope.json"), m, tmp.resolve("o"))))
                .isInstanceOf(DataException.class).hasMessageContaining("nope.json: no such readable file (given with --reviews)");
        Path r = AmazonFixture.write(tmp, "reviews", REVIEWS, false);
        assertThatThrownBy(() -> AmazonPreprocessor.run(AmazonFixture.options(r, m, tmp.resolve("o")).withLimits(50, 3)))
                .isInstanceOf(DataException.class).hasMessageContaining("no user has at least 50 reviews");
    }
}
