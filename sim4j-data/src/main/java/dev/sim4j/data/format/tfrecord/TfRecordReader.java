package dev.sim4j.data.format.tfrecord;

import dev.sim4j.data.DataException;
import dev.sim4j.data.format.RowReader;
import dev.sim4j.data.spec.FeatureDef;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Reads a TFRecord file through a memory mapping, checking both CRC32C values of every record. A record holds one
 * row, or N rows when prebatched (every list then holds N x width values). As in the reference's loader, a
 * sequence of a one-row record may be shorter than its dimensions and is then padded in front with 0.
 */
final class TfRecordReader implements RowReader {
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final List<FeatureDef> features;
    private final int[] widths;
    private final Arena arena;
    private final MemorySegment data;
    private final ExampleCodec codec;
    /**
     * Decodes only the feature that gives a record's row count (the first scalar, else the first), for skipping:
     * every other feature's bytes are passed over unread.
     */
    private final ExampleCodec rowCounter;
    private final int countedFeature;
    private byte[] buffer = new byte[1 << 16];
    private long offset;
    private long recordOffset;
    private long recordIndex = -1;
    private int pendingRows;
    private int pendingFrom;

    TfRecordReader(Path file, List<FeatureDef> features) {
        this.file = file;
        this.features = List.copyOf(features);
        this.widths = features.stream().mapToInt(FeatureDef::width).toArray();
        this.codec = new ExampleCodec(features.stream().map(FeatureDef::name).toArray(String[]::new));
        this.countedFeature = firstScalar();
        this.rowCounter = new ExampleCodec(new String[] {features.get(countedFeature).name()});
        this.arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            this.data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (IOException e) {
            arena.close();
            throw new DataException(file + ": cannot open: " + e.getMessage(), e);
        }
    }

    private DataException fail(long at, String what) {
        return new DataException(file + ": record " + (recordIndex + 1) + " at byte " + at + ": " + what);
    }

    /** Reads the next record into the codec; false at a clean end of file. */
    private boolean nextRecord() {
        if (!frameNext()) {
            return false;
        }
        int len = copyRecord();
        if (TfRecordFraming.maskedCrc(buffer, 0, len) != data.get(INT_LE, offset + TfRecordFraming.HEADER_BYTES + len)) {
            throw fail(offset, "data checksum (CRC32C) mismatch: the file is corrupt");
        }
        offset = recordEnd(len);
        try {
            codec.decode(buffer, 0, len);
        } catch (ExampleCodec.BadExample e) {
            throw fail(recordOffset, e.getMessage());
        }
        pendingRows = rowsInRecord();
        pendingFrom = 0;
        return true;
    }

    private long recordEnd(int len) {
        return offset + TfRecordFraming.HEADER_BYTES + len + TfRecordFraming.FOOTER_BYTES;
    }

