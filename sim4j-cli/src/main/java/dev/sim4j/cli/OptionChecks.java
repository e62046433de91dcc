package dev.sim4j.cli;

import dev.sim4j.data.OutputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Checks a command's option values once, before any work starts, and names each flag as the user typed it (the
 * reference's underscore alias or sim4j's dashed name). A bad value is a usage error (exit 2); an output path that
 * cannot be written is an output error (exit 5).
 */
public final class OptionChecks {
    private final CommandSpec spec;

    private OptionChecks(CommandSpec spec) {
        this.spec = spec;
    }

    /** The checks for the command {@code spec} describes (the command's {@code @Spec}). */
    public static OptionChecks of(CommandSpec spec) {
        return new OptionChecks(spec);
    }

    /**
     * The flag as the user typed it: whichever of the option's names appears on the command line, else its first
     * (sim4j's own) name; {@code name} may be any of its names.
     */
    public String flag(String name) {
        OptionSpec option = spec.findOption(name);
        if (option == null) {
            return name;
        }
        CommandLine.ParseResult pr = spec.commandLine() == null ? null : spec.commandLine().getParseResult();
        if (pr != null) {
            for (String arg : pr.originalArgs()) {
                String typed = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
                for (String n : option.names()) {
                    if (n.equals(typed)) {
                        return n;
                    }
                }
            }
        }
        return option.names()[0];
    }

    /** A usage error about {@code name}'s value: "{@code --flag: problem}". */
    public CommandLine.ParameterException fail(String name, String problem) {
        return new CommandLine.ParameterException(spec.commandLine(), flag(name) + ": " + problem);
    }

    /** {@code value >= 1}. */
    public void positive(String name, long value) {
        atLeast(name, value, 1);
    }

    /** {@code value >= min}. */
    public void atLeast(String name, long value, long min) {
        if (value < min) {
            throw fail(name, "must be at least " + min + ", got " + value);
        }
    }

    /** Every element {@code >= 1} and the list not empty. */
    public void positiveSizes(String name, List<Integer> values) {
        if (values == null || values.isEmpty()) {
            throw fail(name, "needs at least one size");
        }
        for (int v : values) {
            if (v < 1) {
                throw fail(name, "sizes must be at least 1, got " + v);
            }
        }
    }

    /** A finite number (not NaN, not infinite). */
    public void finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw fail(name, "must be a finite number, got " + value);
        }
    }

    /** A finite number {@code > 0}. */
    public void finitePositive(String name, double value) {
        finite(name, value);
        if (value <= 0) {
            throw fail(name, "must be greater than 0, got " + value);
        }
    }

    /** A finite number {@code >= 0}. */
    public void finiteNonNegative(String name, double value) {
        finite(name, value);
        if (value < 0) {
            throw fail(name, "must be 0 or more, got " + value);
        }
    }

    /** One of the listed words. */
    public void oneOf(String name, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw fail(name, "must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
    }

    /**
     * A file the command will write: not a folder, and its folder exists (or can be created) and is writable. Checked
     * before the work, so a long run does not fail at its end. Creates the missing parent folders.
     */
    public void writableFile(String name, Path file) {
        Path abs = file.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new OutputException(flag(name) + " " + file + ": is a folder; give a file name");
        }
        writableDir(name, abs.getParent() == null ? abs : abs.getParent(), file);
    }

    /** A folder the command will write into: exists or can be created, and is writable. Creates it when missing. */
    public void writableDir(String name, Path dir) {
        writableDir(name, dir.toAbsolutePath(), dir);
    }

    /**
     * A folder the command creates whole (a dataset): absent or an empty folder, in a writable parent folder (created
     * when missing). A file or a non-empty folder there is an output error, found before the work rather than after it.
     */
    public void newFolder(String name, Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new OutputException(flag(name) + " " + dir + ": exists and is not a folder; choose another path");
        }
        if (Files.isDirectory(abs)) {
            try (Stream<Path> entries = Files.list(abs)) {
                if (entries.findAny().isPresent()) {
                    throw new OutputException(flag(name) + " " + dir
                            + ": output folder is not empty; choose a new folder or remove this one");
                }
            } catch (IOException e) {
                throw new OutputException(flag(name) + " " + dir + ": cannot list the folder (" + e.getMessage() + ")");
            }
        }
        writableDir(name, abs.getParent() == null ? abs : abs.getParent(), dir);
    }

    private void writableDir(String name, Path dir, Path asTyped) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new OutputException(flag(name) + " " + asTyped + ": " + dir + " exists and is not a folder");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new OutputException(flag(name) + " " + asTyped + ": cannot create " + dir + " (" + e + ")");
        }
        try {
            Path probe = Files.createTempFile(dir, ".sim4j-write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new OutputException(flag(name) + " " + asTyped + ": " + dir + " is not writable (" + e.getMessage()
                    + "); choose another folder or fix its permissions");
        }
    }
}
