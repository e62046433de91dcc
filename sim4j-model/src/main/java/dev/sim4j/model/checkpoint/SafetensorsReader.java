package dev.sim4j.model.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors file. {@link #open} reads and validates the header only, as strictly as the reference (Rust)
 * implementation: the header length fits the file and the 100 MB header limit, the header is a JSON object starting
 * with '{' (trailing spaces allowed, duplicate keys not), {@code __metadata__} maps strings to strings, every tensor has
 * a known dtype, a non-negative shape and {@code data_offsets [begin, end]} whose length is shape x dtype size and
 * which lie within the data, and the tensors, in order of offset, cover the data exactly, without gaps or overlaps.
 * Every problem is a {@link CheckpointException} naming the file and the tensor.
 *
 * <p>Tensor data is then read on demand through the file channel, 1 MiB at a time, straight into the result array
 * ({@link #readFloats} of a 77 MB table needs no second copy). A reader holds the file open until closed; it is not
 * safe for use by several threads at once.
 */
public final class SafetensorsReader implements AutoCloseable {
    /** The reference implementation's limit on the header length. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    static final int CHUNK_BYTES = 1 << 20;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, TensorInfo> tensors;
    private ByteBuffer chunk;

    private SafetensorsReader(Path file, FileChannel channel, long dataStart, Map<String, String> metadata,
                              Map<String, TensorInfo> tensors) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** Opens {@code file} and validates its header; the caller closes the reader. */
    public static SafetensorsReader open(Path file) {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot open: " + e, e);
        }
        try {
            return parse(file, ch);
        } catch (RuntimeException e) {
            closeQuietly(ch, e);
            throw e;
        } catch (IOException e) {
            closeQuietly(ch, e);
            throw new CheckpointException(file, null, "cannot read: " + e, e);
        }
    }

    /** Reads the whole of {@code file}: its metadata and every tensor, in file order. */
    public static SafetensorsFile read(Path file) {
        try (SafetensorsReader r = open(file)) {
            return r.readAll();
        }
    }

    public Path file() {
        return file;
    }

    /** The {@code __metadata__} map (empty when the file has none), unmodifiable. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The header entries by name, in order of their data in the file, unmodifiable. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The header entry of {@code name}. */
    public TensorInfo info(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException(file, name, "no such tensor in the file");
        }
        return t;
    }

    /** The tensor {@code name} with its raw bytes, in any dtype. */
    public NamedArray read(String name) {
        TensorInfo t = info(name);
        if (t.byteLength() > MAX_ARRAY) {
            throw new CheckpointException(file, name, t.byteLength() + " bytes are too many for one array");
        }
        ByteBuffer out = ByteBuffer.allocate((int) t.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
        stream(t, out::put);
        return new NamedArray(t.dtype(), t.shape(), out.flip());
    }

    /** The values of the float tensor {@code name} (F32 exactly, F16 and BF16 widened, F64 rounded). */
    public float[] readFloats(String name) {
        TensorInfo t = floatTensor(name);
        float[] out = new float[(int) t.size()];
        int[] at = {0};
        stream(t, b -> {
            int n = b.remaining() / t.dtype().bytes();
            t.dtype().decodeFloats(b, out, at[0], n);
            at[0] += n;
        });
        return out;
    }

    /** The values of the float tensor {@code name}, exactly. */
    public double[] readDoubles(String name) {
        TensorInfo t = floatTensor(name);
        double[] out = new double[(int) t.size()];
        int[] at = {0};
        stream(t, b -> {
            int n = b.remaining() / t.dtype().bytes();
            t.dtype().decodeDoubles(b, out, at[0], n);
            at[0] += n;
        });
        return out;
    }

    /** Metadata and every tensor, in file order. */
    public SafetensorsFile readAll() {
        Map<String, NamedArray> all = new LinkedHashMap<>();
        for (String name : tensors.keySet()) {
            all.put(name, read(name));
        }
        return new SafetensorsFile(metadata, all);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot close: " + e, e);
        }
    }

    // ---------------------------------------------------------------- data

    private TensorInfo floatTensor(String name) {
        TensorInfo t = info(name);
        if (!t.dtype().floating()) {
            throw new CheckpointException(file, name, "dtype " + t.dtype() + " is not a float type");
        }
        if (t.size() > MAX_ARRAY) {
            throw new CheckpointException(file, name, t.size() + " elements are too many for one array");
        }
        return t;
    }

    /** Hands the tensor's bytes to {@code sink} in little-endian chunks of whole elements, in order. */
    private void stream(TensorInfo t, java.util.function.Consumer<ByteBuffer> sink) {
        if (chunk == null) {
            chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
        long pos = dataStart + t.begin();
        long end = dataStart + t.end();
        try {
            while (pos < end) {
                chunk.clear().limit((int) Math.min(CHUNK_BYTES, end - pos));
                while (chunk.hasRemaining()) {
                    int n = channel.read(chunk, pos + chunk.position());
                    if (n < 0) {
                        throw new CheckpointException(file, t.name(), "file ended at byte " + (pos + chunk.position())
                                + " while reading its data (was it truncated after opening?)");
                    }
                }
                pos += chunk.limit();
                sink.accept(chunk.flip());
            }
        } catch (IOException e) {
            throw new CheckpointException(file, t.name(), "cannot read its data: " + e, e);
        }
    }

    // ---------------------------------------------------------------- header

    private static SafetensorsReader parse(Path file, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 8) {
            throw new CheckpointException(file, null, "file of " + fileSize
                    + " bytes is too short for a safetensors file (8-byte header length, then the header)");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lengthBytes, 0);
        long n = lengthBytes.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new CheckpointException(file, null, "header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
        }
        if (8 + n > fileSize) {
            throw new CheckpointException(file, null, "header length " + n + " runs past the end of the file ("
                    + fileSize + " bytes; truncated, or not a safetensors file?)");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        readFully(ch, headerBytes, 8);
        byte[] header = headerBytes.array();
        if (n < 2 || header[0] != '{') {
            throw new CheckpointException(file, null, "header does not start with '{' (not a safetensors file?)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JacksonException e) {
            throw new CheckpointException(file, null, "header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file, null, "header is not a JSON object");
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> list = new ArrayList<>();
        long dataLength = fileSize - 8 - n;
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals(SafetensorsWriter.METADATA_KEY)) {
                if (!v.isObject()) {
                    throw new CheckpointException(file, null, "__metadata__ is not a JSON object of strings");
                }
                for (Map.Entry<String, JsonNode> m : v.properties()) {
                    if (!m.getValue().isTextual()) {
                        throw new CheckpointException(file, null, "__metadata__ value of '" + m.getKey()
                                + "' is not a string: " + m.getValue());
                    }
                    metadata.put(m.getKey(), m.getValue().textValue());
                }
            } else {
                list.add(tensorInfo(file, name, v, dataLength));
            }
        }

        list.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = 0;
        TensorInfo previous = null;
        for (TensorInfo t : list) {
            if (t.begin() != expected) {
                String where = previous == null ? "the start of the data" : "the end of tensor '" + previous.name()
                        + "' " + offsets(previous);
                throw new CheckpointException(file, t.name(), "data_offsets " + offsets(t)
                        + (t.begin() < expected ? " overlap " : " leave a gap after ") + where + " at " + expected);
            }
            expected = t.end();
            previous = t;
        }
        if (expected != dataLength) {
            throw new CheckpointException(file, null, "the tensors cover " + expected + " bytes of data but the file holds "
                    + dataLength + " after the header (" + (dataLength - expected) + " unaccounted bytes)");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        list.forEach(t -> tensors.put(t.name(), t));
        return new SafetensorsReader(file, ch, 8 + n, Collections.unmodifiableMap(metadata),
                Collections.unmodifiableMap(tensors));
    }

    private static TensorInfo tensorInfo(Path file, String name, JsonNode v, long dataLength) {
        if (!v.isObject()) {
            throw new CheckpointException(file, name, "header entry is not a JSON object: " + v);
        }
        JsonNode dtypeNode = v.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new CheckpointException(file, name, "missing or non-string \"dtype\"");
        }
        SafetensorsDType dtype = SafetensorsDType.byHeaderName(dtypeNode.textValue());
        if (dtype == null) {
            throw new CheckpointException(file, name, "unknown dtype \"" + dtypeNode.textValue() + "\" (known: "
                    + Arrays.toString(SafetensorsDType.values()) + ")");
        }
        JsonNode shapeNode = v.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new CheckpointException(file, name, "missing or non-array \"shape\"");
        }
        int[] shape = new int[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) {
                throw new CheckpointException(file, name, "shape " + shapeNode.toString().replace(",", ", ")
                        + " has a dimension that is not an integer in [0, " + Integer.MAX_VALUE + "]");
            }
            shape[i] = d.intValue();
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2) {
            throw new CheckpointException(file, name, "missing \"data_offsets\" or not an array [begin, end]");
        }
        for (JsonNode o : off) {
            if (!o.isIntegralNumber() || !o.canConvertToLong() || o.longValue() < 0) {
                throw new CheckpointException(file, name, "data_offsets " + off + " are not non-negative integers");
            }
        }
        long begin = off.get(0).longValue();
        long end = off.get(1).longValue();
        String offsets = "[" + begin + ", " + end + "]";
        if (begin > end) {
            throw new CheckpointException(file, name, "data_offsets " + offsets + " end before they begin");
        }
        if (end > dataLength) {
            throw new CheckpointException(file, name, "data_offsets " + offsets + " run past the end of the data ("
                    + dataLength + " bytes after the header; truncated file?)");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(NamedArray.elementCount(shape), dtype.bytes());
        } catch (ArithmeticException e) {
            bytes = -1;
        }
        if (bytes != end - begin) {
            throw new CheckpointException(file, name, "dtype " + dtype + " and shape " + Arrays.toString(shape) + " need "
                    + (bytes < 0 ? "too many" : String.valueOf(bytes)) + " bytes but data_offsets " + offsets + " hold "
                    + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static String offsets(TensorInfo t) {
        return "[" + t.begin() + ", " + t.end() + "]";
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
        long pos = position;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    private static void closeQuietly(FileChannel ch, Exception primary) {
        try {
            ch.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
