package dev.sim4j.data.format.tfrecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.FormatRoundTripTest;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged or unusual TFRecord files: every problem is a {@link DataException} naming the file, the record and its byte
 * offset, and the feature where there is one. Records are framed and encoded by hand here (not with sim4j's writer),
 * so the reader is checked against an independent implementation of the format.
 */
class TfRecordBadInputTest {
    static final int ROWS = 20;
    static final int L = 10;

    @TempDir
    Path dir;

    // ---- an independent TFRecord / tf.train.Example encoder ----

    static int maskedCrc32c(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    /** uint64 length, masked CRC32C of the length, data, masked CRC32C of the data; little-endian. */
    static byte[] frame(byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(12 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(data.length);
        b.putInt(maskedCrc32c(Arrays.copyOf(b.array(), 8)));
        b.put(data);
        b.putInt(maskedCrc32c(data));
        return b.array();
    }

    interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    static byte[] message(Body body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            body.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Feature { int64_list = 3 { packed value = 1 } } */
    static byte[] int64Feature(long... values) {
        byte[] list = message(out -> {
            byte[] packed = message(p -> {
                for (long v : values) {
                    p.writeInt64NoTag(v);
                }
            });
            out.writeByteArray(1, packed);
        });
        return message(out -> out.writeByteArray(3, list));
    }

    /** Feature { float_list = 2 { packed value = 1 } } */
    static byte[] floatFeature(float... values) {
        byte[] list = message(out -> out.writeByteArray(1, message(p -> {
            for (float v : values) {
                p.writeFloatNoTag(v);
            }
        })));
        return message(out -> out.writeByteArray(2, list));
    }

    /** Example { features = 1 { map<string, Feature> feature = 1 } }, entries in the map's iteration order. */
    static byte[] example(Map<String, byte[]> features) {
        byte[] featuresMsg = message(out -> {
            for (Map.Entry<String, byte[]> e : features.entrySet()) {
                out.writeByteArray(1, message(entry -> {
                    entry.writeString(1, e.getKey());
                    entry.writeByteArray(2, e.getValue());
                }));
            }
        });
        return message(out -> out.writeByteArray(1, featuresMsg));
    }

    /** The features of row {@code r} of {@code cols} as int64 lists, in feature order. */
    static Map<String, byte[]> row(int[][] cols, int r) {
        List<FeatureDef> features = FormatRoundTripTest.features();
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int f = 0; f < features.size(); f++) {
            int w = features.get(f).width();
            m.put(features.get(f).name(), int64Feature(Arrays.stream(cols[f], r * w, (r + 1) * w).asLongStream().toArray()));
        }
        return m;
    }

    static void writeRecords(Path file, List<byte[]> examples) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] e : examples) {
            out.write(frame(e));
        }
        Files.write(file, out.toByteArray());
    }

    // ---- helpers over a written dataset ----

    /** Writes a valid one-file tfrecord dataset; returns its columns. */
    private int[][] dataset(int prebatch) {
        int[][] cols = FormatRoundTripTest.randomColumns(ROWS, FormatRoundTripTest.SEED);
        FormatRoundTripTest.write(dir, cols, ROWS, ChunkType.TFRECORD, 1000, prebatch);
        return cols;
    }

    private Path trainFile() {
        return dir.resolve("train/part_00000.tfrecord");
    }

    /** Byte offsets of the records of a TFRecord file, from its length fields. */
    static List<Long> recordOffsets(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> offsets = new ArrayList<>();
        long at = 0;
        while (at < b.capacity()) {
            offsets.add(at);
            at += 12 + b.getLong((int) at) + 4;
        }
        assertThat(at).isEqualTo(b.capacity());
        return offsets;
    }

    static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5a);
        }
    }

    static void truncate(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }

    private void assertReadFails(String... parts) {
        var thrown = assertThatThrownBy(() -> FormatRoundTripTest.readAll(dir, "train"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(trainFile().toString());
        for (String p : parts) {
            thrown.hasMessageContaining(p);
        }
    }

    // ---- valid input written by hand ----

    @Test
    void handFramedRecordsReadLikeTheWritersOwn() throws IOException {
        int[][] cols = dataset(1);
        List<byte[]> records = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            records.add(example(row(cols, r)));
        }
        assertThat(Files.readAllBytes(trainFile())).as("writer output, byte for byte")
                .isEqualTo(records.stream().map(TfRecordBadInputTest::frame).reduce(new byte[0], TfRecordBadInputTest::concat));
        writeRecords(trainFile(), records.reversed());

        Map<String, int[]> read = FormatRoundTripTest.readAll(dir, "train");

        List<FeatureDef> features = FormatRoundTripTest.features();
        for (int f = 0; f < features.size(); f++) {
            int w = features.get(f).width();
            for (int r = 0; r < ROWS; r++) {
                assertThat(Arrays.copyOfRange(read.get(features.get(f).name()), r * w, (r + 1) * w))
                        .as("row %d feature %s", r, features.get(f).name())
                        .isEqualTo(Arrays.copyOfRange(cols[f], (ROWS - 1 - r) * w, (ROWS - r) * w));
            }
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void shorterSequenceIsLeftPaddedWithZeroLikeTheReference() throws IOException {
        int[][] cols = dataset(1);
        Map<String, byte[]> ragged = row(cols, 0);
        ragged.put("item_feat_0_pos", int64Feature(5, 6, 7));
        ragged.put("item_feat_1_pos", int64Feature(1, 2, 3));
        ragged.put("item_feat_0_neg", int64Feature());
        ragged.put("item_feat_1_neg", int64Feature());
        writeRecords(trainFile(), List.of(example(row(cols, 1)), example(ragged), example(row(cols, 2))));

        Map<String, int[]> read = FormatRoundTripTest.readAll(dir, "train");

        assertThat(read.get("label")).hasSize(3);
        assertThat(Arrays.copyOfRange(read.get("item_feat_0_pos"), L, 2 * L)).containsExactly(0, 0, 0, 0, 0, 0, 0, 5, 6, 7);
        assertThat(Arrays.copyOfRange(read.get("item_feat_1_pos"), L, 2 * L)).containsExactly(0, 0, 0, 0, 0, 0, 0, 1, 2, 3);
        assertThat(Arrays.copyOfRange(read.get("item_feat_0_neg"), L, 2 * L)).containsOnly(0);
        // The rows around it are untouched by the padding.
        assertThat(Arrays.copyOfRange(read.get("item_feat_0_pos"), 0, L)).isEqualTo(Arrays.copyOfRange(cols[4], L, 2 * L));
        assertThat(Arrays.copyOfRange(read.get("item_feat_0_pos"), 2 * L, 3 * L)).isEqualTo(Arrays.copyOfRange(cols[4], 2 * L, 3 * L));
    }

    @Test
    void prebatchedFilesReadBackRowIdentical() throws IOException {
        int rows = 10;
        int[][] cols = FormatRoundTripTest.randomColumns(rows, FormatRoundTripTest.SEED);
        FormatRoundTripTest.write(dir, cols, rows, ChunkType.TFRECORD, 1000, 4);

        List<Long> offsets = recordOffsets(trainFile());
        assertThat(offsets).hasSize(3);
        byte[] bytes = Files.readAllBytes(trainFile());
        int last = offsets.getLast().intValue();
        int len = (int) ByteBuffer.wrap(bytes, last, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Map<String, long[]> lastRecord = decode(Arrays.copyOfRange(bytes, last + 12, last + 12 + len));
        assertThat(lastRecord.get("label")).hasSize(2);
        assertThat(lastRecord.get("item_feat_0_pos")).hasSize(2 * L);
        assertThat(lastRecord.get("user_feat_0")).containsExactly(cols[1][8], cols[1][9]);

        assertThat(FormatRoundTripTest.readAll(dir, "train"))
                .containsExactlyEntriesOf(FormatRoundTripTest.byName(FormatRoundTripTest.features(), cols));
    }

    @Test
    void prebatchedFilesSplitOverSeveralFilesReadBackRowIdentical() {
        int rows = 23;
        int[][] cols = FormatRoundTripTest.randomColumns(rows, FormatRoundTripTest.SEED + 1);
        FormatRoundTripTest.write(dir, cols, rows, ChunkType.TFRECORD, 6, 4);
        assertThat(dir.resolve("train/part_00003.tfrecord")).exists();
        assertThat(FormatRoundTripTest.readAll(dir, "test"))
                .containsExactlyEntriesOf(FormatRoundTripTest.byName(FormatRoundTripTest.features(), cols));
    }

    /** Decodes an Example of int64 lists with protobuf's generic parser. */
    static Map<String, long[]> decode(byte[] example) throws IOException {
        Map<String, long[]> out = new LinkedHashMap<>();
        UnknownFieldSet features = UnknownFieldSet.parseFrom(
                UnknownFieldSet.parseFrom(example).getField(1).getLengthDelimitedList().getFirst());
        for (ByteString entryBytes : features.getField(1).getLengthDelimitedList()) {
            UnknownFieldSet entry = UnknownFieldSet.parseFrom(entryBytes);
            String key = entry.getField(1).getLengthDelimitedList().getFirst().toStringUtf8();
            UnknownFieldSet feature = UnknownFieldSet.parseFrom(entry.getField(2).getLengthDelimitedList().getFirst());
            UnknownFieldSet list = UnknownFieldSet.parseFrom(feature.getField(3).getLengthDelimitedList().getFirst());
            List<Long> values = new ArrayList<>();
            for (ByteString packed : list.getField(1).getLengthDelimitedList()) {
                CodedInputStream in = packed.newCodedInput();
                while (!in.isAtEnd()) {
                    values.add(in.readInt64());
                }
            }
            out.put(key, values.stream().mapToLong(Long::longValue).toArray());
        }
        return out;
    }

    // ---- damaged framing ----

    @Test
    void flippedDataByteIsADataChecksumMismatch() throws IOException {
        dataset(1);
        List<Long> offsets = recordOffsets(trainFile());
        long record3 = offsets.get(2);
        flipByte(trainFile(), record3 + 12 + 40);
        assertReadFails("record 3 at byte " + record3 + ": ", "data checksum (CRC32C) mismatch");
    }

    @Test
    void flippedLengthByteIsALengthChecksumMismatch() throws IOException {
        dataset(1);
        long record2 = recordOffsets(trainFile()).get(1);
        flipByte(trainFile(), record2 + 1);
        assertReadFails("record 2 at byte " + record2 + ": ", "length checksum (CRC32C) mismatch");
    }

    @Test
    void fileCutInsideARecordIsAShortRead() throws IOException {
        dataset(1);
        long record5 = recordOffsets(trainFile()).get(4);
        truncate(trainFile(), record5 + 12 + 30);
        assertReadFails("record 5 at byte " + record5 + ": ", "truncated", "(short read)");
    }

    @Test
    void fileCutInsideARecordHeaderIsAShortRead() throws IOException {
        dataset(1);
        long record7 = recordOffsets(trainFile()).get(6);
        truncate(trainFile(), record7 + 5);
        assertReadFails("record 7 at byte " + record7 + ": ", "5 bytes left", "(short read)");
    }

    // ---- well-framed records that are not rows of this spec ----

    @Test
    void sequenceLongerThanItsDimensions() throws IOException {
        int[][] cols = dataset(1);
        Map<String, byte[]> bad = row(cols, 1);
        bad.put("item_feat_1_neg", int64Feature(1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4));
        writeRecords(trainFile(), List.of(example(row(cols, 0)), example(bad)));
        long record2 = recordOffsets(trainFile()).get(1);
        assertReadFails("record 2 at byte " + record2 + ": ",
                "feature item_feat_1_neg holds 11 values; expected at most 10 values", "sequence of the wrong length");
    }

    @Test
    void shortSequenceInAPrebatchedRecordIsAnError() throws IOException {
        int[][] cols = dataset(1);
        Map<String, byte[]> two = new LinkedHashMap<>();
        List<FeatureDef> features = FormatRoundTripTest.features();
        for (int f = 0; f < features.size(); f++) {
            int w = features.get(f).width();
            int end = features.get(f).name().equals("item_feat_0_pos") ? 2 * w - 1 : 2 * w;
            two.put(features.get(f).name(), int64Feature(Arrays.stream(cols[f], 0, end).asLongStream().toArray()));
        }
        writeRecords(trainFile(), List.of(example(two)));
        assertReadFails("record 1 at byte 0: ", "feature item_feat_0_pos holds 19 values; expected 2 x 10 = 20 values");
    }

    @Test
    void missingFeature() throws IOException {
        int[][] cols = dataset(1);
        Map<String, byte[]> bad = row(cols, 2);
        bad.remove("user_feat_0");
        writeRecords(trainFile(), List.of(example(row(cols, 0)), example(row(cols, 1)), example(bad)));
        long record3 = recordOffsets(trainFile()).get(2);
        assertReadFails("record 3 at byte " + record3 + ": ", "feature user_feat_0 is missing from the example");
    }

    @Test
    void floatListFeature() throws IOException {
        int[][] cols = dataset(1);
        Map<String, byte[]> bad = row(cols, 1);
        bad.put("label", floatFeature(1.0f));
        writeRecords(trainFile(), List.of(example(row(cols, 0)), example(bad)));
        long record2 = recordOffsets(trainFile()).get(1);
        assertReadFails("record 2 at byte " + record2 + ": ", "feature label is stored as a float_list");
    }

    @Test
    void notAnExampleAtAll() throws IOException {
        dataset(1);
        // Well framed, but the payload is a truncated length-delimited field.
        writeRecords(trainFile(), List.of(new byte[] {(byte) (1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED), 100, 1}));
        assertReadFails("record 1 at byte 0: ", "not a valid tf.train.Example");
    }
}
