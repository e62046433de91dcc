package dev.sim4j.model.checkpoint;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole content of a safetensors file on the host: the {@code __metadata__} strings and the tensors by name.
 * Both maps are copied and unmodifiable, in the order given (the reader gives tensors in file order).
 *
 * @param metadata the {@code __metadata__} map (empty when the file has none)
 * @param tensors  the tensors by name
 */
public record SafetensorsFile(Map<String, String> metadata, Map<String, NamedArray> tensors) {
    public SafetensorsFile {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }
}
