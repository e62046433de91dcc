package dev.sim4j.serve.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sim4j.data.DataException;
import dev.sim4j.data.OutputException;
import dev.sim4j.preprocess.amazon.PythonLiteralParser;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;

/**
 * Bulk-loads a behaviour store from the raw Amazon dump ({@code reviews_*.json(.gz)} and {@code meta_*.json(.gz)}):
 * every review of every user (no minimum count: serving knows every user), with its real time, the item's category
 * being the last element of its first category path (preprocessing's rule; "no_category" without one). A user's
 * events are sorted by (time, item), the order preprocessing uses. Memory stays bounded whatever the dump's size:
 * the reviews are first spilled to partition files by a hash of the user (next to the store, removed at the end,
 * also when the import fails or the JVM is stopped), then each partition's users are gathered, sorted and written
 * unsynced, one partition at a time; the store is flushed once at the end. Only the metadata's asin -> category map
 * and one partition are in memory at once.
 */
public final class DumpImport {
    /** What an import did. */
    public record Result(long users, long events, long items, double seconds) {
    }

    private DumpImport() {
    }

    private static BufferedReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /** Uncompressed review bytes per partition the spill aims at (about 75,000 reviews of the Amazon dump). */
    static final long PARTITION_BYTES = 64L << 20;

    /**
     * Imports the dump into {@code store}, which must be empty; {@code progress} hears the review lines read. The
     * partition count follows the reviews file's size ({@link #PARTITION_BYTES} per partition, a gzip file counted
     * as five times its size).
     */
    public static Result run(Path reviews, Path meta, BehaviourStore store, LongConsumer progress) {
        long bytes;
        try {
            bytes = Files.size(reviews);
        } catch (NoSuchFileException e) {
            throw new DataException(reviews + ": no such file");
        } catch (IOException e) {
            throw new DataException(reviews + ": cannot read: " + e.getMessage());
        }
        long expanded = reviews.getFileName().toString().endsWith(".gz") ? 5 * bytes : bytes;
        int partitions = (int) Math.clamp((expanded + PARTITION_BYTES - 1) / PARTITION_BYTES, 1, 4096);
        return run(reviews, meta, store, progress, partitions);
    }

