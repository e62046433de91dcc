package dev.sim4j.data.format.sequence;

import dev.sim4j.data.DataException;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.format.RowReader;
import dev.sim4j.data.format.RowWriter;
import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.format.columnar.ColumnarFormat;
import dev.sim4j.data.spec.FeatureDef;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * A {@link SequenceStore} on disk: {@code store.yaml} (version, seed, history length, mappings, sizes) beside three
 * checksummed columnar shards, {@code users.s4j} (length), {@code events.s4j} (item, cat) and {@code items.s4j}
 * (category, cumulative_reviews). A feature spec points at it with a chunk of type {@code sim4j_sequences} whose
 * files are these four, {@code store.yaml} first.
 */
public final class SequenceStoreFiles {
    public static final String STORE = "store.yaml";
    public static final String USERS = "users.s4j";
    public static final String EVENTS = "events.s4j";
    public static final String ITEMS = "items.s4j";
    private static final int VERSION = 1;

    private SequenceStoreFiles() {
    }

    /** The files of a store in folder {@code dir}, relative to {@code base}, store.yaml first. */
    public static List<String> files(Path base, Path dir) {
        Path rel = base.toAbsolutePath().normalize().relativize(dir.toAbsolutePath().normalize());
        return List.of(STORE, USERS, EVENTS, ITEMS).stream().map(f -> rel.resolve(f).toString().replace('\\', '/')).toList();
    }

    public static void write(SequenceStore store, Path dir) {
        try (Writer w = new Writer(dir)) {
            w.events(store.lengths(), store.items(), store.cats());
            w.items(store.itemCategory(), store.cumulativeReviews(), 0, store.itemCategory().length);
            w.finish(store.seed(), store.maxHistory(), store.mappings());
        }
    }

    /**
     * Writes a store's files part by part, so that a store larger than memory can be streamed in (users in uid order,
     * items in id order from 0); the bytes are those {@link #write} gives for the same arrays. Until
     * {@link #finish} the shards are temporary files, and closing before it removes them.
     */
    public static final class Writer implements AutoCloseable {
        private final Path dir;
        private final RowWriter users;
        private final RowWriter events;
        private final RowWriter items;
        private long userCount;
        private long eventCount;
        private long itemRows;
        private int lastCumulative;
        private boolean finished;

        public Writer(Path dir) {
            this.dir = dir;
            this.users = openColumns(dir.resolve(USERS), List.of("length"));
            this.events = openColumns(dir.resolve(EVENTS), List.of("item", "cat"));
            this.items = openColumns(dir.resolve(ITEMS), List.of("category", "cumulative_reviews"));
        }

        /** The next users (in uid order): their event counts, and their events' items and categories in order. */
        public void events(int[] lengths, int[] eventItems, int[] eventCats) {
            users.write(new int[][] {lengths}, 0, lengths.length);
            events.write(new int[][] {eventItems, eventCats}, 0, eventItems.length);
            userCount += lengths.length;
            eventCount += eventItems.length;
        }

        /** Items {@code from .. from + count - 1} of the next id range (the first call starts at item 0, the padding). */
        public void items(int[] itemCategory, int[] cumulativeReviews, int from, int count) {
            items.write(new int[][] {itemCategory, cumulativeReviews}, from, count);
            itemRows += count;
            if (count > 0) {
                lastCumulative = cumulativeReviews[from + count - 1];
            }
        }

