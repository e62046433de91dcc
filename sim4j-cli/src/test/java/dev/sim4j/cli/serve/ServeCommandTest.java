package dev.sim4j.cli.serve;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sim4j serve}'s refusals before it listens (the service itself: ScoringServiceTest). */
class ServeCommandTest {
    @Test
    void missingInputsAreOneLineErrors(@TempDir Path tmp) throws Exception {
        CliRun noFlags = run("serve");
        assertThat(noFlags.code()).isEqualTo(2);
        assertThat(noFlags.err()).contains("--checkpoint", "--store", "--vocab");
        CliRun noVocab = run("serve", "--checkpoint", tmp.toString(), "--vocab", tmp.resolve("v").toString(),
                "--store", tmp.resolve("s").toString());
        assertThat(noVocab.code()).isEqualTo(3);
        assertThat(noVocab.err()).contains("users.tsv", "missing").hasLineCount(1);
        Path vocab = Files.createDirectories(tmp.resolve("vocab"));
        Files.writeString(vocab.resolve("users.tsv"), "uid\treviewerID\n1\tU\n");
        Files.writeString(vocab.resolve("items.tsv"), "item\tasin\tcategory\n1\tI\t1\n");
        Files.writeString(vocab.resolve("categories.tsv"), "category\tname\n1\tC\n");
        CliRun noCheckpoint = run("serve", "--checkpoint", tmp.resolve("nothing").toString(), "--vocab",
                vocab.toString(), "--store", tmp.resolve("s").toString());
        assertThat(noCheckpoint.code()).isEqualTo(3);
        assertThat(noCheckpoint.err()).contains("nothing").hasLineCount(1);
        assertThat(run("serve", "--checkpoint", "x", "--vocab", "y", "--store", "z", "--port", "70000").code())
                .isEqualTo(2);
        Files.writeString(tmp.resolve("token"), "two words\n");
        CliRun badToken = run("serve", "--checkpoint", "x", "--vocab", vocab.toString(), "--store",
                tmp.resolve("s").toString(), "--auth-token-file", tmp.resolve("token").toString());
        assertThat(badToken.code()).isEqualTo(3);
        assertThat(badToken.err()).contains("--auth-token-file", "printable ASCII");
        CliRun badCache = run("serve", "--checkpoint", "x", "--vocab", vocab.toString(), "--store",
                tmp.resolve("s").toString(), "--history-cache-events", "-1");
        assertThat(badCache.code()).isEqualTo(2);
        assertThat(badCache.err()).contains("--history-cache-events: must be 0 or more, got -1");
    }

    @Test
    void deviceFlagsAreCheckedAndAMissingGpuIsExitFour(@TempDir Path tmp) throws Exception {
        Path vocab = Files.createDirectories(tmp.resolve("vocab"));
        Files.writeString(vocab.resolve("users.tsv"), "uid\treviewerID\n1\tU\n");
        Files.writeString(vocab.resolve("items.tsv"), "item\tasin\tcategory\n1\tI\t1\n");
        Files.writeString(vocab.resolve("categories.tsv"), "category\tname\n1\tC\n");
        String store = tmp.resolve("s").toString();
        CliRun bad = run("serve", "--checkpoint", "x", "--vocab", vocab.toString(), "--store", store, "--device",
                "gpu0");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("error: --device: must be cpu, cuda or cuda:N, got 'gpu0'");
        CliRun lanes = run("serve", "--checkpoint", "x", "--vocab", vocab.toString(), "--store", store, "--device",
                "cuda", "--threads", "2");
        assertThat(lanes.code()).isEqualTo(2);
        assertThat(lanes.err()).contains("--threads 2 with --device cuda", "one scoring lane");
        CliRun tf32 = run("serve", "--checkpoint", "x", "--vocab", vocab.toString(), "--store", store, "--no-tf32");
        assertThat(tf32.code()).isEqualTo(2);
        assertThat(tf32.err()).contains("--no-tf32: only with --device cuda");
        // cuda:7 is missing here with or without a GPU: one line, exit 4, before the checkpoint is read.
        CliRun missing = run("serve", "--checkpoint", "x", "--vocab", vocab.toString(), "--store", store, "--device",
                "cuda:7");
        assertThat(missing.code()).as(missing.err()).isEqualTo(4);
        assertThat(missing.err()).startsWith("error: device unavailable: --device cuda:7: ").hasLineCount(1);
    }
}
