package dev.sim4j.model.sim;

import dev.sim4j.model.checkpoint.CheckpointException;
import dev.sim4j.model.checkpoint.ModelWeights;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A model's weights as a safetensors file (checkpoint-format.md) whose {@code __metadata__} says what model they
 * belong to: model type, embedding dim, cardinalities, MLP sizes, AUGRU form and the sim4j version. Loading checks
 * the metadata against the model first, so a checkpoint of another model type or size is refused with a message
 * instead of a shape error deep in the load.
 */
public final class ModelCheckpoint {
    static final String STAGE_ONE_MLP = "stage_one_mlp";
    static final String STAGE_TWO_MLP = "stage_two_mlp";
    static final String AUX_MLP = "aux_mlp";
    static final String AUGRU_FORM = "augru_form";

    private ModelCheckpoint() {
    }

    /** The metadata describing a model configuration. */
    public static Map<String, String> metadata(ModelConfig c, String sim4jVersion) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(ModelWeights.MODEL_TYPE, c.type().name().toLowerCase(Locale.ROOT));
        m.put(ModelWeights.EMBEDDING_DIM, Integer.toString(c.embeddingDim()));
        m.put(ModelWeights.CARDINALITIES, "{\"users\": " + c.users() + ", \"items\": " + c.items() + ", \"categories\": "
                + c.categories() + "}");
        m.put(STAGE_ONE_MLP, c.stageOneMlp().toString());
        m.put(STAGE_TWO_MLP, c.stageTwoMlp().toString());
        m.put(AUX_MLP, c.auxMlp().toString());
        m.put(AUGRU_FORM, c.augruForm().name().toLowerCase(Locale.ROOT));
        m.put(ModelWeights.SIM4J_VERSION, sim4jVersion);
        return m;
    }

    /** Writes the model's weights (atomically). */
    public static void save(CtrModel model, Path file, String sim4jVersion) {
        ModelWeights.save(model.parameters(), metadata(model.config(), sim4jVersion), file);
    }

    /** Loads weights into the model after checking that the file was written for a model of this type and size. */
    public static Map<String, String> load(CtrModel model, Path file) {
        Map<String, String> meta = ModelWeights.readMetadata(file);
        Map<String, String> expected = metadata(model.config(), "");
        for (String key : new String[] {ModelWeights.MODEL_TYPE, ModelWeights.EMBEDDING_DIM}) {
            String found = meta.get(key);
            if (found != null && !found.equals(expected.get(key))) {
                throw new CheckpointException(file, null, "the checkpoint is for " + key + " " + found
                        + ", the model has " + expected.get(key));
            }
        }
        return ModelWeights.load(file, model.parameters());
    }
}
