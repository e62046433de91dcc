package dev.sim4j.cuda.nvrtc;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.sim4j.cuda.CudaException;
import dev.sim4j.cuda.lib.Downcalls;
import dev.sim4j.cuda.lib.NativeLibrary;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

/** The NVRTC functions sim4j calls ({@code libnvrtc.so}): CUDA C source to a cubin for one architecture. */
public final class Nvrtc {
    private final NativeLibrary library;
    private final MethodHandle nvrtcVersion;
    private final MethodHandle nvrtcGetErrorString;
    private final MethodHandle nvrtcCreateProgram;
    private final MethodHandle nvrtcDestroyProgram;
    private final MethodHandle nvrtcCompileProgram;
    private final MethodHandle nvrtcGetProgramLogSize;
    private final MethodHandle nvrtcGetProgramLog;
    private final MethodHandle nvrtcGetCUBINSize;
    private final MethodHandle nvrtcGetCUBIN;

    public Nvrtc(NativeLibrary library) {
        this.library = library;
        Downcalls d = new Downcalls(library);
        nvrtcVersion = d.find("nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        nvrtcGetErrorString = d.find("nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        nvrtcCreateProgram = d.find("nvrtcCreateProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                JAVA_INT, ADDRESS, ADDRESS));
        nvrtcDestroyProgram = d.find("nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        nvrtcCompileProgram = d.find("nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        nvrtcGetProgramLogSize = d.find("nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        nvrtcGetProgramLog = d.find("nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        nvrtcGetCUBINSize = d.find("nvrtcGetCUBINSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        nvrtcGetCUBIN = d.find("nvrtcGetCUBIN", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    }

    public NativeLibrary library() {
        return library;
    }

    /** NVRTC's version as "major.minor". */
    public String version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment major = a.allocate(JAVA_INT);
            MemorySegment minor = a.allocate(JAVA_INT);
            check((int) nvrtcVersion.invokeExact(major, minor), "nvrtcVersion");
            return major.get(JAVA_INT, 0) + "." + minor.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Compiles {@code source} (named {@code name} in messages) with {@code options} (e.g. {@code -arch=sm_90}) to a
     * cubin. A compile error is a {@link CudaException} carrying NVRTC's log.
     */
    public byte[] compile(String source, String name, List<String> options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment progOut = a.allocate(ADDRESS);
            check((int) nvrtcCreateProgram.invokeExact(progOut, a.allocateFrom(source), a.allocateFrom(name), 0,
                    MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram(" + name + ")");
            MemorySegment prog = progOut.get(ADDRESS, 0);
            try {
                MemorySegment opts = a.allocate(ADDRESS, Math.max(1, options.size()));
                for (int i = 0; i < options.size(); i++) {
                    opts.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i)));
                }
                int rc = (int) nvrtcCompileProgram.invokeExact(prog, options.size(), opts);
                if (rc != 0) {
                    // 7 = NVRTC_ERROR_BUILTIN_OPERATION_FAILURE: NVRTC loads libnvrtc-builtins by name at compile time.
                    String hint = rc == 7 ? " (libnvrtc-builtins was not found: add the folder of " + library.where()
                            + " to LD_LIBRARY_PATH)" : "";
                    throw new CudaException("nvrtcCompileProgram(" + name + ", " + options + ")", rc,
                            errorString(rc) + hint + "\n" + log(a, prog));
                }
                MemorySegment size = a.allocate(JAVA_LONG);
                check((int) nvrtcGetCUBINSize.invokeExact(prog, size), "nvrtcGetCUBINSize(" + name + ")");
                MemorySegment cubin = a.allocate(size.get(JAVA_LONG, 0));
                check((int) nvrtcGetCUBIN.invokeExact(prog, cubin), "nvrtcGetCUBIN(" + name + ")");
                return cubin.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            } finally {
                progOut.set(ADDRESS, 0, prog);
                int ignored = (int) nvrtcDestroyProgram.invokeExact(progOut);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private String log(Arena a, MemorySegment prog) throws Throwable {
        MemorySegment size = a.allocate(JAVA_LONG);
        if ((int) nvrtcGetProgramLogSize.invokeExact(prog, size) != 0) {
            return "(no log)";
        }
        MemorySegment text = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
        if ((int) nvrtcGetProgramLog.invokeExact(prog, text) != 0) {
            return "(no log)";
        }
        return text.getString(0);
    }

    private void check(int status, String call) {
        if (status != 0) {
            throw new CudaException(call, status, errorString(status));
        }
    }

    private String errorString(int status) {
        try {
            MemorySegment s = (MemorySegment) nvrtcGetErrorString.invokeExact(status);
            return s.equals(MemorySegment.NULL) ? "nvrtcResult " + status : s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
