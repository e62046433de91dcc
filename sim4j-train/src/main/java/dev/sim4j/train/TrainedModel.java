package dev.sim4j.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.data.DataException;
import dev.sim4j.engine.Backend;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelCheckpoint;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rebuilds a trained model from a checkpoint folder written by {@link TrainingRun} ({@code provenance.json} gives the
 * model's configuration, {@code weights.safetensors} its weights).
 */
public final class TrainedModel {
    private TrainedModel() {
    }

    public static CtrModel load(Path checkpoint, Backend backend) {
        Path provenance = checkpoint.resolve("provenance.json");
        Path weights = checkpoint.resolve("weights.safetensors");
        if (!Files.isRegularFile(provenance) || !Files.isRegularFile(weights)) {
            throw new DataException(checkpoint + ": not a sim4j checkpoint folder (it needs provenance.json and "
                    + "weights.safetensors, as sim4j train writes under --checkpoint-dir/epoch_N)");
        }
        ModelConfig config;
        try {
            ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
            JsonNode model = json.readTree(provenance.toFile()).get("model");
            if (model == null) {
                throw new DataException(provenance + ": has no 'model' entry");
            }
            config = json.treeToValue(model, ModelConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new DataException(provenance + ": cannot read the model configuration: " + e.getMessage(), e);
        }
        CtrModel net = Models.create(config, backend, 0);
        try {
            ModelCheckpoint.load(net, weights);
        } catch (RuntimeException e) {
            throw new DataException(weights + ": " + e.getMessage(), e);
        }
        return net;
    }
}
