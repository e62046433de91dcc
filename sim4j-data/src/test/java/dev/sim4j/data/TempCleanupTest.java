package dev.sim4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary paths go on close and on shutdown; hooks live only as long as the work; stale ones of dead processes go. */
class TempCleanupTest {
    @TempDir
    Path tmp;

    /** The id of a process that has ended (and been reaped). */
    static long deadPid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        return p.pid();
    }

    @Test
    void closeDeletesWhatIsStillRegisteredAndRemovesItsHook() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve(".out.tmp-1/a/b"));
        Files.writeString(folder.resolve("part"), "x");
        Path file = Files.writeString(tmp.resolve(".f.tmp-1"), "y");
        Path kept = Files.writeString(tmp.resolve(".g.tmp-1"), "z");
        TempCleanup c = TempCleanup.open();
        c.register(tmp.resolve(".out.tmp-1"));
        c.register(file);
        c.register(kept);
        c.publish(() -> Files.move(kept, tmp.resolve("g")), kept);
        c.close();
        assertThat(tmp.resolve(".out.tmp-1")).doesNotExist();
        assertThat(file).doesNotExist();
        assertThat(tmp.resolve("g")).hasContent("z");
        assertThat(Runtime.getRuntime().removeShutdownHook(c.hook())).as("hook still registered").isFalse();
    }

    @Test
    void theHookIsRegisteredWhileOpen() {
        TempCleanup c = TempCleanup.open();
        try {
            assertThat(Runtime.getRuntime().removeShutdownHook(c.hook())).isTrue();
        } finally {
            c.close();
        }
    }

    /** The hook run as on SIGTERM: it deletes, stops further work and publication, and waits for the close. */
    @Test
    void onShutdownTheWorkIsStoppedAndItsFilesDeleted() throws Exception {
        Path work = Files.createDirectories(tmp.resolve(".ds.tmp-7"));
        Files.writeString(work.resolve("part_00000"), "rows");
        TempCleanup c = TempCleanup.open();
        c.register(work);
        Thread hook = c.hook();
        assertThat(Runtime.getRuntime().removeShutdownHook(hook)).isTrue();
        hook.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.exists(work) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(work).doesNotExist();
        assertThatThrownBy(c::checkRunning).isInstanceOf(OutputException.class).hasMessageContaining("interrupted");
        // The work, still running, writes once more and tries to publish: refused, and its file goes at close.
        Files.createDirectories(work);
        Files.writeString(work.resolve("part_00001"), "more");
        assertThatThrownBy(() -> c.publish(() -> Files.move(work, tmp.resolve("ds")), work))
                .isInstanceOf(OutputException.class);
        assertThat(tmp.resolve("ds")).doesNotExist();
        c.close();
        hook.join(10_000);
        assertThat(hook.isAlive()).isFalse();
        assertThat(work).doesNotExist();
    }

    @Test
    void staleTempsOfDeadProcessesAreRemovedThoseOfLiveOnesKept() throws Exception {
        long dead = deadPid();
        Process live = new ProcessBuilder("sleep", "60").start();
        try {
            Path stale = Files.createDirectories(tmp.resolve(".ds.tmp-" + dead + "/train"));
            Files.writeString(stale.resolve("part_00000.tfrecord"), "old");
            Path staleFile = Files.writeString(tmp.resolve(".x.tmp-" + dead), "f");
            Path busy = Files.createDirectories(tmp.resolve(".ds.tmp-" + live.pid()));
            Path other = Files.createDirectories(tmp.resolve(".ds.tmp-backup"));
            Path otherName = Files.createDirectories(tmp.resolve(".dsx.tmp-" + dead));
            assertThat(TempCleanup.removeStale(tmp, "ds")).containsExactly(tmp.resolve(".ds.tmp-" + dead));
            assertThat(tmp.resolve(".ds.tmp-" + dead)).doesNotExist();
            assertThat(busy).isDirectory();
            assertThat(other).isDirectory();
            assertThat(otherName).isDirectory();
            assertThat(staleFile).exists();
            assertThat(TempCleanup.removeStale(tmp, "x")).containsExactly(staleFile);
        } finally {
            live.destroy();
        }
    }
}
