package dev.sim4j.data.spec;

import dev.sim4j.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a data file named in a spec lives: the one rule, shared by the validator and the readers, that a dataset's
 * files are inside its folder. Containment is checked on real paths (symbolic links resolved), so neither {@code ../}
 * nor a link to {@code /etc} can make a dataset read files outside it; a link to another file inside is fine.
 */
public final class DataFiles {
    private DataFiles() {
    }

    /**
     * Where a file landed, or what is wrong with it.
     *
     * @param path    the real path of the file (null when {@code problem} is set)
     * @param problem what is wrong and what to do, phrased for a spec problem; null when the file is usable
     */
    public record Location(Path path, String problem) {
    }

    /** Locates {@code file} (as written in the spec) in the dataset folder {@code dir}. */
    public static Location locate(Path dir, String file) {
        Path relative;
        try {
            relative = Path.of(file);
        } catch (InvalidPathException e) {
            return new Location(null, "not a valid path: " + e.getMessage());
        }
        Path base = dir.toAbsolutePath().normalize();
        Path lexical = base.resolve(relative).normalize();
        if (relative.isAbsolute() || !lexical.startsWith(base)) {
            return new Location(null,
                    "path leaves the dataset folder; data files must be given relative to the folder and inside it");
        }
        Path realBase;
        Path real;
        try {
            realBase = base.toRealPath();
            real = lexical.toRealPath();
        } catch (NoSuchFileException e) {
            return new Location(null, "data file is missing (looked for " + lexical + ")");
        } catch (IOException e) {
            return new Location(null, "cannot resolve " + lexical + ": " + e.getMessage());
        }
        if (!real.startsWith(realBase)) {
            return new Location(null, "path leaves the dataset folder through a symbolic link (" + lexical
                    + " resolves to " + real + "); data files must be inside the folder: copy the file in instead");
        }
        if (!Files.isRegularFile(real)) {
            return new Location(null, "not a regular file (" + lexical + ")");
        }
        return new Location(real, null);
    }

    /** The real path of {@code file} in dataset folder {@code dir}; a {@link DataException} says why it cannot be read. */
    public static Path resolve(Path dir, String file) {
        Location at = locate(dir, file);
        if (at.problem() != null) {
            throw new DataException(dir.resolve(FeatureSpec.FILE_NAME) + ": data file " + file + ": " + at.problem());
        }
        return at.path();
    }
}
