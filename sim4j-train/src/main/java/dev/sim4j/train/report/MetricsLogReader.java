package dev.sim4j.train.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a metrics log written by {@link MetricsLog} back into records.
 *
 * <p>A last line that does not parse is taken to be a record cut off by a killed run and skipped (reported in
 * {@link LogContents#truncatedTail()}); a bad line anywhere else is corruption and raises
 * {@link MetricsLogException} with its line number. Blank lines are skipped, and so are records of a type this
 * version does not know, or with no type (counted in {@link LogContents#skippedUnknown()}), so that an older sim4j
 * reads the log of a newer one.
 */
public final class MetricsLogReader {
    private final ObjectReader json = Json.mapper().readerFor(LogRecord.class);

    /** Reads {@code file}. */
    public LogContents read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new MetricsLogException("cannot read metrics log " + file + ": " + e.getMessage(), e);
        }
        // new String(...) replaces a UTF-8 sequence cut in half instead of failing, so a torn tail stays readable.
        return parse(new String(bytes, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses log {@code text}; {@code source} names it in error messages. */
    public LogContents parse(String text, String source) {
        String[] lines = text.split("\n", -1);
        int last = lines.length - 1;
        while (last >= 0 && lines[last].isBlank()) {
            last--;
        }
        List<LogRecord> records = new ArrayList<>();
        boolean truncated = false;
        int unknown = 0;
        for (int i = 0; i <= last; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            LogRecord record;
            try {
                record = json.readValue(line);
            } catch (JsonProcessingException e) {
                if (i == last) {
                    truncated = true;
                    break;
                }
                throw new MetricsLogException(source + ":" + (i + 1) + ": not a metrics record: "
                        + e.getOriginalMessage(), e);
            }
            if (record == null) {
                unknown++;
            } else {
                records.add(record);
            }
        }
        return new LogContents(records, truncated, unknown);
    }
}
