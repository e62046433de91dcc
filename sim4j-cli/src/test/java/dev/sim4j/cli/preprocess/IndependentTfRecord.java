package dev.sim4j.cli.preprocess;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A minimal TFRecord + {@code tf.train.Example} reader written only from the public specs (TensorFlow's record
 * framing and the Example / Feature protobuf definitions), sharing no code with sim4j's own reader, so tests can check
 * that what sim4j writes is what TensorFlow would read. Framing per record: {@code uint64 length} (little-endian),
 * {@code uint32 masked_crc32c(length bytes)}, {@code length} bytes of data, {@code uint32 masked_crc32c(data)}, with
 * {@code masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8}. Protobuf: {@code Example {Features features = 1}},
 * {@code Features {map<string, Feature> feature = 1}}, {@code Feature {oneof {BytesList bytes_list = 1; FloatList
 * float_list = 2; Int64List int64_list = 3}}}, {@code Int64List {repeated int64 value = 1 [packed]}}.
 */
public final class IndependentTfRecord {
    private IndependentTfRecord() {
    }

    /** Every record of {@code file}, as feature name -> int64 values; fails on a CRC mismatch or non-int64 feature. */
    public static List<Map<String, long[]>> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Map<String, long[]>> records = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 12) {
                throw new IllegalStateException(file + ": truncated record header at byte " + b.position());
            }
            byte[] lengthBytes = new byte[8];
            b.get(lengthBytes);
            long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            int lengthCrc = b.getInt();
            if (lengthCrc != masked(lengthBytes)) {
                throw new IllegalStateException(file + ": length CRC mismatch in record " + records.size());
            }
            if (length < 0 || length > b.remaining() - 4) {
                throw new IllegalStateException(file + ": record " + records.size() + " longer than the file");
            }
            byte[] data = new byte[(int) length];
            b.get(data);
            if (b.getInt() != masked(data)) {
                throw new IllegalStateException(file + ": data CRC mismatch in record " + records.size());
            }
            records.add(example(data));
        }
        return records;
    }

    static int masked(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    private static Map<String, long[]> example(byte[] data) {
        Map<String, long[]> out = new LinkedHashMap<>();
        Wire example = new Wire(data);
        while (example.more()) {
            int tag = example.tag();
            if (tag == (1 << 3 | 2)) {
                Wire features = example.sub();
                while (features.more()) {
                    int ft = features.tag();
                    if (ft == (1 << 3 | 2)) {
                        entry(features.sub(), out);
                    } else {
                        features.skip(ft);
                    }
                }
            } else {
                example.skip(tag);
            }
        }
        return out;
    }

    private static void entry(Wire e, Map<String, long[]> out) {
        String key = null;
        long[] values = null;
        while (e.more()) {
            int tag = e.tag();
            if (tag == (1 << 3 | 2)) {
                key = new String(e.bytes(), StandardCharsets.UTF_8);
            } else if (tag == (2 << 3 | 2)) {
                values = feature(e.sub());
            } else {
                e.skip(tag);
            }
        }
        if (key == null || values == null) {
            throw new IllegalStateException("a feature map entry without a name or value");
        }
        out.put(key, values);
    }

    private static long[] feature(Wire f) {
        long[] values = new long[0];
        while (f.more()) {
            int tag = f.tag();
            if (tag >>> 3 != 3) {
                throw new IllegalStateException("feature is not an int64_list (field " + (tag >>> 3) + ")");
            }
            Wire list = f.sub();
            List<Long> vs = new ArrayList<>();
            while (list.more()) {
                int lt = list.tag();
                if (lt == (1 << 3 | 2)) {
                    Wire packed = list.sub();
                    while (packed.more()) {
                        vs.add(packed.varint());
                    }
                } else if (lt == (1 << 3)) {
                    vs.add(list.varint());
                } else {
                    list.skip(lt);
                }
            }
            values = vs.stream().mapToLong(Long::longValue).toArray();
        }
        return values;
    }

    /** Protobuf wire format over a byte range: varints, tags, length-delimited fields. */
    private static final class Wire {
        private final byte[] buf;
        private int pos;
        private final int end;

        Wire(byte[] buf) {
            this(buf, 0, buf.length);
        }

        Wire(byte[] buf, int from, int end) {
            this.buf = buf;
            this.pos = from;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new IllegalStateException("truncated varint");
                }
                byte b = buf[pos++];
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new IllegalStateException("varint longer than 10 bytes");
        }

        int tag() {
            return (int) varint();
        }

        Wire sub() {
            int n = (int) varint();
            if (n < 0 || pos + n > end) {
                throw new IllegalStateException("length-delimited field past its message");
            }
            Wire w = new Wire(buf, pos, pos + n);
            pos += n;
            return w;
        }

        byte[] bytes() {
            Wire w = sub();
            byte[] out = new byte[w.end - w.pos];
            System.arraycopy(buf, w.pos, out, 0, out.length);
            return out;
        }

        void skip(int tag) {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> pos += 8;
                case 2 -> sub();
                case 5 -> pos += 4;
                default -> throw new IllegalStateException("unknown wire type " + (tag & 7));
            }
        }
    }
}
