package dev.sim4j.data.format.tfrecord;

import com.google.protobuf.CodedOutputStream;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.format.AtomicFile;
import dev.sim4j.data.format.RowWriter;
import dev.sim4j.data.spec.FeatureDef;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes rows as TFRecord {@code tf.train.Example}s, {@code prebatch} rows per record (1 = the reference's layout). */
final class TfRecordWriter implements RowWriter {
    private final AtomicFile out;
    private final int[] widths;
    private final int prebatch;
    private final ExampleCodec codec;
    private final OutputStream stream;
    private final int[][] pending;
    private int pendingRows;
    private byte[] buffer = new byte[1 << 16];
    private boolean closed;

    TfRecordWriter(Path file, List<FeatureDef> features, int prebatch) {
        this.out = AtomicFile.of(file);
        this.widths = features.stream().mapToInt(FeatureDef::width).toArray();
        this.prebatch = prebatch;
        this.codec = new ExampleCodec(features.stream().map(FeatureDef::name).toArray(String[]::new));
        this.pending = new int[widths.length][];
        for (int f = 0; f < widths.length; f++) {
            pending[f] = new int[prebatch * widths[f]];
        }
        try {
            this.stream = new BufferedOutputStream(Files.newOutputStream(out.temp()), 1 << 20);
        } catch (IOException e) {
            throw new OutputException(file + ": cannot create: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(int[][] columns, int srcRow, int count) {
        try {
            for (int r = 0; r < count; r++) {
                for (int f = 0; f < widths.length; f++) {
                    System.arraycopy(columns[f], (srcRow + r) * widths[f], pending[f], pendingRows * widths[f], widths[f]);
                }
                if (++pendingRows == prebatch) {
                    flushRecord();
                }
            }
        } catch (IOException e) {
            abort();
            throw new OutputException(out.target() + ": write failed: " + e.getMessage(), e);
        }
    }

    private void flushRecord() throws IOException {
        int[] from = new int[widths.length];
        int[] count = new int[widths.length];
        for (int f = 0; f < widths.length; f++) {
            count[f] = pendingRows * widths[f];
        }
        int size = codec.encodedSize(pending, from, count);
        if (buffer.length < size) {
            buffer = new byte[Math.max(size, buffer.length * 2)];
        }
        CodedOutputStream cos = CodedOutputStream.newInstance(buffer, 0, size);
        codec.encode(cos, pending, from, count);
        cos.checkNoSpaceLeft();
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(size);
        header.putInt(TfRecordFraming.maskedCrc(header.array(), 0, 8));
        stream.write(header.array());
        stream.write(buffer, 0, size);
        int crc = TfRecordFraming.maskedCrc(buffer, 0, size);
        stream.write(new byte[] {(byte) crc, (byte) (crc >>> 8), (byte) (crc >>> 16), (byte) (crc >>> 24)});
        pendingRows = 0;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (pendingRows > 0) {
                flushRecord();
            }
            stream.close();
            out.commit();
            closed = true;
        } catch (IOException e) {
            abort();
            throw new OutputException(out.target() + ": write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void abort() {
        closed = true;
        try {
            stream.close();
        } catch (IOException ignored) {
            // The temp file is removed next; its stream state no longer matters.
        }
        out.discard();
    }
}
