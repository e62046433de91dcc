package dev.sim4j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every path a user may give for a checkpoint resolves to the weights train wrote, or to a clear refusal. */
class CheckpointLocatorTest {
    @TempDir
    Path tmp;

    private Path epoch(Path checkpointDir, String name) throws IOException {
        Path dir = Files.createDirectories(checkpointDir.resolve(name));
        Files.writeString(dir.resolve("weights.safetensors"), name);
        Files.writeString(dir.resolve("provenance.json"), "{}");
        return dir;
    }

    @Test
    void anEpochFolderAndAWeightsFileResolveToThemselves() throws IOException {
        Path e3 = epoch(tmp.resolve("ckpt"), "epoch_3");
        CheckpointLocator.Checkpoint folder = CheckpointLocator.locate(e3);
        assertThat(folder.weights()).isEqualTo(e3.resolve("weights.safetensors"));
        assertThat(folder.provenance()).isEqualTo(e3.resolve("provenance.json").toAbsolutePath());
        assertThat(folder.message()).contains(e3.toString());

        CheckpointLocator.Checkpoint file = CheckpointLocator.locate(e3.resolve("weights.safetensors"));
        assertThat(file.weights()).isEqualTo(e3.resolve("weights.safetensors"));
        assertThat(file.provenance()).isEqualTo(e3.resolve("provenance.json").toAbsolutePath());
        assertThat(file.folder()).isEqualTo(e3.toAbsolutePath());
    }

    @Test
    void aBareWeightsFileHasNoProvenance() throws IOException {
        Path bare = Files.writeString(tmp.resolve("model.safetensors"), "x");
        assertThat(CheckpointLocator.locate(bare).provenance()).isNull();
    }

    @Test
    void aCheckpointDirGivesItsNewestEpochByNumber() throws IOException {
        Path ckpt = tmp.resolve("checkpoints");
        for (String e : new String[] {"epoch_1", "epoch_2", "epoch_9", "epoch_10"}) {
            epoch(ckpt, e);
        }
        // A checkpoint being written, and a folder that only looks like an epoch, are never taken.
        Files.createDirectories(ckpt.resolve(".epoch_11.tmp"));
        Files.writeString(ckpt.resolve(".epoch_11.tmp/weights.safetensors"), "partial");
        Files.createDirectories(ckpt.resolve("epoch_12_old"));
        Files.writeString(ckpt.resolve("epoch_12_old/weights.safetensors"), "x");

        CheckpointLocator.Checkpoint c = CheckpointLocator.locate(ckpt);
        assertThat(c.weights()).isEqualTo(ckpt.resolve("epoch_10/weights.safetensors"));
        assertThat(c.message()).contains(ckpt.resolve("epoch_10").toString(), "newest of 4 epochs");
    }

    @Test
    void aResultsFolderGivesTheNewestEpochOfItsCheckpoints() throws IOException {
        Path results = tmp.resolve("results");
        epoch(results.resolve("checkpoints"), "epoch_1");
        epoch(results.resolve("checkpoints"), "epoch_2");
        Files.writeString(results.resolve("metrics.jsonl"), "");
        assertThat(CheckpointLocator.locate(results).weights())
                .isEqualTo(results.resolve("checkpoints/epoch_2/weights.safetensors"));
    }

    @Test
    void anEpochWithoutWeightsIsPassedOverAndSaidSo() throws IOException {
        Path ckpt = tmp.resolve("ckpt");
        epoch(ckpt, "epoch_1");
        Files.createDirectories(ckpt.resolve("epoch_2"));
        CheckpointLocator.Checkpoint c = CheckpointLocator.locate(ckpt);
        assertThat(c.weights()).isEqualTo(ckpt.resolve("epoch_1/weights.safetensors"));
        assertThat(c.message()).contains("passed over", ckpt.resolve("epoch_2").toString());
    }

    @Test
    void aFolderWithoutACheckpointIsRefusedWithWhatWasLookedFor() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.createDirectories(empty.resolve("epoch_1"));
        assertThatThrownBy(() -> CheckpointLocator.locate(empty)).isInstanceOf(DataException.class)
                .hasMessageContaining(empty + ": no checkpoint here")
                .hasMessageContaining(empty.resolve("weights.safetensors").toString())
                .hasMessageContaining(empty.resolve("epoch_N/weights.safetensors").toString())
                .hasMessageContaining(empty.resolve("checkpoints/epoch_N/weights.safetensors").toString())
                .hasMessageContaining(empty.resolve("epoch_1") + " (no weights.safetensors)");
        assertThatThrownBy(() -> CheckpointLocator.locate(tmp.resolve("nope"))).isInstanceOf(DataException.class)
                .hasMessageContaining("nope: no such file or folder");
    }
}
