package dev.sim4j.cuda.lib;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the CUDA libraries at run time, never from one machine's hard-coded path. The order: the folders in
 * {@code SIM4J_CUDA_LIB_PATH} (colon-separated); the dynamic loader's own search ({@code LD_LIBRARY_PATH}, the
 * loader cache); the usual CUDA-toolkit and driver folders ({@code CUDA_HOME}, {@code CUDA_PATH},
 * {@code /usr/local/cuda}, versioned toolkits, {@code /usr/local/nvidia}); then Python environments' {@code
 * nvidia/<package>/lib} folders (the pip wheels of CUDA, e.g. from PyTorch). Each library is asked for by several
 * names (the current major version first) so that one build works with CUDA 12 and 13.
 */
public final class LibraryLocator {
    /** The environment variable whose folders are searched first. */
    public static final String PATH_VARIABLE = "SIM4J_CUDA_LIB_PATH";

    private final Map<String, String> env;
    private final List<Path> searched = new ArrayList<>();

    /** A locator reading the given environment (tests pass their own). */
    public LibraryLocator(Map<String, String> env) {
        this.env = env;
    }

    /** A locator reading the process environment. */
    public static LibraryLocator fromEnvironment() {
        return new LibraryLocator(System.getenv());
    }

    /**
     * Loads the first of {@code sonames} found, in {@code arena} (the library stays loaded while the arena is open).
     * Empty when none is found; {@link #describeSearch(List)} then says where it looked.
     */
    public Optional<NativeLibrary> load(List<String> sonames, Arena arena) {
        for (String dir : split(env.get(PATH_VARIABLE))) {
            Optional<NativeLibrary> lib = loadFrom(Path.of(dir), sonames, PATH_VARIABLE, arena);
            if (lib.isPresent()) {
                return lib;
            }
        }
        for (String name : sonames) {
            try {
                return Optional.of(new NativeLibrary(name, null, "dynamic loader", SymbolLookup.libraryLookup(name, arena)));
            } catch (IllegalArgumentException notFound) {
                // not on the loader's path: try the usual folders
            }
        }
        for (Path dir : toolkitFolders()) {
            Optional<NativeLibrary> lib = loadFrom(dir, sonames, "CUDA folder", arena);
            if (lib.isPresent()) {
                return lib;
            }
        }
        for (Path dir : pythonNvidiaFolders()) {
            Optional<NativeLibrary> lib = loadFrom(dir, sonames, "Python environment", arena);
            if (lib.isPresent()) {
                return lib;
            }
        }
        return Optional.empty();
    }

    /** One line saying where {@code sonames} were looked for, for the "missing" message. */
    public String describeSearch(List<String> sonames) {
        return String.join(" or ", sonames) + " not found (looked in " + PATH_VARIABLE + "="
                + env.getOrDefault(PATH_VARIABLE, "<unset>") + ", the dynamic loader's path, " + searched.size()
                + " CUDA and Python folders); set " + PATH_VARIABLE + " to the folder that holds it";
    }

    private Optional<NativeLibrary> loadFrom(Path dir, List<String> sonames, String origin, Arena arena) {
        if (!searched.contains(dir)) {
            searched.add(dir);
        }
        for (String name : sonames) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file) || Files.isSymbolicLink(file)) {
                try {
                    return Optional.of(new NativeLibrary(name, file.toAbsolutePath(), origin,
                            SymbolLookup.libraryLookup(file, arena)));
                } catch (IllegalArgumentException unloadable) {
                    // a broken link or a library for another architecture: keep looking
                }
            }
        }
        return Optional.empty();
    }

    /** The usual toolkit and driver folders, those of CUDA_HOME / CUDA_PATH first. */
    List<Path> toolkitFolders() {
        Set<Path> dirs = new LinkedHashSet<>();
        for (String var : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
            String home = env.get(var);
            if (home != null && !home.isBlank()) {
                dirs.add(Path.of(home, "lib64"));
                dirs.add(Path.of(home, "targets", "x86_64-linux", "lib"));
                dirs.add(Path.of(home, "lib"));
            }
        }
        List<Path> toolkits = new ArrayList<>();
        toolkits.add(Path.of("/usr/local/cuda"));
        toolkits.addAll(children(Path.of("/usr/local"), "cuda-*"));
        toolkits.add(Path.of("/opt/cuda"));
        for (Path t : toolkits) {
            dirs.add(t.resolve("lib64"));
            dirs.add(t.resolve("targets/x86_64-linux/lib"));
            dirs.add(t.resolve("targets/sbsa-linux/lib"));
        }
        dirs.add(Path.of("/usr/local/nvidia/lib64"));
        dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        dirs.add(Path.of("/usr/lib/aarch64-linux-gnu"));
        dirs.add(Path.of("/usr/lib64"));
        dirs.add(Path.of("/lib/x86_64-linux-gnu"));
        return List.copyOf(dirs);
    }

    /** {@code site-packages/nvidia/<package>/lib} folders of the Python environments this process can see. */
    List<Path> pythonNvidiaFolders() {
        Set<Path> roots = new LinkedHashSet<>();
        for (String var : new String[] {"VIRTUAL_ENV", "CONDA_PREFIX"}) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                roots.add(Path.of(v, "lib"));
            }
        }
        String home = env.get("HOME");
        if (home != null) {
            roots.add(Path.of(home, ".local", "lib"));
        }
        roots.add(Path.of("/usr/local/lib"));
        roots.add(Path.of("/usr/lib"));
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            for (Path python : children(root, "python3*")) {
                for (String packages : new String[] {"site-packages", "dist-packages"}) {
                    for (Path pkg : children(python.resolve(packages).resolve("nvidia"), "*")) {
                        out.add(pkg.resolve("lib"));
                    }
                    for (Path cu : children(python.resolve(packages).resolve("nvidia").resolve("cu13"), "lib")) {
                        out.add(cu);
                    }
                }
            }
        }
        return out;
    }

    private static List<Path> children(Path dir, String glob) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            for (Path p : s) {
                out.add(p);
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(null);
        return out.reversed();
    }

    private static List<String> split(String path) {
        if (path == null || path.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String s : path.split(":")) {
            if (!s.isBlank()) {
                out.add(s);
            }
        }
        return out;
    }
}
