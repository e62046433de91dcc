package dev.sim4j.serve.scoring;

import dev.sim4j.serve.store.Vocabulary;
import java.nio.file.Path;

/**
 * The three id vocabularies of a preprocessed dataset ({@code vocab/users.tsv}, {@code items.tsv},
 * {@code categories.tsv}): raw ids in, model ids out, 0 (the padding) for a name the model never saw.
 */
public record Vocabularies(Vocabulary users, Vocabulary items, Vocabulary categories) {
    /** Reads them from {@code dir} (a dataset's {@code vocab} folder). */
    public static Vocabularies read(Path dir) {
        return new Vocabularies(Vocabulary.read(dir.resolve("users.tsv")), Vocabulary.read(dir.resolve("items.tsv")),
                Vocabulary.read(dir.resolve("categories.tsv")));
    }
}