    /** {@link #run(Path, Path, BehaviourStore, LongConsumer)} with a given partition count (tests). */
    static Result run(Path reviews, Path meta, BehaviourStore store, LongConsumer progress, int partitions) {
        long start = System.nanoTime();
        long existing = store.stats().events();
        if (existing > 0) {
            throw new OutputException(store.dir() + ": the store already holds " + existing + " events; import into "
                    + "an empty folder");
        }
        Map<String, String> category = categories(meta);
        Path spill = spillDir(store);
        Thread cleanup = new Thread(() -> deleteTree(spill), "sim4j-import-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            long lines = spill(reviews, category, spill, partitions, progress);
            long users = 0;
            long events = 0;
            Comparator<BehaviourEvent> order = Comparator.comparingLong(BehaviourEvent::time)
                    .thenComparing(BehaviourEvent::item);
            for (int q = 0; q < partitions; q++) {
                Map<String, List<BehaviourEvent>> byUser = readPartition(partition(spill, q));
                for (Map.Entry<String, List<BehaviourEvent>> e : byUser.entrySet()) {
                    List<BehaviourEvent> list = e.getValue();
                    list.sort(order);
                    store.appendUnsynced(e.getKey(), list);
                    events += list.size();
                }
                users += byUser.size();
                Files.deleteIfExists(partition(spill, q));
            }
            store.flush();
            progress.accept(lines);
            return new Result(users, events, category.size(), (System.nanoTime() - start) / 1e9);
        } catch (IOException e) {
            throw new OutputException(spill + ": cannot write or read the import's partition files: "
                    + e.getMessage() + " (is there room next to the store?)", e);
        } finally {
            deleteTree(spill);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException stopping) {
                // The JVM is already stopping: the hook runs (and finds nothing left).
            }
        }
    }

    /** A fresh folder for the partition files, beside the store (the store's own folder belongs to RocksDB). */
    private static Path spillDir(BehaviourStore store) {
        Path dir = store.dir().toAbsolutePath();
        try {
            return Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".import-");
        } catch (IOException e) {
            throw new OutputException(dir.getParent() + ": cannot create the import's partition folder: "
                    + e.getMessage(), e);
        }
    }

    private static Path partition(Path spill, int q) {
        return spill.resolve("part-" + q + ".bin");
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (NoSuchFileException gone) {
            // nothing left
        } catch (IOException e) {
            System.err.println("warning: could not remove " + dir + ": " + e.getMessage());
        }
    }

    /** Each user's reviews, in file order, from one partition file. */
    private static Map<String, List<BehaviourEvent>> readPartition(Path file) throws IOException {
        Map<String, List<BehaviourEvent>> byUser = new HashMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            while (true) {
                String user;
                try {
                    user = in.readUTF();
                } catch (EOFException end) {
                    return byUser;
                }
                String item = in.readUTF();
                String cat = in.readUTF();
                long time = in.readLong();
                byUser.computeIfAbsent(user, u -> new ArrayList<>()).add(new BehaviourEvent(item, cat, time));
            }
        }
    }

    /**
     * Reads the reviews and writes each as (user, item, category, time) to the partition of its user; the lines read.
     */
    private static long spill(Path reviews, Map<String, String> category, Path spill, int partitions,
                              LongConsumer progress) throws IOException {
        DataOutputStream[] out = new DataOutputStream[partitions];
        try {
            for (int q = 0; q < partitions; q++) {
                out[q] = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(partition(spill, q)),
                        1 << 16));
            }
            long lines;
            try {
                lines = readReviews(reviews, (user, asin, time) -> {
                    DataOutputStream o = out[Math.floorMod(user.hashCode(), partitions)];
                    try {
                        o.writeUTF(user);
                        o.writeUTF(asin);
                        o.writeUTF(category.getOrDefault(asin, "no_category"));
                        o.writeLong(time);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, progress);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            for (DataOutputStream o : out) {
                o.close();
            }
            return lines;
        } finally {
            for (DataOutputStream o : out) {
                if (o != null) {
                    try {
                        o.close();
                    } catch (IOException ignored) {
                        // the first failure is what the caller reports
                    }
                }
            }
        }
    }

    /** One review: its reviewer, item and time. */
    @FunctionalInterface
    private interface ReviewSink {
        void accept(String user, String asin, long time);
    }

    /** Parses every review line of {@code reviews} into {@code sink}; the lines read. */
    private static long readReviews(Path reviews, ReviewSink sink, LongConsumer progress) {
        JsonFactory json = new JsonFactory();
        long lines = 0;
        try (BufferedReader r = open(reviews)) {
            String line;
            while ((line = r.readLine()) != null) {
                lines++;
                if (line.isBlank()) {
                    continue;
                }
                String user = null;
                String asin = null;
                Long time = null;
                try (JsonParser p = json.createParser(line)) {
                    if (p.nextToken() != JsonToken.START_OBJECT) {
                        throw new DataException(reviews + " line " + lines + ": not a JSON object");
                    }
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        JsonToken v = p.nextToken();
                        switch (name) {
                            case "reviewerID" -> user = v == JsonToken.VALUE_STRING ? p.getText() : null;
                            case "asin" -> asin = v == JsonToken.VALUE_STRING ? p.getText() : null;
                            case "unixReviewTime" -> time = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : null;
                            default -> p.skipChildren();
                        }
                    }
                } catch (IOException e) {
                    throw new DataException(reviews + " line " + lines + ": not valid JSON: " + e.getMessage());
                }
                if (user == null || asin == null || time == null) {
                    throw new DataException(reviews + " line " + lines + ": needs string 'reviewerID' and 'asin' and "
                            + "an integer 'unixReviewTime'");
                }
                sink.accept(user, asin, time);
                if ((lines & 0xFFFF) == 0) {
                    progress.accept(lines);
                }
            }
        } catch (NoSuchFileException e) {
            throw new DataException(reviews + ": no such file");
        } catch (IOException e) {
            throw new DataException(reviews + ": cannot read: " + e.getMessage());
        }
        return lines;
    }

    /** asin -> category name (the last element of the first path), from the metadata dump. */
    private static Map<String, String> categories(Path meta) {
        Map<String, String> out = new HashMap<>();
        long lines = 0;
        try (BufferedReader r = open(meta)) {
            String line;
            while ((line = r.readLine()) != null) {
                lines++;
                if (line.isBlank()) {
                    continue;
                }
                Object parsed;
                try {
                    parsed = PythonLiteralParser.parse(line);
                } catch (PythonLiteralParser.SyntaxError e) {
                    throw new DataException(meta + " line " + lines + ": not a Python dict literal: " + e.getMessage());
                }
                if (!(parsed instanceof Map<?, ?> m) || !(m.get("asin") instanceof String asin)) {
                    throw new DataException(meta + " line " + lines + ": needs a string 'asin'");
                }
                if (m.get("categories") instanceof List<?> paths && !paths.isEmpty()
                        && paths.getFirst() instanceof List<?> first && !first.isEmpty()
                        && first.getLast() instanceof String c) {
                    out.put(asin, c);
                }
            }
        } catch (NoSuchFileException e) {
            throw new DataException(meta + ": no such file");
        } catch (IOException e) {
            throw new DataException(meta + ": cannot read: " + e.getMessage());
        }
        return out;
    }
}
