package dev.sim4j.train.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a run was started with, logged as the first line of the log: {@code {"type": "run", "model", "sim4j_version",
 * "dataset", "seed", "command", "hyperparameters"}}. A resumed run appends another one. Not in the reference's log:
 * sim4j adds it so the report can show the configuration next to the results.
 *
 * <p>The hyperparameters are display data, a flat map in the order they were logged (e.g. {@code epochs},
 * {@code global_batch_size}, {@code learning_rate}, {@code stage_two_mlp}); values are numbers, strings, booleans or
 * lists of them. Numbers read back as Jackson reads JSON: integers as {@code Integer} (or {@code Long} when large),
 * decimals as {@code Double}.
 *
 * @param model           sim, dien or din
 * @param version         the sim4j version that ran
 * @param dataset         absolute path of the dataset folder
 * @param seed            model initialisation seed
 * @param command         the command line as typed
 * @param hyperparameters every training and model hyperparameter, in logged order (empty when none)
 */
@JsonPropertyOrder({"model", "sim4j_version", "dataset", "seed", "command", "hyperparameters"})
public record RunRecord(
        @JsonProperty("model") String model,
        @JsonProperty("sim4j_version") String version,
        @JsonProperty("dataset") String dataset,
        @JsonProperty("seed") Long seed,
        @JsonProperty("command") String command,
        @JsonProperty("hyperparameters") Map<String, Object> hyperparameters) implements LogRecord {

    public RunRecord {
        // Map.copyOf would lose the order, and the order is what the report shows.
        hyperparameters = Collections.unmodifiableMap(
                hyperparameters == null ? new LinkedHashMap<>() : new LinkedHashMap<>(hyperparameters));
    }
}
