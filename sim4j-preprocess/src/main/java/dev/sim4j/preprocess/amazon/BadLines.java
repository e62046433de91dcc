package dev.sim4j.preprocess.amazon;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lines skipped while reading one raw file, counted per reason, with the first few line numbers of each so that
 * a user can look at them. Nothing is skipped without being counted here.
 */
public final class BadLines {
    private static final int EXAMPLES = 5;

    /** Skipped lines of one reason: how many, and the first line numbers (1-based). */
    public record Reason(long count, List<Long> firstLines) {
    }

    private final String file;
    private final Map<String, long[]> counts = new TreeMap<>();
    private final Map<String, List<Long>> examples = new TreeMap<>();

    /** Lines of {@code file} (as named in messages). */
    public BadLines(String file) {
        this.file = file;
    }

    public void add(String reason, long line) {
        counts.computeIfAbsent(reason, r -> new long[1])[0]++;
        List<Long> ex = examples.computeIfAbsent(reason, r -> new ArrayList<>());
        if (ex.size() < EXAMPLES) {
            ex.add(line);
        }
    }

    /**
     * Adds {@code count} lines of one reason whose first line numbers, in ascending order, are {@code firstLines}
     * (an engine that counted them elsewhere); the examples kept are the smallest of these and of those added before.
     */
    public void add(String reason, long count, List<Long> firstLines) {
        counts.computeIfAbsent(reason, r -> new long[1])[0] += count;
        List<Long> ex = examples.computeIfAbsent(reason, r -> new ArrayList<>());
        ex.addAll(firstLines);
        ex.sort(null);
        while (ex.size() > EXAMPLES) {
            ex.removeLast();
        }
    }

    public long total() {
        return counts.values().stream().mapToLong(c -> c[0]).sum();
    }

    public Map<String, Reason> byReason() {
        Map<String, Reason> out = new TreeMap<>();
        counts.forEach((r, c) -> out.put(r, new Reason(c[0], List.copyOf(examples.get(r)))));
        return out;
    }

    /** One line per reason: "  file: 3 x malformed JSON (lines 4, 17, 20)". */
    public String describe() {
        StringBuilder b = new StringBuilder();
        byReason().forEach((r, c) -> b.append("  ").append(file).append(": ").append(c.count()).append(" x ").append(r)
                .append(" (line").append(c.firstLines().size() > 1 ? "s " : " ")
                .append(String.join(", ", c.firstLines().stream().map(String::valueOf).toList()))
                .append(c.count() > c.firstLines().size() ? ", ..." : "").append(")\n"));
        return b.toString();
    }
}
