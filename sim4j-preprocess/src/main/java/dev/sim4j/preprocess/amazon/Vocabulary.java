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
public final class Vocabulary {
    public static final String USERS = "users.tsv";
    public static final String ITEMS = "items.tsv";
    public static final String CATEGORIES = "categories.tsv";
    public static final String USERS_HEADER = "uid\treviewerID";
    public static final String ITEMS_HEADER = "item\tasin\tcategory";
    public static final String CATEGORIES_HEADER = "category\tname";

    private Vocabulary() {
    }

    /** Writes a table row by row (ids 1, 2, ... in call order), for tables streamed in by an engine. */
    public static final class Writer implements AutoCloseable {
        private final Path file;
        private final BufferedWriter out;
        private int next = 1;

        public Writer(Path file, String header) {
            this.file = file;
            try {
                this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                out.write(header);
                out.write('\n');
            } catch (IOException e) {
                throw new OutputException(file + ": cannot write: " + e.getMessage(), e);
            }
        }

        /** The next id's name. */
        public void add(String name) {
            row(name, false, 0);
        }

        /** The next id's name and its extra column. */
        public void add(String name, int extra) {
            row(name, true, extra);
        }

        private void row(String name, boolean withExtra, int extra) {
            try {
                out.write(Integer.toString(next++));
                out.write('\t');
                out.write(escape(name));
                if (withExtra) {
                    out.write('\t');
                    out.write(Integer.toString(extra));
                }
                out.write('\n');
            } catch (IOException e) {
                throw new OutputException(file + ": cannot write: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException e) {
                throw new OutputException(file + ": cannot write: " + e.getMessage(), e);
            }
        }
    }

    /** Writes names[i] with id i + 1, and an optional extra column. */
    public static void write(Path file, String header, List<String> names, int[] extra) {
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