        /** Closes the shards and writes {@code store.yaml}. */
        public void finish(long seed, int maxHistory, Map<String, SequenceStore.RowKind> mappings) {
            if (itemRows < 1 || lastCumulative != eventCount || userCount > Integer.MAX_VALUE
                    || eventCount > Integer.MAX_VALUE) {
                throw new IllegalStateException("sequence store parts disagree: " + userCount + " users, " + eventCount
                        + " events, " + itemRows + " item rows ending at " + lastCumulative + " cumulative reviews");
            }
            users.close();
            events.close();
            items.close();
            finished = true;
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("format", "sim4j_sequences");
            meta.put("version", VERSION);
            meta.put("seed", seed);
            meta.put("max_history", maxHistory);
            meta.put("users", (int) userCount);
            meta.put("events", (int) eventCount);
            meta.put("items", (int) (itemRows - 1));
            Map<String, Object> kinds = new LinkedHashMap<>();
            mappings.forEach((name, kind) -> kinds.put(name, kind.name().toLowerCase(Locale.ROOT)));
            meta.put("mappings", kinds);
            String yaml = new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).build()).dumpToString(meta);
            Path tmp = dir.resolve("." + STORE + ".tmp");
            try {
                Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
                Files.move(tmp, dir.resolve(STORE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new OutputException(dir.resolve(STORE) + ": cannot write: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            if (!finished) {
                users.abort();
                events.abort();
                items.abort();
            }
        }
    }

    private static RowWriter openColumns(Path file, List<String> names) {
        List<FeatureDef> defs = names.stream().map(n -> new FeatureDef(n, "int32", java.util.OptionalLong.empty(),
                List.of(), Map.of())).toList();
        return new ColumnarFormat().openWriter(file, defs, WriteOptions.DEFAULT);
    }

    /** Reads the store whose {@code store.yaml} is {@code storeFile}. */
    public static SequenceStore read(Path storeFile) {
        Map<?, ?> meta;
        try (Reader r = Files.newBufferedReader(storeFile, StandardCharsets.UTF_8)) {
            Object o = new Load(LoadSettings.builder().build()).loadFromReader(r);
            if (!(o instanceof Map<?, ?> m)) {
                throw new DataException(storeFile + ": not a sim4j sequence store description");
            }
            meta = m;
        } catch (IOException e) {
            throw new DataException(storeFile + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof DataException de) {
                throw de;
            }
            throw new DataException(storeFile + ": not a valid sequence store description: " + e.getMessage(), e);
        }
        if (!"sim4j_sequences".equals(meta.get("format")) || !(meta.get("version") instanceof Integer v) || v != VERSION) {
            throw new DataException(storeFile + ": not a version " + VERSION + " sim4j sequence store");
        }
        Path dir = storeFile.toAbsolutePath().getParent();
        int users = number(storeFile, meta, "users");
        int events = number(storeFile, meta, "events");
        int items = number(storeFile, meta, "items");
        int maxHistory = number(storeFile, meta, "max_history");
        Object seedValue = meta.get("seed");
        if (!(seedValue instanceof Integer) && !(seedValue instanceof Long)) {
            throw new DataException(storeFile + ": 'seed' is missing or not a 64-bit whole number");
        }
        long seed = ((Number) seedValue).longValue();
        Map<String, SequenceStore.RowKind> mappings = mappings(storeFile, meta.get("mappings"));
        int[] lengths = readColumns(part(dir, USERS), List.of("length"), users)[0];
        int[][] ev = readColumns(part(dir, EVENTS), List.of("item", "cat"), events);
        int[][] it = readColumns(part(dir, ITEMS), List.of("category", "cumulative_reviews"), items + 1);
        long sum = 0;
        for (int n : lengths) {
            if (n < 1) {
                throw new DataException(dir.resolve(USERS) + ": a user has " + n + " events; every user needs at least 1");
            }
            sum += n;
        }
        if (sum != events || it[1][items] != events) {
            throw new DataException(dir + ": the store's parts disagree (user lengths sum to " + sum + ", events "
                    + events + ", cumulative reviews " + it[1][items] + "); re-create it");
        }
        return new SequenceStore(lengths, ev[0], ev[1], it[0], it[1], seed, maxHistory, mappings);
    }

    /** mapping name -> row kind, each kind one of {@link SequenceStore.RowKind}'s names in lower case. */
    private static Map<String, SequenceStore.RowKind> mappings(Path storeFile, Object section) {
        if (!(section instanceof Map<?, ?> m) || m.isEmpty()) {
            throw new DataException(storeFile + ": 'mappings' is missing or empty; it maps each mapping name to the "
                    + "rows it holds (" + kinds() + ")");
        }
        Map<String, SequenceStore.RowKind> mappings = new LinkedHashMap<>();
        m.forEach((name, kind) -> mappings.put(String.valueOf(name), Arrays.stream(SequenceStore.RowKind.values())
                .filter(k -> k.name().toLowerCase(Locale.ROOT).equals(String.valueOf(kind)))
                .findFirst()
                .orElseThrow(() -> new DataException(storeFile + ": mapping '" + name + "' has the unknown row kind '"
                        + kind + "'; the kinds are " + kinds()))));
        return mappings;
    }

    private static String kinds() {
        return String.join(", ", Arrays.stream(SequenceStore.RowKind.values())
                .map(k -> k.name().toLowerCase(Locale.ROOT)).toList());
    }

    /**
     * A part of the store beside its {@code store.yaml}; a symbolic link out of the store's folder is refused, so the
     * store cannot make a dataset read files outside it.
     */
    private static Path part(Path dir, String name) {
        Path file = dir.resolve(name);
        Path real;
        Path realDir;
        try {
            real = file.toRealPath();
            realDir = dir.toRealPath();
        } catch (IOException e) {
            return file;  // missing or unreadable: the shard reader names the file and the problem
        }
        if (!real.startsWith(realDir)) {
            throw new DataException(file + ": this part of the sequence store is a symbolic link out of its folder (to "
                    + real + "); the store's files must be inside the dataset folder");
        }
        return real;
    }

    private static int number(Path file, Map<?, ?> meta, String key) {
        if (meta.get(key) instanceof Integer i && i >= 0) {
            return i;
        }
        throw new DataException(file + ": '" + key + "' is missing or not a non-negative whole number");
    }

    private static int[][] readColumns(Path file, List<String> names, int rows) {
        List<FeatureDef> defs = names.stream().map(n -> new FeatureDef(n, "int32", java.util.OptionalLong.empty(),
                List.of(), Map.of())).toList();
        int[][] cols = new int[names.size()][rows];
        try (RowReader r = new ColumnarFormat().openReader(file, defs)) {
            int got = 0;
            int n;
            while (got < rows && (n = r.read(cols, got, rows - got)) > 0) {
                got += n;
            }
            if (got != rows || r.read(new int[names.size()][1], 0, 1) != 0) {
                throw new DataException(file + ": expected " + rows + " rows as store.yaml says; the store is damaged");
            }
        }
        return cols;
    }
}
