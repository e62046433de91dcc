package dev.sim4j.data.format.csv;

import dev.sim4j.data.DataException;
import dev.sim4j.data.format.RowReader;
import dev.sim4j.data.spec.FeatureDef;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;

/** Parses CSV rows straight from a memory-mapped file into int columns; every error names the line and feature. */
final class CsvReader implements RowReader {
    private final Path file;
    private final List<FeatureDef> features;
    private final int[] widths;
    private final Arena arena;
    private final MemorySegment data;
    private final long size;
    private long pos;
    private long line;

    CsvReader(Path file, List<FeatureDef> features) {
        this.file = file;
        this.features = List.copyOf(features);
        this.widths = features.stream().mapToInt(FeatureDef::width).toArray();
        this.arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            this.data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
        } catch (IOException e) {
            arena.close();
            throw new DataException(file + ": cannot open: " + e.getMessage(), e);
        }
        this.size = data.byteSize();
        try {
            skipHeader();
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private byte at(long i) {
        return data.get(ValueLayout.JAVA_BYTE, i);
    }

    private void skipHeader() {
        if (size == 0) {
            return;
        }
        byte first = at(0);
        if ((first >= '0' && first <= '9') || first == '-') {
            return;
        }
        long end = 0;
        while (end < size && at(end) != '\n') {
            end++;
        }
        String header = new String(data.asSlice(0, end).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8).strip();
        String expected = features.stream().map(FeatureDef::name).collect(Collectors.joining(","));
        if (!header.equals(expected)) {
            throw new DataException(file + ": line 1: header '" + header + "' does not match the chunk's features '"
                    + expected + "' (same names, same order)");
        }
        pos = Math.min(size, end + 1);
        line = 1;
    }

    private DataException fail(String what) {
        return new DataException(file + ": line " + line + ": " + what);
    }

    @Override
    public int read(int[][] columns, int dstRow, int maxRows) {
        if (wantsNothing(columns)) {
            return skip(maxRows);
        }
        int done = 0;
        while (done < maxRows && pos < size) {
            line++;
            if (at(pos) == '\n' || at(pos) == '\r') {
                throw fail("empty line; every line must hold one row");
            }
            for (int f = 0; f < widths.length; f++) {
                int[] dst = columns[f];
                int w = widths[f];
                int base = (dstRow + done) * w;
                for (int k = 0; k < w; k++) {
                    long v = 0;
                    boolean negative = false;
                    long start = pos;
                    if (pos < size && at(pos) == '-') {
                        negative = true;
                        pos++;
                    }
                    int digits = 0;
                    byte b;
                    while (pos < size && (b = at(pos)) >= '0' && b <= '9') {
                        v = v * 10 + (b - '0');
                        // -2147483648 fits an int, 2147483648 does not (it would wrap to a negative id).
                        if (v > (negative ? Integer.MAX_VALUE + 1L : Integer.MAX_VALUE)) {
                            throw fail("feature " + features.get(f).name() + ": value is outside the 32-bit id range");
                        }
                        pos++;
                        digits++;
                    }
                    if (digits == 0) {
                        throw fail("feature " + features.get(f).name() + ": expected a whole number at value " + (k + 1)
                                + " of " + w + ", found '" + snippet(start) + "'");
                    }
                    if (dst != null) {
                        dst[base + k] = (int) (negative ? -v : v);
                    }
                    byte sep = pos < size ? at(pos) : (byte) '\n';
                    boolean lastValue = k == w - 1;
                    boolean lastField = f == widths.length - 1;
                    if (!lastValue) {
                        if (sep != ' ') {
                            throw fail("feature " + features.get(f).name() + " holds " + (k + 1) + " values; expected " + w
                                    + " (its dimensions " + features.get(f).dimensions() + "): sequence of the wrong length");
                        }
                        pos++;
                    } else if (sep == ' ') {
                        throw fail("feature " + features.get(f).name() + " holds more than " + w + " values (its dimensions "
                                + features.get(f).dimensions() + "): sequence of the wrong length");
                    } else if (!lastField) {
                        if (sep != ',') {
                            throw fail("expected ',' after feature " + features.get(f).name() + ", found '" + snippet(pos)
                                    + "' (the line has fewer fields than the chunk's " + widths.length + " features)");
                        }
                        pos++;
                    } else {
                        if (sep == '\r' && pos + 1 < size && at(pos + 1) == '\n') {
                            pos++;
                            sep = '\n';
                        }
                        if (sep != '\n') {
                            throw fail("the line has more fields than the chunk's " + widths.length + " features, or a stray '"
                                    + snippet(pos) + "'");
                        }
                        pos++;
                    }
                }
            }
            done++;
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

    /**
     * Skips up to maxRows lines without parsing them (a pipeline's other reader threads read them; a line that is
     * not a valid row is reported by the reader that reads it, which comes first in the batch order); how many.
     */
    private int skip(int maxRows) {
        int done = 0;
        while (done < maxRows && pos < size) {
            line++;
            long nl = nextNewline(pos);
            pos = nl < 0 ? size : nl + 1;
            done++;
        }
        return done;
    }

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final ValueLayout.OfLong LONG_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    /** The offset of the first '\n' at or after from, or -1: eight bytes at a time (a zero-byte test on v ^ '\n'). */
    private long nextNewline(long from) {
        long i = from;
        while (i + 8 <= size) {
            long v = data.get(LONG_LE, i) ^ NEWLINES;
            long hit = (v - ONES) & ~v & HIGHS;
            if (hit != 0) {
                return i + (Long.numberOfTrailingZeros(hit) >>> 3);
            }
            i += 8;
        }
        for (; i < size; i++) {
            if (at(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private String snippet(long from) {
        long end = from;
        while (end < size && end - from < 20 && at(end) != '\n' && at(end) != ',' && at(end) != ' ') {
            end++;
        }
        return new String(data.asSlice(from, end - from).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    @Override
    public String positionHint() {
        return "line " + line;
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
