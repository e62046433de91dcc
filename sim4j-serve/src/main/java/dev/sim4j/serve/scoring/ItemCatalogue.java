package dev.sim4j.serve.scoring;

import dev.sim4j.data.DataException;
import dev.sim4j.serve.store.Vocabulary;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every item of a dataset's vocabulary with its category, by raw names ({@code items.tsv}: item id, ASIN, category
 * id; {@code categories.tsv}): what the load generator draws events and candidates from.
 */
public final class ItemCatalogue {
    private ItemCatalogue() {
    }

    /**
     * The items of {@code vocab} (a dataset's {@code vocab} folder) in id order, as candidates; a bad line or a
     * category id the categories do not have is a {@link DataException} naming the file and line.
     */
    public static List<Candidate> read(Path vocab) {
        Vocabulary categories = Vocabulary.read(vocab.resolve("categories.tsv"));
        Path file = vocab.resolve("items.tsv");
        List<Candidate> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            if (r.readLine() == null) {
                throw new DataException(file + ": empty; expected a header line and one line per item");
            }
            String line;
            int lineNo = 1;
            while ((line = r.readLine()) != null) {
                lineNo++;
                String[] f = line.split("\t", -1);
                if (f.length < 3 || f[1].isEmpty()) {
                    throw new DataException(file + " line " + lineNo + ": expected 'item<TAB>asin<TAB>category', got '"
                            + line + "'");
                }
                int category;
                try {
                    category = Integer.parseInt(f[2]);
                } catch (NumberFormatException e) {
                    throw new DataException(file + " line " + lineNo + ": the category id '" + f[2] + "' is not a number");
                }
                if (category < 1 || category > categories.size()) {
                    throw new DataException(file + " line " + lineNo + ": category id " + category + " is not in "
                            + vocab.resolve("categories.tsv") + " (ids 1.." + categories.size() + ")");
                }
                out.add(new Candidate(f[1], categories.name(category)));
            }
        } catch (NoSuchFileException e) {
            throw new DataException(file + ": missing; a dataset written by 'sim4j preprocess amazon' has it");
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new DataException(file + ": no items; the load generator needs some to draw from");
        }
        return out;
    }
}
