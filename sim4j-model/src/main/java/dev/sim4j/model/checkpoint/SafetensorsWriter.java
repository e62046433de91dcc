package dev.sim4j.model.checkpoint;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes safetensors files: an 8-byte little-endian header length N, N bytes of compact JSON header padded with spaces
 * so that the data starts at a multiple of 8 (as the reference implementation pads), then the tensors' bytes back to
 * back. The header holds {@code __metadata__} first (omitted when empty, keys sorted), then the tensors in order of
 * name (UTF-8 byte order), each as {@code {"dtype":..,"shape":[..],"data_offsets":[begin,end]}}; the data is laid
 * out in the same order, contiguous. The same input therefore always gives the same bytes.
 *
 * <p>Files are written atomically: to a temporary file in the target's directory, forced to disk, then renamed over
 * the target, so a reader never sees a half-written checkpoint.
 */
public final class SafetensorsWriter {
    static final String METADATA_KEY = "__metadata__";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int ALIGNMENT = 8;
    private static final Comparator<String> UTF8_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private SafetensorsWriter() {
    }

    /** Writes {@code content} to {@code file}, replacing it atomically; creates missing parent directories. */
    public static void write(Path file, SafetensorsFile content) {
        write(file, content.metadata(), content.tensors());
    }

    /** Writes {@code tensors} and {@code metadata} to {@code file}, replacing it atomically. */
    public static void write(Path file, Map<String, String> metadata, Map<String, NamedArray> tensors) {
        TreeMap<String, NamedArray> sorted = new TreeMap<>(UTF8_ORDER);
        for (Map.Entry<String, NamedArray> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new CheckpointException(file, e.getKey(), "null tensor name or array");
            }
            if (e.getKey().equals(METADATA_KEY)) {
                throw new CheckpointException(file, e.getKey(), "a tensor cannot be named " + METADATA_KEY);
            }
            sorted.put(e.getKey(), e.getValue());
        }
        byte[] header = header(file, metadata, sorted);

        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(ch, length);
                writeFully(ch, ByteBuffer.wrap(header));
                for (NamedArray a : sorted.values()) {
                    writeFully(ch, a.data());
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot write: " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that error is the one to report
                }
            }
        }
    }

    /** The header bytes, padded with spaces to a multiple of 8; {@code tensors} in data order. */
    static byte[] header(Path file, Map<String, String> metadata, Map<String, NamedArray> tensors) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            TreeMap<String, String> sortedMeta = new TreeMap<>(UTF8_ORDER);
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new CheckpointException(file, null, "null metadata key or value: " + e);
                }
                sortedMeta.put(e.getKey(), e.getValue());
            }
            sortedMeta.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, NamedArray> e : tensors.entrySet()) {
            NamedArray a = e.getValue();
            ObjectNode t = root.putObject(e.getKey());
            t.put("dtype", a.dtype().name());
            ArrayNode shape = t.putArray("shape");
            for (int d : a.shape()) {
                shape.add(d);
            }
            long end = offset + a.data().remaining();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot encode header: " + e, e);
        }
        int padded = (json.length + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    /** Writes in slices of at most 1 MiB: the JDK copies a heap buffer through a temporary direct one its size. */
    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ByteBuffer chunk = b.slice(b.position(), Math.min(SafetensorsReader.CHUNK_BYTES, b.remaining()));
            while (chunk.hasRemaining()) {
                ch.write(chunk);
            }
            b.position(b.position() + chunk.capacity());
        }
    }
}
