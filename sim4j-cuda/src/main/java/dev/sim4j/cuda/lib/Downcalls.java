package dev.sim4j.cuda.lib;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/** Method handles for a native library's functions, looked up once when a binding is built. */
public final class Downcalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private final NativeLibrary library;

    public Downcalls(NativeLibrary library) {
        this.library = library;
    }

    /** The handle of {@code name}; an {@link UnsatisfiedLinkError} naming the library when it lacks the symbol. */
    public MethodHandle find(String name, FunctionDescriptor descriptor) {
        return optional(name, descriptor).orElseThrow(() -> new UnsatisfiedLinkError(
                library.where() + " has no function " + name + " (too old a version?)"));
    }

    /** The handle of {@code name}, or empty when this version of the library lacks it. */
    public Optional<MethodHandle> optional(String name, FunctionDescriptor descriptor) {
        return library.lookup().find(name).map(symbol -> LINKER.downcallHandle(symbol, descriptor));
    }

    public NativeLibrary library() {
        return library;
    }
}
