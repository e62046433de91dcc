package dev.sim4j.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.Sim4j;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL in the middle of its second epoch, then resumed, ends with the weights of an
 * uninterrupted run, byte for byte.
 */
class KillResumeTest {
    static int run(String... args) {
        return Sim4j.commandLine(new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true))
                .execute(args);
    }

    @Test
    void aKilledRunResumesToTheSameWeights(@TempDir Path tmp) throws Exception {
        Path raw = tmp.resolve("raw");
        assertThat(run("synth", "amazon", "--out", raw.toString(), "--users", "300", "--items", "800", "--categories", "20"))
                .isZero();
        Path ds = tmp.resolve("ds");
        assertThat(run("preprocess", "amazon", "--reviews", raw.resolve("reviews_Books.json.gz").toString(), "--meta",
                raw.resolve("meta_Books.json.gz").toString(), "--out", ds.toString())).isZero();
        List<String> train = List.of("train", "--dataset", ds.toString(), "--model", "din", "--epochs", "3",
                "--global-batch-size", "64", "--no-train-eval", "--threads", "1");

        Path straight = tmp.resolve("straight");
        List<String> a = new ArrayList<>(train);
        a.addAll(List.of("--results-dir", straight.toString()));
        assertThat(run(a.toArray(String[]::new))).isZero();

        // The same run in its own JVM, killed once epoch 2 has logged some steps (after epoch 1's checkpoint).
        Path killed = tmp.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Sim4j.class.getName()));
        cmd.addAll(train);
        cmd.addAll(List.of("--results-dir", killed.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path log = killed.resolve("metrics.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (Files.exists(log) && Files.readString(log).contains("\"epoch\":2,\"classification_loss\"")) {
                break;
            }
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("the child was still in epoch 2 when killed").isTrue();
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