    /** Copies the data of the record at offset (framed by {@link #frameNext}) into the buffer; its length. */
    private int copyRecord() {
        int len = (int) data.get(LONG_LE, offset);
        if (buffer.length < len) {
            buffer = new byte[Math.max(len, buffer.length * 2)];
        }
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, offset + TfRecordFraming.HEADER_BYTES, buffer, 0, len);
        return len;
    }

    /**
     * Checks the framing of the record at offset (its header, the length's checksum, that the file holds it) and
     * makes it the current record, without moving past it; false at a clean end of file.
     */
    private boolean frameNext() {
        long size = data.byteSize();
        if (offset == size) {
            return false;
        }
        recordIndex++;
        recordOffset = offset;
        if (size - offset < TfRecordFraming.HEADER_BYTES) {
            throw fail(offset, "truncated: " + (size - offset) + " bytes left, a record header needs 12 (short read)");
        }
        long length = data.get(LONG_LE, offset);
        byte[] lenBytes = data.asSlice(offset, 8).toArray(ValueLayout.JAVA_BYTE);
        if (TfRecordFraming.maskedCrc(lenBytes, 0, 8) != data.get(INT_LE, offset + 8)) {
            throw fail(offset, "length checksum (CRC32C) mismatch: not a TFRecord file, or corrupt");
        }
        long end = offset + TfRecordFraming.HEADER_BYTES + length + TfRecordFraming.FOOTER_BYTES;
        if (length < 0 || end > size) {
            throw fail(offset, "truncated: the record declares " + length + " bytes but the file ends at byte " + size
                    + " (short read)");
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw fail(offset, "record of " + length + " bytes is too large");
        }
        return true;
    }

    /**
     * Skips up to maxRows rows; returns how many. A whole record is only framed and its row count read from one
     * feature: its data checksum and values are checked by the reader that reads its rows (a pipeline's other reader
     * threads skip them), so a skip never reports what a read of the same rows would not. A record that the skip ends
     * inside is read in full, for the rows after the skip. A record whose row count cannot be read this way (the
     * feature missing, malformed bytes) is read in full too, for the read's exact error.
     */
    private int skip(int maxRows) {
        int done = Math.min(pendingRows, maxRows);
        pendingFrom += done;
        pendingRows -= done;
        while (done < maxRows) {
            long at = offset;
            long index = recordIndex;
            if (!frameNext()) {
                break;
            }
            int len = copyRecord();
            int rows = countRows(len);
            if (rows > 0 && rows <= maxRows - done) {
                offset = recordEnd(len);
                done += rows;
                continue;
            }
            offset = at;
            recordIndex = index;
            if (!nextRecord()) {
                break;
            }
            int n = Math.min(pendingRows, maxRows - done);
            pendingFrom += n;
            pendingRows -= n;
            done += n;
        }
        return done;
    }

    /** The rows of the record in the buffer by {@link #rowsInRecord}'s rule, from the counted feature alone; 0 if unknown. */
    private int countRows(int len) {
        try {
            rowCounter.decode(buffer, 0, len);
        } catch (ExampleCodec.BadExample e) {
            return 0;
        }
        if (!rowCounter.present[0]) {
            return 0;
        }
        int c = rowCounter.counts[0];
        return widths[countedFeature] == 1 ? c : Math.max(1, c / widths[countedFeature]);
    }

    private int rowsInRecord() {
        for (int f = 0; f < widths.length; f++) {
            if (!codec.present[f]) {
                throw fail(recordOffset, "feature " + features.get(f).name() + " is missing from the example");
            }
        }
        int rows = -1;
        for (int f = 0; f < widths.length; f++) {
            if (widths[f] == 1) {
                rows = codec.counts[f];
                break;
            }
        }
        if (rows == -1) {
            rows = Math.max(1, codec.counts[0] / widths[0]);
        }
        if (rows == 0) {
            throw fail(recordOffset, "feature " + features.get(firstScalar()).name() + " holds no value");
        }
        for (int f = 0; f < widths.length; f++) {
            int c = codec.counts[f];
            boolean ok = rows == 1 ? (widths[f] == 1 ? c == 1 : c <= widths[f]) : c == rows * widths[f];
            if (!ok) {
                String expected = rows == 1
                        ? (widths[f] == 1 ? "1 value" : "at most " + widths[f] + " values (its dimensions " + features.get(f).dimensions() + ")")
                        : rows + " x " + widths[f] + " = " + rows * widths[f] + " values (a prebatched record of " + rows + " rows)";
                throw fail(recordOffset, "feature " + features.get(f).name() + " holds " + c + " values; expected " + expected
                        + " (sequence of the wrong length)");
            }
        }
        return rows;
    }

    private int firstScalar() {
        for (int f = 0; f < widths.length; f++) {
            if (widths[f] == 1) {
                return f;
            }
        }
        return 0;
    }

    @Override
    public int read(int[][] columns, int dstRow, int maxRows) {
        if (wantsNothing(columns)) {
            return skip(maxRows);
        }
        int done = 0;
        while (done < maxRows) {
            if (pendingRows == 0 && !nextRecord()) {
                break;
            }
            int n = Math.min(pendingRows, maxRows - done);
            for (int f = 0; f < widths.length; f++) {
                int[] dst = columns[f];
                if (dst == null) {
                    continue;
                }
                int w = widths[f];
                int count = codec.counts[f];
                int at = (dstRow + done) * w;
                if (count < w) {
                    int pad = w - count;
                    java.util.Arrays.fill(dst, at, at + pad, 0);
                    System.arraycopy(codec.values[f], 0, dst, at + pad, count);
                } else {
                    System.arraycopy(codec.values[f], pendingFrom * w, dst, at, n * w);
                }
            }
            pendingFrom += n;
            pendingRows -= n;
            done += n;
        }
        return done;
    }

    private static boolean wantsNothing(int[][] columns) {
        for (int[] c : columns) {
            if (c != null) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String positionHint() {
        return recordIndex < 0 ? "" : "record " + (recordIndex + 1) + " at byte " + recordOffset;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
