package dev.sim4j.model.checkpoint;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.params.ParameterSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's weights as a safetensors file (checkpoint-format.md): one F32 tensor per {@link Parameter}, under its
 * checkpoint name, plus a {@code __metadata__} map the caller provides. Gradients and optimizer state are not saved.
 *
 * <p>Loading is all or nothing: the file must hold exactly the model's parameters, each with exactly its shape and a
 * float dtype (F32, F64, F16 or BF16, converted to the backend's float type); every mismatch is reported in one
 * {@link CheckpointException} before any value is written.
 */
public final class ModelWeights {
    /** Suggested metadata keys, so that the CLI and tools agree: "sim", "dien" or "din". */
    public static final String MODEL_TYPE = "model_type";
    /** Suggested metadata key: E, as a decimal string. */
    public static final String EMBEDDING_DIM = "embedding_dim";
    /** Suggested metadata key: the table cardinalities, e.g. "user=1000,item=20000,category=300". */
    public static final String CARDINALITIES = "cardinalities";
    /** Suggested metadata key: the sim4j version that wrote the file. */
    public static final String SIM4J_VERSION = "sim4j_version";

    private ModelWeights() {
    }

    /**
     * Writes every parameter's value to {@code file} as F32 (atomically, replacing the file).
     *
     * @param metadata the {@code __metadata__} strings, e.g. {@link #MODEL_TYPE}, {@link #EMBEDDING_DIM},
     *                 {@link #CARDINALITIES} and {@link #SIM4J_VERSION}
     */
    public static void save(ParameterSet params, Map<String, String> metadata, Path file) {
        Map<String, NamedArray> tensors = new LinkedHashMap<>();
        for (Parameter p : params.all()) {
            Backend backend = p.value().backend();
            tensors.put(p.name(), NamedArray.ofFloats(backend.toFloats(p.value()), p.shape()));
        }
        SafetensorsWriter.write(file, metadata, tensors);
    }

    /**
     * Overwrites every parameter's value with the tensor of the same name in {@code file}.
     *
     * @return the file's {@code __metadata__} map
     * @throws CheckpointException if the file is malformed, or a parameter is missing from it, or it holds a tensor
     *                             that is not a parameter, or a tensor has another shape or a non-float dtype
     */
    public static Map<String, String> load(Path file, ParameterSet params) {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            check(reader, params);
            for (Parameter p : params.all()) {
                Backend backend = p.value().backend();
                if (backend.floatType() == DType.F64) {
                    backend.write(p.value(), reader.readDoubles(p.name()));
                } else {
                    backend.write(p.value(), reader.readFloats(p.name()));
                }
            }
            return reader.metadata();
        }
    }

    /** The {@code __metadata__} map of {@code file}, reading and validating only its header. */
    public static Map<String, String> readMetadata(Path file) {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            return reader.metadata();
        }
    }

    private static void check(SafetensorsReader reader, ParameterSet params) {
        List<String[]> problems = new ArrayList<>(); // {tensor, problem}
        for (Parameter p : params.all()) {
            TensorInfo t = reader.tensors().get(p.name());
            if (t == null) {
                problems.add(new String[] {p.name(), "missing from the file (the model expects shape "
                        + Arrays.toString(p.shape()) + ")"});
            } else if (!Arrays.equals(t.shape(), p.shape())) {
                problems.add(new String[] {p.name(), "expected shape " + Arrays.toString(p.shape()) + ", found "
                        + Arrays.toString(t.shape())});
            } else if (!t.dtype().floating()) {
                problems.add(new String[] {p.name(), "dtype " + t.dtype() + " is not a float type"});
            }
        }
        for (String name : reader.tensors().keySet()) {
            if (!params.contains(name)) {
                problems.add(new String[] {name, "in the file but not a parameter of the model"});
            }
        }
        if (problems.size() == 1) {
            throw new CheckpointException(reader.file(), problems.get(0)[0], problems.get(0)[1]);
        }
        if (!problems.isEmpty()) {
            StringBuilder b = new StringBuilder("does not match the model (").append(problems.size())
                    .append(" problems):");
            for (String[] p : problems) {
                b.append("\n  tensor '").append(p[0]).append("': ").append(p[1]);
            }
            throw new CheckpointException(reader.file(), null, b.toString());
        }
    }
}
