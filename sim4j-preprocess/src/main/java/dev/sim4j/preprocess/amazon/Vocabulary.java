package dev.sim4j.preprocess.amazon;

import dev.sim4j.data.OutputException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Raw name <-> id tables, written as UTF-8 TSV ({@code id<TAB>name[<TAB>extra]}) in id order, so that serving can
 * take the raw reviewerID, asin and category names. Tabs, newlines and backslashes in names are escaped as
 * {@code \t}, {@code \n}, {@code \r} and {@code \\}.
 */
final class Vocabulary {
    private Vocabulary() {
    }

    /** Writes names[i] with id i + 1, and an optional extra column. */
    static void write(Path file, String header, List<String> names, int[] extra) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(header);
            w.write('\n');
            for (int i = 0; i < names.size(); i++) {
                w.write(Integer.toString(i + 1));
                w.write('\t');
                w.write(escape(names.get(i)));
                if (extra != null) {
                    w.write('\t');
                    w.write(Integer.toString(extra[i + 1]));
                }
                w.write('\n');
            }
        } catch (IOException e) {
            throw new OutputException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    static String escape(String s) {
        if (s.indexOf('\\') < 0 && s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
}
