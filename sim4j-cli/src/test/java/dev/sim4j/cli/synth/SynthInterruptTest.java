package dev.sim4j.cli.synth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.CliRun;
import dev.sim4j.cli.preprocess.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code synth} stopped with SIGTERM leaves no temporary files; those of dead runs go on the next run. */
class SynthInterruptTest {
    static List<String> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void sigtermWhileWritingLeavesNoTemporaryFiles(@TempDir Path tmp) throws Exception {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path log = tmp.resolve("child.log");
        Process child = ChildJvm.start(log, "synth", "amazon", "--out", out.toString(), "--users", "300000",
                "--threads", "1");
        Path partial = out.resolve(".reviews_Books.json.gz.tmp-" + child.pid());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!(Files.exists(partial) && Files.size(partial) > 0)) {
            assertThat(child.isAlive()).as("child ended early: %s", Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("child too slow").isLessThan(deadline);
            Thread.sleep(10);
        }
        child.destroy();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(entries(out)).as("child log: %s", Files.readString(log)).isEmpty();
    }

    @Test
    void temporaryFilesOfDeadRunsAreRemovedThoseOfLiveOnesKept(@TempDir Path tmp) throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        Process live = new ProcessBuilder("sleep", "60").start();
        try {
            Path out = Files.createDirectories(tmp.resolve("out"));
            Files.writeString(out.resolve(".reviews_Books.json.gz.tmp-" + done.pid()), "a killed run's bytes");
            Files.writeString(out.resolve(".meta_Books.json.gz.tmp-" + done.pid()), "a killed run's bytes");
            Files.writeString(out.resolve(".reviews_Books.json.gz.partial"), "an older version's leftover");
            Path busy = Files.writeString(out.resolve(".reviews_Books.json.gz.tmp-" + live.pid()), "being written");
            CliRun r = CliRun.run("synth", "amazon", "--out", out.toString(), "--users", "50", "--items", "200",
                    "--categories", "10");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(entries(out)).containsExactly(busy.getFileName().toString(), "meta_Books.json.gz",
                    "reviews_Books.json.gz");
        } finally {
            live.destroy();
        }
    }
}
