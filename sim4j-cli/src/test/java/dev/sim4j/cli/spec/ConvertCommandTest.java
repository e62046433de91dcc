package dev.sim4j.cli.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.cli.CliRun;
import dev.sim4j.cli.preprocess.DatasetRows;
import dev.sim4j.cli.preprocess.IndependentTfRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sim4j spec convert}: the formats it writes are what their names say. */
class ConvertCommandTest {
    static Path sample(Path dir) {
        CliRun r = CliRun.run("data", "sample", "--out", dir.toString(), "--train-rows", "23", "--test-rows", "10",
                "--history-length", "6", "--rows-per-file", "8");
        assertThat(r.code()).as(r.err()).isZero();
        return dir;
    }

    /** One row per record and prebatched records both decode, with an independent reader, to the source's rows. */
    @Test
    void tfrecordOutputIsRealTfRecord(@TempDir Path tmp) throws IOException {
        Path in = sample(tmp.resolve("in"));
        for (int prebatch : new int[] {1, 4}) {
            Path out = tmp.resolve("tf" + prebatch);
            CliRun r = CliRun.run("spec", "convert", "-i", in.toString(), "-o", out.toString(), "--format", "tfrecord",
                    "--rows-per-file", "10", "--prebatch", String.valueOf(prebatch));
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Files.readString(out.resolve("feature_spec.yaml"))).contains("type: tfrecord");
            for (String mapping : List.of("train", "test")) {
                assertThat(DatasetRows.decodeTfRecords(out, mapping, prebatch)).as("%s, prebatch %d", mapping, prebatch)
                        .hasSize(mapping.equals("train") ? 23 : 10)
                        .isEqualTo(DatasetRows.read(in, mapping));
            }
            assertThat(IndependentTfRecord.read(out.resolve("train/part_00000.tfrecord")))
                    .hasSize(prebatch == 1 ? 10 : 3);
        }
        // The independent reader does check the framing: a flipped data byte is a CRC mismatch.
        Path file = tmp.resolve("tf1/test/part_00000.tfrecord");
        byte[] bytes = Files.readAllBytes(file);
        bytes[20] ^= 1;
        Path broken = Files.write(tmp.resolve("broken.tfrecord"), bytes);
        assertThatThrownBy(() -> IndependentTfRecord.read(broken)).hasMessageContaining("data CRC mismatch");
    }

    @Test
    void columnarFormatHasItsOwnNameAndKeepsItsOldOne(@TempDir Path tmp) {
        Path in = sample(tmp.resolve("in"));
        for (String name : List.of("sim4j-columnar", "sim4j")) {
            Path out = tmp.resolve(name);
            CliRun r = CliRun.run("spec", "convert", "-i", in.toString(), "-o", out.toString(), "--format", name);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("(sim4j-columnar)");
            assertThat(out.resolve("train/part_00000.s4j")).isRegularFile();
            assertThat(DatasetRows.read(out, "train")).isEqualTo(DatasetRows.read(in, "train"));
        }
    }

    @Test
    void helpListsTheFormats() {
        CliRun r = CliRun.run("spec", "convert", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("sim4j-columnar, tfrecord, csv", "tf.train.Example");
        CliRun bad = CliRun.run("spec", "convert", "-i", "a", "-o", "b", "--format", "sim4j_sequences");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--format", "sim4j_sequences", "sim4j-columnar, tfrecord, csv");
    }

    @Test
    void badOptionValuesAreUsageErrorsAndOutputProblemsOutputErrors(@TempDir Path tmp) throws IOException {
        Path in = sample(tmp.resolve("in"));
        String[][] cases = {
            {"--rows-per-file", "0", "tfrecord"}, {"--prebatch", "0", "tfrecord"}, {"--prebatch", "4", "csv"},
        };
        for (String[] c : cases) {
            CliRun r = CliRun.run("spec", "convert", "-i", in.toString(), "-o", tmp.resolve("out").toString(),
                    "--format", c[2], c[0], c[1]);
            assertThat(r.code()).as(String.join(" ", c) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("error: " + c[0] + ": ");
        }
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        CliRun r = CliRun.run("spec", "convert", "-i", in.toString(), "--output", file.toString(), "--format", "csv");
        assertThat(r.code()).as(r.err()).isEqualTo(5);
        assertThat(r.err()).startsWith("error: --output " + file).contains("not a folder");
        assertThat(tmp.resolve("out")).doesNotExist();
    }
}
