package dev.sim4j.cli.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sim4j spec validate}: symbolic links out of the folder, empty files and mappings, damaged stores. */
class ValidateCommandTest {
    static Path sample(Path dir, String format) {
        CliRun r = CliRun.run("data", "sample", "--out", dir.toString(), "--format", format, "--train-rows", "20",
                "--test-rows", "10", "--history-length", "4", "--rows-per-file", "5");
        assertThat(r.code()).as(r.err()).isZero();
        return dir;
    }

    @Test
    void aLinkToEtcIsRefused(@TempDir Path tmp) throws IOException {
        Path ds = sample(tmp.resolve("ds"), "tfrecord");
        Files.createSymbolicLink(ds.resolve("etc"), Path.of("/etc"));
        Path yaml = ds.resolve("feature_spec.yaml");
        Files.writeString(yaml, Files.readString(yaml).replace("- train/part_00001.tfrecord", "- etc/passwd"));
        CliRun r = CliRun.run("spec", "validate", ds.toString());
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.err()).contains("train[0] / etc/passwd: path leaves the dataset folder through a symbolic link")
                .doesNotContain("\tat ");
        // The same file reached by a path of its own is refused too, and the readers refuse it as well.
        Files.writeString(yaml, Files.readString(yaml).replace("- etc/passwd", "- train/part_00001.tfrecord"));
        Files.delete(ds.resolve("train/part_00001.tfrecord"));
        Files.createSymbolicLink(ds.resolve("train/part_00001.tfrecord"), Path.of("/etc/passwd"));
        assertThat(CliRun.run("spec", "validate", ds.toString()).err()).contains("through a symbolic link");
        CliRun inspect = CliRun.run("data", "inspect", ds.toString());
        assertThat(inspect.code()).isEqualTo(3);
        assertThat(inspect.err()).contains("through a symbolic link");
    }

    @Test
    void anEmptyFileIsAWarningAnEmptyMappingAnError(@TempDir Path tmp) throws IOException {
        Path ds = sample(tmp.resolve("ds"), "tfrecord");
        Files.write(ds.resolve("train/part_00002.tfrecord"), new byte[0]);
        CliRun warned = CliRun.run("spec", "validate", ds.toString());
        assertThat(warned.code()).as(warned.err()).isZero();
        assertThat(warned.err()).contains("warning: ", "source_spec / train[0] / train/part_00002.tfrecord: data file holds no rows");
        assertThat(warned.out()).contains("valid feature spec");

        Files.write(ds.resolve("test/part_00000.tfrecord"), new byte[0]);
        Files.write(ds.resolve("test/part_00001.tfrecord"), new byte[0]);
        CliRun failed = CliRun.run("spec", "validate", ds.toString());
        assertThat(failed.code()).isEqualTo(3);
        assertThat(failed.err()).contains("source_spec / test: mapping holds no rows", "train/part_00002.tfrecord")
                .doesNotContain("\tat ");
        assertThat(failed.out()).doesNotContain("valid feature spec");
    }
}
