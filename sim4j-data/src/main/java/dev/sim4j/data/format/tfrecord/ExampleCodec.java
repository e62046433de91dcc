package dev.sim4j.data.format.tfrecord;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes and decodes {@code tf.train.Example} messages whose features are all {@code Int64List}s, with protobuf-java's
 * wire codec. Decoding goes straight into int arrays (no message objects per row), accepting packed and unpacked
 * lists and map entries in any field order, as any protobuf parser must.
 * <pre>
 * Example { Features features = 1; }   Features { map&lt;string, Feature&gt; feature = 1; }
 * Feature { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3; } }
 * Int64List { repeated int64 value = 1 [packed = true]; }
 * </pre>
 */
final class ExampleCodec {
    private static final int TAG_LEN_1 = tag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int TAG_LEN_2 = tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int TAG_LEN_3 = tag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    private static final int TAG_VARINT_1 = tag(1, WireFormat.WIRETYPE_VARINT);

    private final byte[][] names;

    private static int tag(int field, int wireType) {
        return field << 3 | wireType;
    }

    /** Values decoded per feature of the last example (in chunk feature order). */
    final int[] counts;
    /** Decoded values per feature; grown as needed. */
    final int[][] values;
    final boolean[] present;

    ExampleCodec(String[] featureNames) {
        names = new byte[featureNames.length][];
        for (int i = 0; i < names.length; i++) {
            names[i] = featureNames[i].getBytes(StandardCharsets.UTF_8);
        }
        counts = new int[names.length];
        values = new int[names.length][16];
        present = new boolean[names.length];
    }

    /** Thrown for a well-framed record whose contents are not an Example of int64 lists. */
    static final class BadExample extends Exception {
        BadExample(String message) {
            super(message);
        }
    }

