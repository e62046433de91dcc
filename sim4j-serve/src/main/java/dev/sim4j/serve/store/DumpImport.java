package dev.sim4j.serve.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.sim4j.data.DataException;
import dev.sim4j.data.OutputException;
import dev.sim4j.preprocess.amazon.PythonLiteralParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
 * events are sorted by (time, item), the order preprocessing uses. The histories are gathered in memory first
 * (about 100 bytes per review), then written unsynced and flushed once.
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

    /** Imports the dump into {@code store}, which must be empty; {@code progress} hears the review lines read. */
    public static Result run(Path reviews, Path meta, BehaviourStore store, LongConsumer progress) {
        long start = System.nanoTime();
        long existing = store.stats().events();
        if (existing > 0) {
            throw new OutputException(store.dir() + ": the store already holds " + existing + " events; import into "
                    + "an empty folder");
        }
        Map<String, String> category = categories(meta);
        Map<String, List<BehaviourEvent>> byUser = new HashMap<>();
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
                byUser.computeIfAbsent(user, u -> new ArrayList<>())
                        .add(new BehaviourEvent(asin, category.getOrDefault(asin, "no_category"), time));
                if ((lines & 0xFFFF) == 0) {
                    progress.accept(lines);
                }
            }
        } catch (NoSuchFileException e) {
            throw new DataException(reviews + ": no such file");
        } catch (IOException e) {
            throw new DataException(reviews + ": cannot read: " + e.getMessage());
        }
        long events = 0;
        Comparator<BehaviourEvent> order = Comparator.comparingLong(BehaviourEvent::time)
                .thenComparing(BehaviourEvent::item);
        for (Map.Entry<String, List<BehaviourEvent>> e : byUser.entrySet()) {
            List<BehaviourEvent> list = e.getValue();
            list.sort(order);
            store.appendUnsynced(e.getKey(), list);
            events += list.size();
        }
        store.flush();
        progress.accept(lines);
        return new Result(byUser.size(), events, category.size(), (System.nanoTime() - start) / 1e9);
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
