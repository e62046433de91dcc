package dev.sim4j.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.reference.ScalarBackend;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.params.ParameterSet;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelWeightsTest {
    static final String TABLE = "embedding.item";
    static final String KERNEL = "stage_two_mlp.dense_0.kernel";
    static final String BIAS = "stage_two_mlp.dense_0.bias";
    static final String ALPHA = "stage_two_mlp.prelu_0.alpha";
    static final Map<String, String> METADATA = Map.of(ModelWeights.MODEL_TYPE, "din", ModelWeights.EMBEDDING_DIM,
            "4", ModelWeights.CARDINALITIES, "user=2,item=4,category=3", ModelWeights.SIM4J_VERSION, "0.1.0");

    @TempDir
    Path dir;

    final Backend f32 = new ScalarBackend(DType.F32);

    static Parameter param(Backend backend, String name, float[] values, int... shape) {
        return new Parameter(name, backend.upload(values, shape), backend.zeros(backend.floatType(), shape));
    }

    /** A small model's parameters: random values when {@code rnd} is given, zeros otherwise. */
    static ParameterSet model(Backend backend, Random rnd) {
        ParameterSet ps = new ParameterSet();
        ps.add(param(backend, TABLE, values(rnd, 5 * 4), 5, 4));
        ps.add(param(backend, KERNEL, values(rnd, 4 * 3), 4, 3));
        ps.add(param(backend, BIAS, values(rnd, 3), 3));
        ps.add(param(backend, ALPHA, values(rnd, 3), 3));
        return ps;
    }

    static float[] values(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; rnd != null && i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    static Random seeded(String test) {
        long seed = System.nanoTime();
        System.out.println("ModelWeightsTest." + test + " seed=" + seed);
        return new Random(seed);
    }

    float[] host(ParameterSet ps, String name) {
        return f32.toFloats(ps.get(name).value());
    }

    @Test
    void saveThenLoadRestoresEveryValueAndTheMetadata() {
        ParameterSet saved = model(f32, seeded("saveThenLoad"));
        Path f = dir.resolve("din.safetensors");
        ModelWeights.save(saved, METADATA, f);

        ParameterSet loaded = model(f32, null);
        Map<String, String> meta = ModelWeights.load(f, loaded);
        assertThat(meta).isEqualTo(METADATA);
        assertThat(ModelWeights.readMetadata(f)).isEqualTo(METADATA);
        for (Parameter p : saved.all()) {
            assertThat(host(loaded, p.name())).as(p.name()).containsExactly(host(saved, p.name()));
        }
        // a tool without sim4j sees plain F32 tensors in [in, out] layout under the checkpoint names
        SafetensorsFile raw = SafetensorsReader.read(f);
        assertThat(raw.tensors().get(KERNEL).dtype()).isEqualTo(SafetensorsDType.F32);
        assertThat(raw.tensors().get(KERNEL).shape()).containsExactly(4, 3);
        assertThat(raw.tensors().get(KERNEL).toFloats()).containsExactly(host(saved, KERNEL));
    }

    @Test
    void loadsIntoAFloat64Backend() {
        ParameterSet saved = model(f32, seeded("loadsIntoAFloat64Backend"));
        Path f = dir.resolve("w.safetensors");
        ModelWeights.save(saved, METADATA, f);

        Backend f64 = new ScalarBackend(DType.F64);
        ParameterSet loaded = model(f64, null);
        ModelWeights.load(f, loaded);
        double[] expected = new double[12];
        float[] k = host(saved, KERNEL);
        for (int i = 0; i < k.length; i++) {
            expected[i] = k[i];
        }
        assertThat(f64.toDoubles(loaded.get(KERNEL).value())).containsExactly(expected);
    }

    @Test
    void convertsFloat64AndFloat16TensorsToTheBackendType() {
        Map<String, NamedArray> t = new LinkedHashMap<>();
        double[] table = new double[20];
        for (int i = 0; i < table.length; i++) {
            table[i] = 0.1 * i;
        }
        t.put(TABLE, NamedArray.ofDoubles(table, 5, 4));
        t.put(KERNEL, NamedArray.ofFloats(new float[12], 4, 3));
        java.nio.ByteBuffer half = java.nio.ByteBuffer.allocate(6).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0x3C00).putShort((short) 0x3800).putShort((short) 0xC000).flip(); // 1, 0.5, -2
        t.put(BIAS, new NamedArray(SafetensorsDType.F16, new int[] {3}, half));
        t.put(ALPHA, new NamedArray(SafetensorsDType.BF16, new int[] {3}, java.nio.ByteBuffer.allocate(6)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3E80).putShort((short) 0)
                .putShort((short) 0x3F80).flip())); // 0.25, 0, 1
        Path f = dir.resolve("mixed.safetensors");
        SafetensorsWriter.write(f, Map.of(), t);

        ParameterSet ps = model(f32, null);
        ModelWeights.load(f, ps);
        float[] expected = new float[20];
        for (int i = 0; i < 20; i++) {
            expected[i] = (float) table[i];
        }
        assertThat(host(ps, TABLE)).containsExactly(expected);
        assertThat(host(ps, BIAS)).containsExactly(1f, 0.5f, -2f);
        assertThat(host(ps, ALPHA)).containsExactly(0.25f, 0f, 1f);
    }

    @Test
    void wrongShapeIsReportedWithTensorExpectedAndFoundShapes() {
        ParameterSet other = new ParameterSet();
        other.add(param(f32, TABLE, new float[20], 5, 4));
        other.add(param(f32, KERNEL, new float[12], 3, 4)); // transposed
        other.add(param(f32, BIAS, new float[3], 3));
        other.add(param(f32, ALPHA, new float[3], 3));
        Path f = dir.resolve("transposed.safetensors");
        ModelWeights.save(other, METADATA, f);

        ParameterSet ps = model(f32, seeded("wrongShape"));
        float[] before = host(ps, TABLE);
        assertThatThrownBy(() -> ModelWeights.load(f, ps))
                .isInstanceOfSatisfying(CheckpointException.class, e -> {
                    System.out.println(e.getMessage());
                    assertThat(e.file()).isEqualTo(f);
                    assertThat(e.tensor()).isEqualTo(KERNEL);
                    assertThat(e.getMessage()).isEqualTo(f + ": tensor '" + KERNEL
                            + "': expected shape [4, 3], found [3, 4]");
                });
        assertThat(host(ps, TABLE)).as("nothing is loaded from a mismatching file").containsExactly(before);
    }

    @Test
    void missingTensorIsReported() {
        ParameterSet partial = model(f32, null);
        ParameterSet withoutBias = new ParameterSet();
        partial.all().stream().filter(p -> !p.name().equals(BIAS)).forEach(withoutBias::add);
        Path f = dir.resolve("partial.safetensors");
        ModelWeights.save(withoutBias, METADATA, f);

        assertThatThrownBy(() -> ModelWeights.load(f, model(f32, null)))
                .isInstanceOfSatisfying(CheckpointException.class, e -> {
                    assertThat(e.tensor()).isEqualTo(BIAS);
                    assertThat(e.getMessage()).startsWith(f.toString()).contains("tensor '" + BIAS + "'")
                            .contains("missing from the file").contains("[3]");
                });
    }

    @Test
    void extraTensorIsReported() {
        ParameterSet more = model(f32, null);
        more.add(param(f32, "stage_two_mlp.output.kernel", new float[3], 3, 1));
        Path f = dir.resolve("more.safetensors");
        ModelWeights.save(more, METADATA, f);

        assertThatThrownBy(() -> ModelWeights.load(f, model(f32, null)))
                .isInstanceOfSatisfying(CheckpointException.class, e -> {
                    assertThat(e.tensor()).isEqualTo("stage_two_mlp.output.kernel");
                    assertThat(e.getMessage()).contains("not a parameter of the model");
                });
    }

    @Test
    void everyMismatchIsListedInOneMessage() {
        Map<String, NamedArray> t = new LinkedHashMap<>();
        t.put(TABLE, NamedArray.ofFloats(new float[24], 6, 4));
        t.put(KERNEL, NamedArray.ofFloats(new float[12], 4, 3));
        t.put(BIAS, NamedArray.ofInts(new int[3], 3));
        t.put("unknown.weight", NamedArray.ofFloats(new float[1], 1));
        Path f = dir.resolve("bad.safetensors");
        SafetensorsWriter.write(f, METADATA, t);

        assertThatThrownBy(() -> ModelWeights.load(f, model(f32, null)))
                .isInstanceOfSatisfying(CheckpointException.class, e -> {
                    System.out.println(e.getMessage());
                    assertThat(e.tensor()).isNull();
                    assertThat(e.getMessage()).startsWith(f.toString()).contains("4 problems")
                            .contains("tensor '" + TABLE + "': expected shape [5, 4], found [6, 4]")
                            .contains("tensor '" + BIAS + "': dtype I32 is not a float type")
                            .contains("tensor '" + ALPHA + "': missing from the file")
                            .contains("tensor 'unknown.weight': in the file but not a parameter");
                });
    }

    @Test
    void saveReplacesAnExistingCheckpoint() {
        Path f = dir.resolve("ckpt.safetensors");
        ModelWeights.save(model(f32, null), Map.of(), f);
        ParameterSet second = model(f32, seeded("saveReplaces"));
        ModelWeights.save(second, METADATA, f);
        ParameterSet loaded = model(f32, null);
        assertThat(ModelWeights.load(f, loaded)).isEqualTo(METADATA);
        assertThat(host(loaded, ALPHA)).containsExactly(host(second, ALPHA));
    }
}
