package dev.sim4j.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.spec.ChunkType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A dataset folder appears complete or not at all: existing data is never overwritten, failures leave nothing. */
class DatasetWriterTest {
    @TempDir
    Path tmp;

    /** Every file and folder under {@code root} (relative path -> SHA-256 of the content, "/" for folders). */
    static Map<String, String> tree(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(p -> {
                try {
                    out.put(root.relativize(p).toString(), Files.isDirectory(p) ? "/"
                            : HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void nonEmptyOutputFolderIsRefusedAndLeftUntouched() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out/old"));
        Files.writeString(tmp.resolve("out/notes.txt"), "keep me");
        Files.writeString(tmp.resolve("out/old/feature_spec.yaml"), "feature_spec: {}");
        Map<String, String> before = tree(tmp);

        assertThatThrownBy(() -> new DatasetWriter(tmp.resolve("out"), FormatRoundTripTest.SPEC, ChunkType.SIM4J, 10,
                WriteOptions.DEFAULT))
                .isInstanceOf(OutputException.class)
                .hasMessage(tmp.resolve("out") + ": output folder is not empty; choose a new folder or remove this one");

        assertThat(tree(tmp)).as("nothing added, changed or removed").isEqualTo(before);
        assertThat(out).exists();
    }

    @Test
    void convertIntoANonEmptyFolderIsRefusedAndLeavesBothUntouched() throws IOException {
        FormatRoundTripTest.writeRandom(tmp.resolve("in"), ChunkType.CSV, 20, 10, 1);
        Files.createDirectories(tmp.resolve("out"));
        Files.writeString(tmp.resolve("out/part_00000.s4j"), "somebody else's file");
        Map<String, String> before = tree(tmp);

        assertThatThrownBy(() -> DatasetConverter.convert(tmp.resolve("in"), tmp.resolve("out"), ChunkType.SIM4J, 10,
                WriteOptions.DEFAULT))
                .isInstanceOf(OutputException.class)
                .hasMessageContaining("output folder is not empty");

        assertThat(tree(tmp)).isEqualTo(before);
    }

    @Test
    void outputThatIsAFileIsRefused() throws IOException {
        Files.writeString(tmp.resolve("out"), "a file");
        assertThatThrownBy(() -> new DatasetWriter(tmp.resolve("out"), FormatRoundTripTest.SPEC, ChunkType.SIM4J, 10,
                WriteOptions.DEFAULT))
                .isInstanceOf(OutputException.class)
                .hasMessageContaining("output exists and is not a folder");
        assertThat(tree(tmp)).containsOnlyKeys("", "out");
    }

    @Test
    void emptyExistingOutputFolderIsFilled() throws IOException {
        Files.createDirectories(tmp.resolve("out"));
        Map<String, int[]> rows = FormatRoundTripTest.writeRandom(tmp.resolve("out"), ChunkType.SIM4J, 20, 10, 1);
        assertThat(FormatRoundTripTest.readAll(tmp.resolve("out"), "train")).containsExactlyEntriesOf(rows);
        assertThat(tmp).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("."));
    }

    /** Working folders are named by process id: a dead process's is removed, a live one's (a parallel run) kept. */
    @Test
    void staleWorkingFoldersOfDeadProcessesAreRemovedByTheNextWriter() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        Process live = new ProcessBuilder("sleep", "60").start();
        try {
            Path stale = Files.createDirectories(tmp.resolve(".out.tmp-" + done.pid() + "/train"));
            Files.writeString(stale.resolve("part_00000.s4j"), "a killed run's rows");
            Path busy = Files.createDirectories(tmp.resolve(".out.tmp-" + live.pid()));
            FormatRoundTripTest.writeRandom(tmp.resolve("out"), ChunkType.SIM4J, 20, 10, 1);
            assertThat(tmp.resolve(".out.tmp-" + done.pid())).doesNotExist();
            assertThat(busy).isDirectory();
            assertThat(tmp.resolve("out/feature_spec.yaml")).isRegularFile();
        } finally {
            live.destroy();
        }
    }

    @Test
    void writerClosedWithoutCommitLeavesNothing() {
        try (DatasetWriter w = new DatasetWriter(tmp.resolve("out"), FormatRoundTripTest.SPEC, ChunkType.TFRECORD, 5,
                WriteOptions.DEFAULT)) {
            try (DatasetWriter.MappingWriter m = w.mapping("train", FormatRoundTripTest.features())) {
                m.write(FormatRoundTripTest.randomColumns(12, FormatRoundTripTest.SEED), 0, 12);
            }
        }
        assertThat(tree(tmp)).containsOnlyKeys("");
    }

    /**
     * The test mapping's last input file is corrupt, so conversion fails after the whole train mapping and part of
     * the test mapping were written.
     */
    @ParameterizedTest
    @EnumSource(names = {"TFRECORD", "CSV", "SIM4J"})
    void failedConvertLeavesNoOutputFolderAndNoPartialFiles(ChunkType target) throws IOException {
        Path in = tmp.resolve("in");
        FormatRoundTripTest.writeRandom(in, ChunkType.TFRECORD, 10_000, 2_500, 1);
        Path broken = in.resolve("test/part_00003.tfrecord");
        try (RandomAccessFile f = new RandomAccessFile(broken.toFile(), "rw")) {
            byte[] header = new byte[8];
            f.readFully(header);
            long firstLength = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long at = 12 + firstLength + 4 + 12 + 7;  // inside the data of record 2
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xff);
        }
        Map<String, String> before = tree(tmp);

        assertThatThrownBy(() -> DatasetConverter.convert(in, tmp.resolve("out"), target, 1_000, WriteOptions.DEFAULT))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(broken + ": record 2 at byte")
                .hasMessageContaining("data checksum (CRC32C) mismatch");

        assertThat(tmp.resolve("out")).doesNotExist();
        assertThat(tree(tmp)).as("no output folder, no hidden working folder, no temporary files").isEqualTo(before);
    }
}
