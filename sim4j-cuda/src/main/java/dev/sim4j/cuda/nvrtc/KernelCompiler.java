package dev.sim4j.cuda.nvrtc;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Compiles kernel sources for one GPU architecture with NVRTC and keeps the cubins in a disk cache keyed by the
 * SHA-256 of source, options, architecture and NVRTC version, so only the first start on a machine compiles. The
 * cache folder is {@code SIM4J_KERNEL_CACHE}, else {@code $XDG_CACHE_HOME/sim4j/kernels}, else {@code
 * ~/.cache/sim4j/kernels}; an unwritable cache only costs the compile time.
 */
public final class KernelCompiler {
    private final Nvrtc nvrtc;
    private final String architecture;
    private final Path cacheDir;
    private final String nvrtcVersion;

    /** A compiler for {@code architecture} (e.g. {@code sm_90}) caching in {@code cacheDir} (null: no cache). */
    public KernelCompiler(Nvrtc nvrtc, String architecture, Path cacheDir) {
        this.nvrtc = nvrtc;
        this.architecture = architecture;
        this.cacheDir = cacheDir;
        this.nvrtcVersion = nvrtc.version();
    }

    /** The default cache folder, from the environment. */
    public static Path defaultCacheDir() {
        String explicit = System.getenv("SIM4J_KERNEL_CACHE");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sim4j").resolve("kernels");
    }

    /** The options every kernel is compiled with (plus the architecture). */
    public List<String> options() {
        List<String> o = new ArrayList<>();
        o.add("-arch=" + architecture);
        o.add("-std=c++17");
        // No fast-math: the kernels must match the scalar reference to float rounding; fused multiply-adds stay on
        // (the CUDA default), which the tolerances of the parity tests allow.
        o.add("-default-device");
        return o;
    }

    public String architecture() {
        return architecture;
    }

    /** The cubin of {@code source}, from the cache or freshly compiled (and then cached). */
    public byte[] compile(String source, String name) {
        List<String> options = options();
        String key = key(source, options);
        Path cached = cacheDir == null ? null : cacheDir.resolve(name.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + key
                + ".cubin");
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                return Files.readAllBytes(cached);
            } catch (IOException e) {
                // unreadable cache entry: compile again
            }
        }
        byte[] cubin = nvrtc.compile(source, name, options);
        if (cached != null) {
            store(cached, cubin);
        }
        return cubin;
    }

    private String key(String source, List<String> options) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(source.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update(String.join("\u0000", options).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            md.update(nvrtcVersion.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void store(Path file, byte[] cubin) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".tmp-", ".cubin");
            Files.write(tmp, cubin);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // the cache is an optimisation: a read-only home only means compiling on every start
        }
    }
}
