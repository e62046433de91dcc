package dev.sim4j.model.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.reference.ScalarBackend;
import dev.sim4j.model.checkpoint.CheckpointException;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.testing.TestBatches;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models round-trip through safetensors, load hand-made files, and refuse checkpoints of another model. */
class ModelCheckpointTest {
    static final Backend BE = new ScalarBackend(DType.F32);

    static ModelConfig small(ModelType type) {
        return new ModelConfig(type, 4, List.of(8), List.of(8, 4), List.of(6, 5), 90, 50, 100, -1,
                dev.sim4j.model.layers.AugruForm.CODE, 11, 23, 5);
    }

    @Test
    void aSavedModelLoadsBackBitForBit(@TempDir Path tmp) {
        CtrModel a = Models.create(small(ModelType.SIM), BE, 1);
        CtrModel b = Models.create(small(ModelType.SIM), BE, 2);
        Path file = tmp.resolve("w.safetensors");
        ModelCheckpoint.save(a, file, "0.1.0");
        var meta = ModelCheckpoint.load(b, file);
        assertThat(meta).containsEntry("model_type", "sim").containsEntry("embedding_dim", "4")
                .containsEntry("sim4j_version", "0.1.0").containsKey("cardinalities");
        for (Parameter p : a.parameters().all()) {
            assertThat(BE.toFloats(b.parameters().get(p.name()).value())).as(p.name()).isEqualTo(BE.toFloats(p.value()));
        }
        var input = TestBatches.create(BE, a.config(), 7, 80, 40, 4);
        assertThat(BE.toFloats(b.predict(input))).isEqualTo(BE.toFloats(a.predict(input)));
    }

    @Test
    void aSafetensorsFileBuiltFromRawBytesLoadsIntoTheModel(@TempDir Path tmp) throws IOException {
        CtrModel model = Models.create(small(ModelType.DIN), BE, 3);
        CtrModel direct = Models.create(small(ModelType.DIN), BE, 4);
        List<Parameter> params = model.parameters().all();
        // Header and data written by hand: every tensor F32, values 0.01 * sin(k) over the whole file.
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Parameter p : params) {
            long bytes = 4 * p.size();
            header.append(",\"").append(p.name()).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.stream(p.shape()).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        header.append('}');
        while ((8 + header.length()) % 8 != 0) {
            header.append(' ');
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(json.length).put(json);
        int k = 0;
        for (Parameter p : params) {
            float[] v = new float[(int) p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (0.01 * Math.sin(k++));
                buf.putFloat(v[i]);
            }
            BE.write(direct.parameters().get(p.name()).value(), v);
        }
        Path file = tmp.resolve("hand.safetensors");
        Files.write(file, buf.array());

        ModelCheckpoint.load(model, file);
        for (Parameter p : params) {
            assertThat(BE.toFloats(p.value())).as(p.name())
                    .isEqualTo(BE.toFloats(direct.parameters().get(p.name()).value()));
        }
        var input = TestBatches.create(BE, model.config(), 9, 80, 40, 4);
        assertThat(BE.toFloats(model.predict(input))).isEqualTo(BE.toFloats(direct.predict(input)));
        assertThat(BE.toFloats(model.parameters().get("embedding.item").value())[1]).isEqualTo((float) (0.01 * Math.sin(1 + 12 * 4)))
                .as("row 1 of the item table follows the 12 x 4 user table in the file's order");
    }

    @Test
    void aCheckpointOfAnotherModelIsRefusedClearly(@TempDir Path tmp) {
        Path file = tmp.resolve("sim.safetensors");
        ModelCheckpoint.save(Models.create(small(ModelType.SIM), BE, 1), file, "0.1.0");
        assertThatThrownBy(() -> ModelCheckpoint.load(Models.create(small(ModelType.DIEN), BE, 1), file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("model_type sim").hasMessageContaining("dien");
        ModelConfig wide = new ModelConfig(ModelType.SIM, 8, List.of(8), List.of(8, 4), List.of(6, 5), 90, 50, 100, -1,
                dev.sim4j.model.layers.AugruForm.CODE, 11, 23, 5);
        assertThatThrownBy(() -> ModelCheckpoint.load(Models.create(wide, BE, 1), file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("embedding_dim 4");
    }
}
