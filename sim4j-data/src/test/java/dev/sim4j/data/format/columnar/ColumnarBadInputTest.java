package dev.sim4j.data.format.columnar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.FormatRoundTripTest;
import dev.sim4j.data.spec.ChunkType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged sim4j shards are refused with a {@link DataException} naming the file and, for column damage, the column. */
class ColumnarBadInputTest {
    static final int ROWS = 40;

    @TempDir
    Path dir;
    Path shard;

    @BeforeEach
    void writeDataset() {
        FormatRoundTripTest.writeRandom(dir, ChunkType.SIM4J, ROWS, 1000, 1);
        shard = dir.resolve("train/part_00000.s4j");
        assertThat(shard).exists();
    }

    /** Column name -> {data offset, data length, offset of the name in the header}, parsed per {@link ShardLayout}. */
    static Map<String, long[]> columns(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int count = b.getInt(24);
        int p = ShardLayout.FIXED_HEADER;
        Map<String, long[]> out = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int nameLen = Short.toUnsignedInt(b.getShort(p));
            String name = new String(b.array(), p + 2, nameLen, StandardCharsets.UTF_8);
            int nameAt = p + 2;
            p += 2 + nameLen;
            int rank = b.get(p + 1);
            p += 2 + 4 * rank;
            out.put(name, new long[] {b.getLong(p), b.getLong(p + 8), nameAt});
            p += 20;
        }
        return out;
    }

    static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            int v = f.read();
            f.seek(at);
            f.write(v ^ 0x01);
        }
    }

    private void assertReadFails(String... parts) {
        var thrown = assertThatThrownBy(() -> FormatRoundTripTest.readAll(dir, "train"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(shard.toString());
        for (String p : parts) {
            thrown.hasMessageContaining(p);
        }
    }

    @Test
    void intactShardReads() {
        assertThat(FormatRoundTripTest.readAll(dir, "train").get("label")).hasSize(ROWS);
    }

    @Test
    void wrongMagic() throws IOException {
        flipByte(shard, 3);
        assertReadFails("is not a sim4j columnar shard (wrong magic bytes 'SIM5JCOL')");
    }

    @Test
    void otherFileUnderTheShardName() throws IOException {
        Files.writeString(shard, "label,user_feat_0\n1,2\n1,3\n2,4\n4,5\n1,2\n1,3\n2,4\n4,5\n");
        assertReadFails("is not a sim4j columnar shard");
    }

    @Test
    void truncatedInsideAColumn() throws IOException {
        Map<String, long[]> cols = columns(shard);
        long[] pos = cols.get("item_feat_0_pos");
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.setLength(pos[0] + pos[1] / 2);
        }
        assertReadFails("is truncated: column item_feat_0_pos ends at byte " + (pos[0] + pos[1]),
                "the file has " + (pos[0] + pos[1] / 2) + " bytes");
    }

    @Test
    void truncatedInsideTheHeader() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.setLength(20);
        }
        assertReadFails("is truncated");
    }

    @Test
    void flippedByteInAColumnNamesTheColumn() throws IOException {
        long[] neg = columns(shard).get("item_feat_1_neg");
        flipByte(shard, neg[0] + neg[1] / 3);
        assertReadFails("checksum mismatch in column item_feat_1_neg (bytes " + neg[0] + ".." + (neg[0] + neg[1]) + ")");
    }

    @Test
    void flippedByteInAOneByteColumn() throws IOException {
        long[] label = columns(shard).get("label");
        assertThat(label[1]).as("label is stored as int8").isEqualTo(ROWS);
        flipByte(shard, label[0] + ROWS - 1);
        assertReadFails("checksum mismatch in column label");
    }

    @Test
    void flippedHeaderByte() throws IOException {
        long nameAt = columns(shard).get("user_feat_0")[2];
        flipByte(shard, nameAt + 2);
        assertReadFails("header checksum mismatch");
    }

    @Test
    void flippedRowCountInTheHeader() throws IOException {
        flipByte(shard, 16);
        assertReadFails("header checksum mismatch");
    }
}
