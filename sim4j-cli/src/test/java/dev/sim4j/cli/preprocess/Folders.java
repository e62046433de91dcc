package dev.sim4j.cli.preprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Folders for output-error tests. */
public final class Folders {
    private Folders() {
    }

    /** A folder this process cannot write into: a read-only one, or (as root, who writes anywhere) /proc/self. */
    public static Path unwritable(Path tmp) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("read-only"));
        dir.toFile().setWritable(false, false);
        if (!Files.isWritable(dir)) {
            return dir;
        }
        Path proc = Path.of("/proc/self");
        Assumptions.assumeTrue(Files.isDirectory(proc), "no read-only folder to test with");
        return proc;
    }
}
