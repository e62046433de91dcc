package dev.sim4j.serve.store;

import dev.sim4j.data.DataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One of the id vocabularies preprocessing writes ({@code vocab/users.tsv}, {@code items.tsv}, {@code categories.tsv}):
 * a header line, then one line per id 1, 2, ... in order, the id and its raw name tab-separated (items add their
 * category id). Index 0 is the padding and has no name.
 */
public final class Vocabulary {
    private final String[] names;
    private final java.util.Map<String, Integer> ids;

    private Vocabulary(String[] names) {
        this.names = names;
        this.ids = new java.util.HashMap<>(names.length * 2);
        for (int i = 1; i < names.length; i++) {
            ids.putIfAbsent(names[i], i);
        }
    }

    /** Reads {@code file}; a missing file, a bad line or an id out of order is a {@link DataException} naming it. */
    public static Vocabulary read(Path file) {
        List<String> names = new ArrayList<>();
        names.add(null);
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            if (header == null) {
                throw new DataException(file + ": empty; expected a header line and one line per id");
            }
            String line;
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                int tab = line.indexOf('\t');
                if (tab <= 0) {
                    throw new DataException(file + " line " + lineNo + ": expected 'id<TAB>name', got '" + line + "'");
                }
                int end = line.indexOf('\t', tab + 1);
                String name = end < 0 ? line.substring(tab + 1) : line.substring(tab + 1, end);
                long id;
                try {
                    id = Long.parseLong(line.substring(0, tab));
                } catch (NumberFormatException e) {
                    throw new DataException(file + " line " + lineNo + ": the id '" + line.substring(0, tab)
                            + "' is not a number");
                }
                if (id != names.size()) {
                    throw new DataException(file + " line " + lineNo + ": id " + id + " where " + names.size()
                            + " was expected (ids run 1, 2, ... in order)");
                }
                names.add(name);
            }
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": missing; a dataset written by 'sim4j preprocess amazon' has it");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage());
        }
        return new Vocabulary(names.toArray(new String[0]));
    }

    /** Ids 1..size(). */
    public int size() {
        return names.length - 1;
    }

    /** The id of a raw name, or 0 (the padding: cold start) when the vocabulary does not have it. */
    public int id(String name) {
        Integer id = ids.get(name);
        return id == null ? 0 : id;
    }

    /** The raw name of {@code id} (1..size()). */
    public String name(int id) {
        if (id < 1 || id >= names.length) {
            throw new IllegalArgumentException("id " + id + " outside 1.." + size());
        }
        return names[id];
    }
}
