package dev.sim4j.cli.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code preprocess} stopped with SIGTERM (what {@code Process.destroy()} sends; Ctrl-C's SIGINT takes the same
 * path) while it writes leaves no hidden working folder and no dataset; the working folder a run killed with SIGKILL
 * leaves (named by its process id) is removed by the next run, unless its process is alive.
 */
class InterruptCleanupTest {
    static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Waits until {@code ready} holds, failing if the child ends or takes too long. */
    static void await(Process child, Path log, java.util.function.BooleanSupplier ready) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!ready.getAsBoolean()) {
            assertThat(child.isAlive()).as("the child ended before the moment to stop it: %s", Files.readString(log))
                    .isTrue();
            assertThat(System.nanoTime()).as("child too slow").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    static boolean hasParts(Path folder) {
        try (Stream<Path> s = Files.list(folder.resolve("train"))) {
            return s.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void sigtermWhileWritingLeavesNothingAndADeadRunsFolderGoesNextTime(@TempDir Path tmp) throws Exception {
        Path raw = tmp.resolve("raw");
        CliRun synth = CliRun.run("synth", "amazon", "--out", raw.toString(), "--users", "500", "--items", "1000",
                "--categories", "20");
        assertThat(synth.code()).as(synth.err()).isZero();
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path ds = work.resolve("ds");
        String[] args = {"preprocess", "amazon", "--reviews", raw.resolve("reviews_Books.json.gz").toString(), "--meta",
            raw.resolve("meta_Books.json.gz").toString(), "--out", ds.toString(), "--format", "tfrecord",
            "--train-parts", "64", "--threads", "1"};

        // SIGTERM in the middle of writing the TFRecord parts.
        Process child = ChildJvm.start(tmp.resolve("child.log"), args);
        Path temp = work.resolve(".ds.tmp-" + child.pid());
        await(child, tmp.resolve("child.log"), () -> hasParts(temp));
        child.destroy();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(entries(work)).as("nothing left after SIGTERM; child log: %s", Files.readString(tmp.resolve("child.log")))
                .isEmpty();

        // SIGKILL runs no hook: the working folder stays, named by the dead process's id (a finished process stands
        // in for the killed one) ...
        Process dead = new ProcessBuilder("true").start();
        assertThat(dead.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path left = Files.createDirectories(work.resolve(".ds.tmp-" + dead.pid() + "/train"));
        Files.writeString(left.resolve("part_00000.tfrecord"), "a killed run's rows");
        // ... and the next run removes it, but not the folder of a live process writing the same output.
        Process live = new ProcessBuilder("sleep", "120").start();
        try {
            Path busy = Files.createDirectories(work.resolve(".ds.tmp-" + live.pid()));
            CliRun again = CliRun.run("preprocess", "amazon", "--reviews", raw.resolve("reviews_Books.json.gz").toString(),
                    "--meta", raw.resolve("meta_Books.json.gz").toString(), "--out", ds.toString());
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(entries(work)).containsExactly(busy.getFileName().toString(), "ds");
        } finally {
            live.destroy();
        }
    }
}
