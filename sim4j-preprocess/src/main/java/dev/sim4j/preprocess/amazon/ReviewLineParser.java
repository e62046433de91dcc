package dev.sim4j.preprocess.amazon;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses blocks of review lines (strict JSON, one object per line) into the three fields the preprocessing uses:
 * reviewerID, asin and unixReviewTime. Other fields are skipped without being decoded. Thread-safe.
 */
public final class ReviewLineParser {
    /** The reviews of one block, in line order, and the lines it had to skip. */
    public record Parsed(List<String> users, List<String> items, int[] times, int count, List<Skipped> skipped, long lines) {
    }

    /** A skipped line and why. */
    public record Skipped(long line, String reason) {
    }

    private final JsonFactory factory = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    public Parsed parse(LineBlocks.Block block) {
        byte[] data = block.data();
        List<String> users = new ArrayList<>();
        List<String> items = new ArrayList<>();
        int[] times = new int[1024];
        int count = 0;
        List<Skipped> skipped = new ArrayList<>();
        long line = block.firstLine();
        int start = 0;
        int[] time = new int[1];
        for (int i = 0; i < block.length(); i++) {
            if (data[i] != '\n') {
                continue;
            }
            int end = i > start && data[i - 1] == '\r' ? i - 1 : i;
            String reason;
            if (end == start) {
                reason = "empty line";
            } else {
                reason = parseLine(data, start, end - start, users, items, time);
            }
            if (reason == null) {
                if (count == times.length) {
                    times = java.util.Arrays.copyOf(times, count * 2);
                }
                times[count++] = time[0];
            } else {
                skipped.add(new Skipped(line, reason));
            }
            line++;
            start = i + 1;
        }
        return new Parsed(users, items, times, count, skipped, line - block.firstLine());
    }

    /** Parses one line; on success adds user and item and stores the time in {@code timeOut[0]}, else returns why not. */
    private String parseLine(byte[] data, int off, int len, List<String> users, List<String> items, int[] timeOut) {
        String user = null;
        String item = null;
        long time = Long.MIN_VALUE;
        try (JsonParser p = factory.createParser(data, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "not a JSON object";
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "reviewerID" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            return "reviewerID is not a string";
                        }
                        user = p.getText();
                    }
                    case "asin" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            return "asin is not a string";
                        }
                        item = p.getText();
                    }
                    case "unixReviewTime" -> {
                        if (v != JsonToken.VALUE_NUMBER_INT) {
                            return "unixReviewTime is not a whole number";
                        }
                        time = p.getLongValue();
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return "malformed JSON";
            }
        } catch (IOException e) {
            return "malformed JSON";
        }
        if (user == null || user.isEmpty()) {
            return "missing reviewerID";
        }
        if (item == null || item.isEmpty()) {
            return "missing asin";
        }
        if (time == Long.MIN_VALUE) {
            return "missing unixReviewTime";
        }
        if (time < 0 || time > Integer.MAX_VALUE) {
            return "unixReviewTime out of range";
        }
        users.add(user);
        items.add(item);
        timeOut[0] = (int) time;
        return null;
    }
}
