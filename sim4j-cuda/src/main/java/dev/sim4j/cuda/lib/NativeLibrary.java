package dev.sim4j.cuda.lib;

import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;

/**
 * One loaded native library: its symbols, the file name it was asked for and how it was found.
 *
 * @param soname the library's name as looked up (e.g. {@code libcublas.so.13})
 * @param path   the file it was loaded from, or null when the dynamic loader found it by name
 * @param origin how it was found, for {@code sim4j doctor} ("SIM4J_CUDA_LIB_PATH", "dynamic loader", ...)
 * @param lookup its symbols, valid as long as the arena it was loaded in
 */
public record NativeLibrary(String soname, Path path, String origin, SymbolLookup lookup) {
    /** Where it came from, in words. */
    public String where() {
        return (path != null ? path.toString() : soname) + " (" + origin + ")";
    }
}
