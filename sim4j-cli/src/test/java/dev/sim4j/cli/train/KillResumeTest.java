package dev.sim4j.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.CliRun;
import dev.sim4j.cli.Sim4j;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed in the middle of its second epoch, then resumed: with SIGKILL it ends with the weights of
 * an uninterrupted run, byte for byte; with SIGTERM (as Ctrl-C's SIGINT) its shutdown hook first cleans up, writes the
 * report of what finished and prints the command that continues.
 */
class KillResumeTest {
    @TempDir
    static Path tmp;
    static Path ds;

    @BeforeAll
    static void data() {
        ds = CliRun.smallDataset(tmp);
    }

    static int run(String... args) {
        return Sim4j.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true))
                .execute(args);
    }

    /** {@code sim4j train...} in its own JVM, output to {@code log}. */
    static Process child(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Sim4j.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits until the child has logged steps of epoch 2 (so epoch 1's checkpoint is written); fails if it ended. */
    static void awaitEpochTwo(Process p, Path results) throws Exception {
        Path log = results.resolve("metrics.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(log) && Files.readString(log).contains("\"epoch\":2,\"classification_loss\"")) {
                break;
            }
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("the child was still in epoch 2 when killed").isTrue();
    }

    @Test
    void aSigtermStopsCleanlyWithTheReportAndHowToContinueThenResumes() throws Exception {
        Path results = tmp.resolve("terminated");
        List<String> train = new ArrayList<>(List.of("train", "--dataset", ds.toString(), "--model", "din", "--epochs",
                "2", "--global-batch-size", "256", "--no-train-eval", "--threads", "1", "--results-dir",
                results.toString()));
        Path out = tmp.resolve("terminated.log");
        Process p = child(train, out);
        awaitEpochTwo(p, results);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // The JVM exits with 128 + the signal: 143 for SIGTERM (130 for SIGINT, Ctrl-C).
        assertThat(p.exitValue()).isEqualTo(143);
        String printed = Files.readString(out);
        assertThat(printed).contains("interrupted; continue with --resume:\n  sim4j " + String.join(" ", train)
                + " --resume\n", "epoch 1 is checkpointed", "the report of what finished is "
                + results.resolve("report.html"));
        assertThat(printed).doesNotContain("internal error", "Exception");
        assertThat(results.resolve("report.html")).isRegularFile();
        assertThat(results.resolve("checkpoints/epoch_1/weights.safetensors")).isRegularFile();
        try (var files = Files.walk(results)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }

        train.add("--resume");
        assertThat(run(train.toArray(String[]::new))).isZero();
        assertThat(results.resolve("checkpoints/epoch_2/weights.safetensors")).isRegularFile();
        assertThat(Files.readString(results.resolve("metrics.jsonl")).split("\"type\":\"summary\"", -1)).hasSize(2);
    }

    @Test
    void aKilledRunResumesToTheSameWeights() throws Exception {
        List<String> train = List.of("train", "--dataset", ds.toString(), "--model", "din", "--epochs", "3",
                "--global-batch-size", "64", "--no-train-eval", "--threads", "1");

        Path straight = tmp.resolve("straight");
        List<String> a = new ArrayList<>(train);
        a.addAll(List.of("--results-dir", straight.toString()));
        assertThat(run(a.toArray(String[]::new))).isZero();

        // The same run in its own JVM, killed once epoch 2 has logged some steps (after epoch 1's checkpoint).
        Path killed = tmp.resolve("killed");
        List<String> args = new ArrayList<>(train);
        args.addAll(List.of("--results-dir", killed.toString()));
        Process p = child(args, tmp.resolve("child.log"));
        Path log = killed.resolve("metrics.jsonl");
        awaitEpochTwo(p, killed);
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(killed.resolve("checkpoints/epoch_1/weights.safetensors")).isRegularFile();
        assertThat(killed.resolve("checkpoints/epoch_3")).doesNotExist();

        List<String> b = new ArrayList<>(train);
        b.addAll(List.of("--results-dir", killed.toString(), "--resume"));
        assertThat(run(b.toArray(String[]::new))).isZero();
        for (String f : new String[] {"weights.safetensors", "optimizer.safetensors"}) {
            assertThat(Files.readAllBytes(killed.resolve("checkpoints/epoch_3").resolve(f))).as(f)
                    .isEqualTo(Files.readAllBytes(straight.resolve("checkpoints/epoch_3").resolve(f)));
        }
        String metrics = Files.readString(log);
        assertThat(metrics.split("\"type\":\"summary\"", -1)).hasSize(2);
    }
}