    void decode(byte[] buf, int off, int len) throws BadExample {
        java.util.Arrays.fill(counts, 0);
        java.util.Arrays.fill(present, false);
        CodedInputStream in = CodedInputStream.newInstance(buf, off, len);
        try {
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == TAG_LEN_1) {
                    int limit = in.pushLimit(in.readRawVarint32());
                    decodeFeatures(buf, off, in);
                    in.popLimit(limit);
                } else if (!in.skipField(tag)) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new BadExample("not a valid tf.train.Example (" + e.getMessage() + ")");
        }
    }

    private void decodeFeatures(byte[] buf, int base, CodedInputStream in) throws IOException, BadExample {
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag != TAG_LEN_1) {
                in.skipField(tag);
                continue;
            }
            int limit = in.pushLimit(in.readRawVarint32());
            int feature = -2;
            byte[] pendingValue = null;
            int t;
            while ((t = in.readTag()) != 0) {
                if (t == TAG_LEN_1) {
                    int keyLen = in.readRawVarint32();
                    int at = base + in.getTotalBytesRead();
                    feature = match(buf, at, keyLen);
                    in.skipRawBytes(keyLen);
                    if (feature == -1) {
                        continue;
                    }
                } else if (t == TAG_LEN_2) {
                    if (feature == -2) {
                        pendingValue = in.readByteArray();
                    } else if (feature >= 0) {
                        int l2 = in.pushLimit(in.readRawVarint32());
                        decodeFeature(in, buf, base, feature);
                        in.popLimit(l2);
                    } else {
                        in.skipField(t);
                    }
                } else {
                    in.skipField(t);
                }
            }
            if (pendingValue != null && feature >= 0) {
                decodeFeature(CodedInputStream.newInstance(pendingValue), pendingValue, 0, feature);
            }
            in.popLimit(limit);
        }
    }

    private int match(byte[] buf, int at, int len) {
        outer:
        for (int i = 0; i < names.length; i++) {
            byte[] n = names[i];
            if (n.length != len) {
                continue;
            }
            for (int k = 0; k < len; k++) {
                if (buf[at + k] != n[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Decodes a Feature message read by {@code in}, a reader over {@code buf} from {@code base}. */
    private void decodeFeature(CodedInputStream in, byte[] buf, int base, int feature) throws IOException, BadExample {
        present[feature] = true;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == TAG_LEN_3) {
                int limit = in.pushLimit(in.readRawVarint32());
                int t;
                while ((t = in.readTag()) != 0) {
                    if (t == TAG_LEN_1) {
                        int payload = in.readRawVarint32();
                        if (payload >= 0 && payload <= in.getBytesUntilLimit()
                                && decodePacked(buf, base + in.getTotalBytesRead(), payload, feature)) {
                            in.skipRawBytes(payload);
                            continue;
                        }
                        // Malformed or truncated: decode again with protobuf's reader, for its exact error.
                        int l2 = in.pushLimit(payload);
                        while (in.getBytesUntilLimit() > 0) {
                            add(feature, in.readRawVarint64());
                        }
                        in.popLimit(l2);
                    } else if (t == TAG_VARINT_1) {
                        add(feature, in.readRawVarint64());
                    } else {
                        in.skipField(t);
                    }
                }
                in.popLimit(limit);
            } else if (tag == TAG_LEN_1 || tag == TAG_LEN_2) {
                throw new BadExample("feature " + new String(names[feature], StandardCharsets.UTF_8) + " is stored as a "
                        + (tag == TAG_LEN_1 ? "bytes_list" : "float_list") + "; sim4j reads int64_list features");
            } else {
                in.skipField(tag);
            }
        }
    }

    /**
     * Decodes the packed varints of {@code buf[pos, pos + len)} straight from the array (protobuf's reader costs
     * several times more per value). Returns false, having added nothing, when a varint is malformed or runs past
     * the end, so the caller can decode them again the slow way and report protobuf's own error.
     */
    private boolean decodePacked(byte[] buf, int pos, int len, int feature) throws BadExample {
        int end = pos + len;
        int start = counts[feature];
        int[] arr = values[feature];
        if (arr.length - start < len) {
            arr = java.util.Arrays.copyOf(arr, Math.max(start + len, arr.length * 2));
            values[feature] = arr;
        }
        int c = start;
        while (pos < end) {
            int b = buf[pos++];
            if (b >= 0) {
                arr[c++] = b;
                continue;
            }
            long v = b & 0x7f;
            int shift = 7;
            while (true) {
                if (pos == end || shift > 63) {
                    return false;
                }
                b = buf[pos++];
                v |= (long) (b & 0x7f) << shift;
                if (b >= 0) {
                    break;
                }
                shift += 7;
            }
            if (v != (int) v) {
                throw outOfRange(feature, v);
            }
            arr[c++] = (int) v;
        }
        counts[feature] = c;
        return true;
    }

    private BadExample outOfRange(int feature, long v) {
        return new BadExample("feature " + new String(names[feature], StandardCharsets.UTF_8) + " holds the value " + v
                + ", outside the 32-bit id range");
    }

    private void add(int feature, long v) throws BadExample {
        if (v != (int) v) {
            throw outOfRange(feature, v);
        }
        int[] arr = values[feature];
        int c = counts[feature];
        if (c == arr.length) {
            arr = java.util.Arrays.copyOf(arr, arr.length * 2);
            values[feature] = arr;
        }
        arr[c] = (int) v;
        counts[feature] = c + 1;
    }

    /** Serialized size of an Example holding {@code count[f]} values of column f starting at {@code from[f]}. */
    int encodedSize(int[][] columns, int[] from, int[] count) {
        int features = 0;
        for (int f = 0; f < names.length; f++) {
            int entry = entrySize(f, columns[f], from[f], count[f]);
            features += 1 + CodedOutputStream.computeUInt32SizeNoTag(entry) + entry;
        }
        return 1 + CodedOutputStream.computeUInt32SizeNoTag(features) + features;
    }

    private int payloadSize(int[] col, int from, int count) {
        int s = 0;
        for (int i = from; i < from + count; i++) {
            s += CodedOutputStream.computeInt64SizeNoTag(col[i]);
        }
        return s;
    }

    private int listSize(int payload) {
        return payload == 0 ? 0 : 1 + CodedOutputStream.computeUInt32SizeNoTag(payload) + payload;
    }

    private int entrySize(int f, int[] col, int from, int count) {
        int list = listSize(payloadSize(col, from, count));
        int feature = 1 + CodedOutputStream.computeUInt32SizeNoTag(list) + list;
        return 1 + CodedOutputStream.computeUInt32SizeNoTag(names[f].length) + names[f].length
                + 1 + CodedOutputStream.computeUInt32SizeNoTag(feature) + feature;
    }

    void encode(CodedOutputStream out, int[][] columns, int[] from, int[] count) throws IOException {
        int features = 0;
        int[] entries = new int[names.length];
        for (int f = 0; f < names.length; f++) {
            entries[f] = entrySize(f, columns[f], from[f], count[f]);
            features += 1 + CodedOutputStream.computeUInt32SizeNoTag(entries[f]) + entries[f];
        }
        out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(features);
        for (int f = 0; f < names.length; f++) {
            int[] col = columns[f];
            int payload = payloadSize(col, from[f], count[f]);
            int list = listSize(payload);
            out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(entries[f]);
            out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(names[f].length);
            out.writeRawBytes(names[f]);
            out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(1 + CodedOutputStream.computeUInt32SizeNoTag(list) + list);
            out.writeTag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(list);
            if (payload > 0) {
                out.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(payload);
                for (int i = from[f]; i < from[f] + count[f]; i++) {
                    out.writeInt64NoTag(col[i]);
                }
            }
        }
    }
}
