package dev.sim4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Removes the temporary files and folders of one piece of work, also when the JVM is stopped (Ctrl-C, SIGTERM) in the
 * middle of it. Open one around the work, {@link #register} each temporary path, move finished results into place
 * with {@link #publish}, and close it: {@link #close()} deletes whatever is still registered and removes the shutdown
 * hook, so hooks live only as long as the work. Temporary names carry the process id ({@link #tempName}), and
 * {@link #removeStale} deletes those of processes that are gone (killed with SIGKILL, or by a power cut), which no
 * hook can clean.
 *
 * <p>The JVM keeps running other threads while shutdown hooks run, so the work may go on writing: on shutdown the
 * hook first marks the work as stopping ({@link #checkRunning()} then throws, and {@link #publish} refuses), deletes,
 * waits briefly for the work to notice and {@link #close()}, and deletes again.
 */
public final class TempCleanup implements AutoCloseable {
    private static final long GRACE_MILLIS = 3_000;

    private final Set<Path> paths = ConcurrentHashMap.newKeySet();
    private final Object publishing = new Object();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onShutdown, "sim4j-temp-cleanup");
    private volatile boolean stopping;

    private TempCleanup() {
    }

    /** A cleanup whose shutdown hook is registered until {@link #close()}. */
    public static TempCleanup open() {
        TempCleanup c = new TempCleanup();
        try {
            Runtime.getRuntime().addShutdownHook(c.hook);
        } catch (IllegalStateException e) {
            c.stopping = true;  // opened while the JVM shuts down: the work must not start
        }
        return c;
    }

    /** The hidden temporary name for {@code name} in this process: {@code .NAME.tmp-PID}. */
    public static String tempName(String name) {
        return "." + name + ".tmp-" + ProcessHandle.current().pid();
    }

    /**
     * Deletes the temporary files or folders {@code dir/.NAME.tmp-PID} (see {@link #tempName}) whose process is no
     * longer alive; those of live processes (another run writing the same output) are left alone.
     *
     * @return the paths removed
     */
    public static List<Path> removeStale(Path dir, String name) {
        String prefix = "." + name + ".tmp-";
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return removed;
        }
        List<Path> candidates;
        try (Stream<Path> entries = Files.list(dir)) {
            candidates = entries.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        } catch (IOException e) {
            return removed;  // an unreadable folder: the work itself reports it
        }
        for (Path p : candidates) {
            String pid = p.getFileName().toString().substring(prefix.length());
            if (pid.isEmpty() || !pid.chars().allMatch(Character::isDigit) || pid.length() > 18) {
                continue;
            }
            Optional<ProcessHandle> owner = ProcessHandle.of(Long.parseLong(pid));
            if (owner.map(ProcessHandle::isAlive).orElse(false)) {
                continue;
            }
            if (deleteTree(p)) {
                removed.add(p);
            }
        }
        return removed;
    }

    /** Tracks {@code path} (a file or a folder, created or about to be) for deletion; returns it. */
    public Path register(Path path) {
        paths.add(path.toAbsolutePath().normalize());
        return path;
    }

    /** Throws when the JVM is shutting down, so that work stops before it creates more files. */
    public void checkRunning() {
        if (stopping) {
            throw new OutputException("interrupted (Ctrl-C or SIGTERM); the partial output was removed");
        }
    }

    /** A step that moves finished results into place. */
    @FunctionalInterface
    public interface Publication {
        void run() throws IOException;
    }

    /**
     * Runs {@code move} unless the JVM is shutting down, and stops tracking {@code published} (the temporary paths it
     * moved away). A shutdown that starts during the move waits for it, so a result is either wholly in place or
     * not at all.
     */
    public void publish(Publication move, Path... published) throws IOException {
        synchronized (publishing) {
            checkRunning();
            move.run();
            for (Path p : published) {
                paths.remove(p.toAbsolutePath().normalize());
            }
        }
    }

    /** The shutdown hook, for tests. */
    Thread hook() {
        return hook;
    }

    /** Deletes what is still registered and removes the shutdown hook. */
    @Override
    public void close() {
        try {
            deleteAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is shutting down and the hook is running (it waits for this close): nothing to remove.
            }
        } finally {
            closed.countDown();
        }
    }

    private void onShutdown() {
        synchronized (publishing) {
            stopping = true;
        }
        deleteAll();
        try {
            closed.await(GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The work may have created files between the first pass and its close (or the end of the grace period).
        deleteAll();
    }

    /** Deletes every registered path; they stay registered, since the work may create them again until it closes. */
    private void deleteAll() {
        for (Path p : List.copyOf(paths)) {
            deleteTree(p);
        }
    }

    /** Deletes a file or a folder tree without following links; true when nothing is left. */
    private static boolean deleteTree(Path root) {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | UncheckedIOException e) {
                // A writer still at work changed the tree under the walk: walk it again.
            }
        }
        return !Files.exists(root, LinkOption.NOFOLLOW_LINKS);
    }
}
