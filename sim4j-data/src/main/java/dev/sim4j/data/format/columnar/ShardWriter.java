package dev.sim4j.data.format.columnar;

import dev.sim4j.data.DataException;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.format.AtomicFile;
import dev.sim4j.data.format.RowWriter;
import dev.sim4j.data.spec.FeatureDef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes a shard. Rows arrive incrementally, so each column is streamed to its own temporary file (with its
 * checksum computed on the way); {@link #close()} then writes the header and concatenates the columns.
 */
final class ShardWriter implements RowWriter {
    private final AtomicFile out;
    private final List<FeatureDef> features;
    private final List<Column> columns = new ArrayList<>();
    private long rows;
    private boolean closed;

    private static final class Column {
        final FeatureDef feature;
        final ColumnType type;
        final int width;
        final Path tempFile;
        final FileChannel channel;
        final CRC32C crc = new CRC32C();
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        long bytes;

        Column(FeatureDef feature, Path tempFile) throws IOException {
            this.feature = feature;
            this.type = ColumnType.forFeature(feature);
            this.width = feature.width();
            this.tempFile = tempFile;
            this.channel = FileChannel.open(tempFile, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE, StandardOpenOption.READ);
        }

        void put(int[] values, int from, int count) throws IOException {
            int i = from;
            int end = from + count;
            while (i < end) {
                if (buffer.remaining() < type.bytes) {
                    flush();
                }
                int n = Math.min(end - i, buffer.remaining() / type.bytes);
                switch (type) {
                    case INT32 -> {
                        buffer.asIntBuffer().put(values, i, n);
                        buffer.position(buffer.position() + n * 4);
                    }
                    case INT8 -> {
                        for (int k = 0; k < n; k++) {
                            buffer.put((byte) values[i + k]);
                        }
                    }
                    case INT16 -> {
                        for (int k = 0; k < n; k++) {
                            buffer.putShort((short) values[i + k]);
                        }
                    }
                    case INT64 -> {
                        for (int k = 0; k < n; k++) {
                            buffer.putLong(values[i + k]);
                        }
                    }
                }
                i += n;
            }
        }

        void flush() throws IOException {
            buffer.flip();
            crc.update(buffer.duplicate());
            bytes += buffer.remaining();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }
    }

    ShardWriter(Path file, List<FeatureDef> features) {
        this.out = AtomicFile.of(file);
        this.features = List.copyOf(features);
        try {
            for (int i = 0; i < features.size(); i++) {
                columns.add(new Column(features.get(i), out.temp().resolveSibling(out.temp().getFileName() + ".col" + i)));
            }
        } catch (IOException e) {
            abort();
            throw new OutputException(file + ": cannot create temporary column files: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(int[][] src, int srcRow, int count) {
        try {
            for (int f = 0; f < columns.size(); f++) {
                Column c = columns.get(f);
                checkFits(c, src[f], srcRow * c.width, count * c.width);
                c.put(src[f], srcRow * c.width, count * c.width);
            }
        } catch (IOException e) {
            abort();
            throw new OutputException(out.target() + ": write failed: " + e.getMessage(), e);
        }
        rows += count;
    }

    private void checkFits(Column c, int[] values, int from, int count) {
        if (c.type == ColumnType.INT8) {
            for (int i = from; i < from + count; i++) {
                if (values[i] < Byte.MIN_VALUE || values[i] > Byte.MAX_VALUE) {
                    throw new DataException(out.target() + ": feature " + c.feature.name() + " value " + values[i]
                            + " does not fit its dtype " + c.feature.dtype());
                }
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            for (Column c : columns) {
                c.flush();
            }
            ByteBuffer header = header();
            try (FileChannel ch = FileChannel.open(out.temp(), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                while (header.hasRemaining()) {
                    ch.write(header);
                }
                for (Column c : columns) {
                    long pos = 0;
                    while (pos < c.bytes) {
                        pos += c.channel.transferTo(pos, c.bytes - pos, ch);
                    }
                    long pad = ShardLayout.align(ch.position()) - ch.position();
                    if (pad > 0) {
                        ch.write(ByteBuffer.allocate((int) pad));
                    }
                }
                ch.force(false);
            }
            closeColumns();
            out.commit();
            closed = true;
        } catch (IOException e) {
            abort();
            throw new OutputException(out.target() + ": write failed: " + e.getMessage(), e);
        }
    }

    private ByteBuffer header() {
        int size = ShardLayout.FIXED_HEADER + 4;
        for (Column c : columns) {
            size += 2 + c.feature.name().getBytes(StandardCharsets.UTF_8).length + 2 + 4 * c.feature.dimensions().size()
                    + 8 + 8 + 4;
        }
        int headerBytes = (int) ShardLayout.align(size);
        ByteBuffer h = ByteBuffer.allocate(headerBytes).order(ByteOrder.LITTLE_ENDIAN);
        h.put(ShardLayout.MAGIC).putInt(ShardLayout.VERSION).putInt(headerBytes).putLong(rows).putInt(columns.size());
        long offset = headerBytes;
        for (Column c : columns) {
            byte[] name = c.feature.name().getBytes(StandardCharsets.UTF_8);
            h.putShort((short) name.length).put(name).put((byte) c.type.code).put((byte) c.feature.dimensions().size());
            for (int d : c.feature.dimensions()) {
                h.putInt(d);
            }
            h.putLong(offset).putLong(c.bytes).putInt((int) c.crc.getValue());
            offset = ShardLayout.align(offset + c.bytes);
        }
        CRC32C crc = new CRC32C();
        crc.update(h.array(), 0, h.position());
        h.putInt((int) crc.getValue());
        h.position(0);
        return h;
    }

    private void closeColumns() {
        for (Column c : columns) {
            try {
                c.channel.close();
                Files.deleteIfExists(c.tempFile);
            } catch (IOException ignored) {
                // Temporary column files are hidden and removed on the next successful write.
            }
        }
    }

    @Override
    public void abort() {
        closeColumns();
        out.discard();
        closed = true;
    }
}
