package dev.sim4j.data.format.columnar;

import dev.sim4j.data.DataException;
import dev.sim4j.data.format.RowReader;
import dev.sim4j.data.spec.FeatureDef;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.zip.CRC32C;

/**
 * Reads a shard through a memory mapping owned by a shared {@link Arena} (the pipeline opens readers on one thread
 * and reads on another); {@link #close()} unmaps it. The header and the columns a caller asks for are checked
 * against their CRC32C on first use.
 */
final class ShardReader implements RowReader {
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private record Column(String name, ColumnType type, int[] dims, long offset, long bytes, int crc) {
        int width() {
            int w = 1;
            for (int d : dims) {
                w *= d;
            }
            return w;
        }
    }

    private final Path file;
    private final Arena arena;
    private final MemorySegment data;
    private final long rows;
    private final Column[] byFeature;
    private final boolean[] verified;
    private long position;

    ShardReader(Path file, List<FeatureDef> features) {
        this.file = file;
        this.arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            this.data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (IOException e) {
            arena.close();
            throw new DataException(file + ": cannot open: " + e.getMessage(), e);
        }
        try {
            Map<String, Column> columns = readHeader();
            this.rows = data.get(LONG_LE, 16);
            this.byFeature = new Column[features.size()];
            for (int f = 0; f < features.size(); f++) {
                FeatureDef def = features.get(f);
                Column c = columns.get(def.name());
                if (c == null) {
                    throw fail("has no column for feature " + def.name() + " (it holds " + columns.keySet()
                            + "); the spec and the file disagree");
                }
                if (c.width() != def.width()) {
                    throw fail("column " + def.name() + " has shape " + Arrays.toString(c.dims) + " but the spec says "
                            + def.dimensions());
                }
                long expected = rows * c.width() * c.type.bytes;
                if (c.bytes != expected) {
                    throw fail("column " + def.name() + " holds " + c.bytes + " bytes; " + rows + " rows need " + expected);
                }
                if (c.offset + c.bytes > data.byteSize()) {
                    throw fail("is truncated: column " + def.name() + " ends at byte " + (c.offset + c.bytes)
                            + " but the file has " + data.byteSize() + " bytes");
                }
                byFeature[f] = c;
            }
            this.verified = new boolean[features.size()];
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private Map<String, Column> readHeader() {
        if (data.byteSize() < ShardLayout.FIXED_HEADER + 4) {
            throw fail("is truncated: " + data.byteSize() + " bytes, shorter than a shard header");
        }
        byte[] magic = data.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(magic, ShardLayout.MAGIC)) {
            throw fail("is not a sim4j columnar shard (wrong magic bytes '"
                    + new String(magic, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "?") + "')");
        }
        int version = data.get(INT_LE, 8);
        if (version != ShardLayout.VERSION) {
            throw fail("has format version " + version + "; this sim4j reads version " + ShardLayout.VERSION);
        }
        long headerBytes = Integer.toUnsignedLong(data.get(INT_LE, 12));
        if (headerBytes > data.byteSize()) {
            throw fail("is truncated: the header needs " + headerBytes + " bytes, the file has " + data.byteSize());
        }
        int count = data.get(INT_LE, 24);
        long p = ShardLayout.FIXED_HEADER;
        Map<String, Column> columns = new HashMap<>();
        List<Column> ordered = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                int nameLen = Short.toUnsignedInt(data.get(SHORT_LE, p));
                String name = new String(data.asSlice(p + 2, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                p += 2 + nameLen;
                ColumnType type = ColumnType.ofCode(data.get(ValueLayout.JAVA_BYTE, p));
                int rank = data.get(ValueLayout.JAVA_BYTE, p + 1);
                p += 2;
                int[] dims = new int[rank];
                for (int d = 0; d < rank; d++) {
                    dims[d] = data.get(INT_LE, p);
                    p += 4;
                }
                long offset = data.get(LONG_LE, p);
                long bytes = data.get(LONG_LE, p + 8);
                int crc = data.get(INT_LE, p + 16);
                p += 20;
                if (type == null) {
                    throw fail("column " + name + " has an unknown type code");
                }
                Column c = new Column(name, type, dims, offset, bytes, crc);
                columns.put(name, c);
                ordered.add(c);
            }
        } catch (IndexOutOfBoundsException e) {
            throw fail("has a damaged header (column table runs past the header)");
        }
        if (p + 4 > headerBytes) {
            throw fail("has a damaged header (column table runs past the header)");
        }
        CRC32C crc = new CRC32C();
        crc.update(data.asSlice(0, p).asByteBuffer());
        if ((int) crc.getValue() != data.get(INT_LE, p)) {
            throw fail("header checksum mismatch: the file is corrupt; re-create it (sim4j spec convert)");
        }
        return columns;
    }

    private DataException fail(String what) {
        return new DataException(file + ": " + what);
    }

    /** Rows in this shard, from its header. */
    long rows() {
        return rows;
    }

    private void verify(int f) {
        Column c = byFeature[f];
        CRC32C crc = new CRC32C();
        long chunk = 1L << 30;
        for (long off = 0; off < c.bytes; off += chunk) {
            crc.update(data.asSlice(c.offset + off, Math.min(chunk, c.bytes - off)).asByteBuffer());
        }
        if ((int) crc.getValue() != c.crc) {
            throw fail("checksum mismatch in column " + c.name + " (bytes " + c.offset + ".." + (c.offset + c.bytes)
                    + "): the file is corrupt; re-create it (sim4j spec convert)");
        }
        verified[f] = true;
    }

    /**
     * Checks the CRC32C of every wanted column not yet checked, several columns at once (the checksums of a
     * shard's columns are most of the cost of reading it). As when checking one after the other, a failure is
     * reported for the first failing column in feature order, before any of its values are handed out.
     */
    private void verifyWanted(int[][] columns) {
        int[] todo = new int[byFeature.length];
        int n = 0;
        for (int f = 0; f < byFeature.length; f++) {
            if (columns[f] != null && !verified[f]) {
                todo[n++] = f;
            }
        }
        if (n == 0) {
            return;
        }
        if (n == 1) {
            verify(todo[0]);
            return;
        }
        RuntimeException[] failures = new RuntimeException[byFeature.length];
        IntStream.of(Arrays.copyOf(todo, n)).parallel().forEach(f -> {
            try {
                verify(f);
            } catch (RuntimeException e) {
                failures[f] = e;
            }
        });
        for (int i = 0; i < n; i++) {
            if (failures[todo[i]] != null) {
                throw failures[todo[i]];
            }
        }
    }

    @Override
    public int read(int[][] columns, int dstRow, int maxRows) {
        int n = (int) Math.min(maxRows, rows - position);
        if (n <= 0) {
            return 0;
        }
        verifyWanted(columns);
        for (int f = 0; f < byFeature.length; f++) {
            int[] dst = columns[f];
            if (dst == null) {
                continue;
            }
            Column c = byFeature[f];
            int w = c.width();
            long src = c.offset + position * w * c.type.bytes;
            int at = dstRow * w;
            int count = n * w;
            switch (c.type) {
                case INT32 -> MemorySegment.copy(data, INT_LE, src, dst, at, count);
                case INT8 -> {
                    for (int i = 0; i < count; i++) {
                        dst[at + i] = data.get(ValueLayout.JAVA_BYTE, src + i);
                    }
                }
                case INT16 -> {
                    for (int i = 0; i < count; i++) {
                        dst[at + i] = data.get(SHORT_LE, src + 2L * i);
                    }
                }
                case INT64 -> {
                    for (int i = 0; i < count; i++) {
                        long v = data.get(LONG_LE, src + 8L * i);
                        if (v != (int) v) {
                            throw fail("row " + (position + i / w + 1) + ", feature " + c.name + ": value " + v
                                    + " is outside the 32-bit id range");
                        }
                        dst[at + i] = (int) v;
                    }
                }
            }
        }
        position += n;
        return n;
    }

    @Override
    public String positionHint() {
        return "";
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
