package dev.sim4j.cli.preprocess;

import dev.sim4j.cli.Sim4j;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code sim4j} in a JVM of its own, to be stopped with a signal as a user's Ctrl-C or kill would. */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** Starts {@code sim4j args...}, its output to {@code log}. */
    public static Process start(Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Sim4j.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
