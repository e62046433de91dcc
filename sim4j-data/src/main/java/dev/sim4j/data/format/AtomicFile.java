package dev.sim4j.data.format;

import dev.sim4j.data.OutputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** A temporary sibling of a target file that is renamed onto the target once complete. */
public record AtomicFile(Path target, Path temp) {

    public static AtomicFile of(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new OutputException(parent + ": cannot create folder: " + e.getMessage(), e);
        }
        return new AtomicFile(target, parent.resolve("." + target.getFileName() + ".tmp"));
    }

    public void commit() {
        try {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new OutputException(target + ": cannot move the finished file into place: " + e.getMessage(), e);
        }
    }

    public void discard() {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // Best effort: a leftover hidden temp file is harmless and never mistaken for data.
        }
    }
}
