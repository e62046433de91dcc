package dev.sim4j.preprocess.amazon;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Parses blocks of metadata lines (one Python dict literal per line) into (asin, category), where the category is
 * the last element of the first category path ({@code categories[0][-1]}), or null when the item has none. Thread-safe.
 */
public final class MetadataLineParser {
    /** The items of one block in line order (category null = none), their line numbers, and the skipped lines. */
    public record Parsed(List<String> asins, List<String> categories, List<Long> lineNumbers,
                  List<ReviewLineParser.Skipped> skipped, long lines) {
    }

    public Parsed parse(LineBlocks.Block block) {
        byte[] data = block.data();
        List<String> asins = new ArrayList<>();
        List<String> categories = new ArrayList<>();
        List<Long> lineNumbers = new ArrayList<>();
        List<ReviewLineParser.Skipped> skipped = new ArrayList<>();
        long line = block.firstLine();
        int start = 0;
        for (int i = 0; i < block.length(); i++) {
            if (data[i] != '\n') {
                continue;
            }
            int end = i > start && data[i - 1] == '\r' ? i - 1 : i;
            String reason = end == start ? "empty line"
                    : parseLine(new String(data, start, end - start, StandardCharsets.UTF_8), asins, categories);
            if (reason == null) {
                lineNumbers.add(line);
            } else {
                skipped.add(new ReviewLineParser.Skipped(line, reason));
            }
            line++;
            start = i + 1;
        }
        return new Parsed(asins, categories, lineNumbers, skipped, line - block.firstLine());
    }

    private static String parseLine(String text, List<String> asins, List<String> categories) {
        Object value;
        try {
            value = PythonLiteralParser.parse(text);
        } catch (PythonLiteralParser.SyntaxError e) {
            return "not a valid Python literal";
        }
        if (!(value instanceof Map<?, ?> m)) {
            return "not a dict";
        }
        if (!(m.get("asin") instanceof String asin) || asin.isEmpty()) {
            return "missing asin";
        }
        String category = null;
        Object cats = m.get("categories");
        if (cats != null) {
            if (!(cats instanceof List<?> paths)) {
                return "categories is not a list of category paths";
            }
            if (!paths.isEmpty()) {
                if (!(paths.getFirst() instanceof List<?> first)) {
                    return "categories is not a list of category paths";
                }
                if (!first.isEmpty()) {
                    if (!(first.getLast() instanceof String leaf)) {
                        return "a category name is not a string";
                    }
                    category = leaf;
                }
            }
        }
        asins.add(asin);
        categories.add(category);
        return null;
    }
}
