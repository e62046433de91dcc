package dev.sim4j.train.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What was run, logged once as the first line of the log: {@code {"type": "run", "model", "sim4j_version",
 * "dataset", "seed", "command", "hyperparameters": {...}}}, so that the report can show the configuration and a
 * resume can check that it continues the same run. A resumed run keeps the first run's record.
 *
 * @param model           sim, dien or din
 * @param sim4jVersion    the version that started the run
 * @param dataset         the dataset folder, absolute
 * @param seed            the model initialisation seed
 * @param command         the command line as typed, e.g. {@code sim4j train --dataset ...}
 * @param hyperparameters the training and model settings (a flat JSON object)
 */
@JsonPropertyOrder({"model", "sim4j_version", "dataset", "seed", "command", "hyperparameters"})
public record RunRecord(
        @JsonProperty("model") String model,
        @JsonProperty("sim4j_version") String sim4jVersion,
        @JsonProperty("dataset") String dataset,
        @JsonProperty("seed") long seed,
        @JsonProperty("command") String command,
        @JsonProperty("hyperparameters") Hyperparameters hyperparameters) implements LogRecord {

    /**
     * The settings that make a run what it is, under the reference's names where it has one.
     *
     * @param epochs          epochs asked for
     * @param globalBatchSize rows per optimizer step
     * @param microBatchSize  rows per forward/backward pass (memory only)
     * @param learningRate    constant learning rate
     * @param optimizer       adam, lazy_adam or sgd
     * @param weightDecay     decoupled weight decay
     * @param embeddingDim    E
     * @param stageOneMlp     SIM's GSU classifier hidden sizes
     * @param stageTwoMlp     the main classifier's hidden sizes
     * @param auxMlp          the auxiliary network's hidden sizes
     * @param longSeqLength   L
     * @param topK            K
     * @param dropout         dropout rate before each MLP's last layer; < 0 off
     * @param augruForm       code or paper
     * @param dropRemainder   whether the last incomplete batch of an epoch is dropped
     */
    @JsonPropertyOrder({"epochs", "global_batch_size", "micro_batch_size", "learning_rate", "optimizer", "weight_decay",
            "embedding_dim", "stage_one_mlp", "stage_two_mlp", "aux_mlp", "long_seq_length", "top_k", "dropout",
            "augru_form", "drop_remainder"})
    public record Hyperparameters(
            @JsonProperty("epochs") int epochs,
            @JsonProperty("global_batch_size") int globalBatchSize,
            @JsonProperty("micro_batch_size") int microBatchSize,
            @JsonProperty("learning_rate") double learningRate,
            @JsonProperty("optimizer") String optimizer,
            @JsonProperty("weight_decay") double weightDecay,
            @JsonProperty("embedding_dim") int embeddingDim,
            @JsonProperty("stage_one_mlp") List<Integer> stageOneMlp,
            @JsonProperty("stage_two_mlp") List<Integer> stageTwoMlp,
            @JsonProperty("aux_mlp") List<Integer> auxMlp,
            @JsonProperty("long_seq_length") int longSeqLength,
            @JsonProperty("top_k") int topK,
            @JsonProperty("dropout") double dropout,
            @JsonProperty("augru_form") String augruForm,
            @JsonProperty("drop_remainder") boolean dropRemainder) {
    }
}
