package dev.sim4j.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.ModelChannels;
import dev.sim4j.engine.Backend;
import dev.sim4j.model.checkpoint.ModelWeights;
import dev.sim4j.model.sim.CtrModel;
import dev.sim4j.model.sim.ModelCheckpoint;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.Models;
import dev.sim4j.train.CheckpointLocator.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Rebuilds a trained model from a checkpoint written by {@link TrainingRun} ({@code provenance.json} gives the
 * model's configuration, {@code weights.safetensors} its weights), and checks that a dataset is the one the
 * checkpoint was trained on before the model scores it: a model of another vocabulary would otherwise score silently
 * wrong numbers, or index past its tables.
 */
public final class TrainedModel {
    private TrainedModel() {
    }

    /**
     * What a checkpoint records about the dataset it was trained on.
     *
     * @param users         U, the model's user table's real ids; 0 when unknown (a bare weights file without metadata)
     * @param items         I, likewise
     * @param categories    C, likewise
     * @param historyLength L + T; 0 when unknown (a weights file without provenance.json)
     * @param specSha256    SHA-256 of the training dataset's feature_spec.yaml; null when not recorded
     * @param dataset       the training dataset's folder as recorded; null when not recorded
     */
    public record TrainedOn(long users, long items, long categories, int historyLength, String specSha256,
                            String dataset) {
    }

    /**
     * How a dataset compares with the one a checkpoint was trained on.
     *
     * @param differences one phrase per difference (feature spec hash, each cardinality, history length); empty when
     *                    the dataset is the checkpoint's, as far as the checkpoint records it
     * @param fits        whether the model can score the dataset anyway: the same history length and every cardinality
     *                    at most the model's table, so that every id the data reader accepts indexes a table row
     */
    public record DatasetMatch(List<String> differences, boolean fits) {
        public DatasetMatch {
            differences = List.copyOf(differences);
        }

        /** Nothing recorded differs. */
        public boolean same() {
            return differences.isEmpty();
        }
    }

    /** The model of the checkpoint {@code path} stands for ({@link CheckpointLocator#locate}) on {@code backend}. */
    public static CtrModel load(Path path, Backend backend) {
        return load(CheckpointLocator.locate(path), backend);
    }

    /** The checkpoint's model on {@code backend}: its configuration from provenance.json, then its weights. */
    public static CtrModel load(Checkpoint checkpoint, Backend backend) {
        ModelConfig config = config(checkpoint);
        CtrModel net = Models.create(config, backend, 0);
        try {
            ModelCheckpoint.load(net, checkpoint.weights());
        } catch (RuntimeException e) {
            throw new DataException(checkpoint.weights() + ": " + e.getMessage(), e);
        }
        return net;
    }

    /** The model configuration recorded in the checkpoint's provenance.json. */
    public static ModelConfig config(Checkpoint checkpoint) {
        JsonNode model = provenance(checkpoint).get("model");
        if (model == null) {
            throw new DataException(checkpoint.provenance() + ": has no 'model' entry");
        }
        try {
            return json().treeToValue(model, ModelConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new DataException(checkpoint.provenance() + ": cannot read the model configuration: "
                    + e.getMessage(), e);
        }
    }

    /**
     * What the checkpoint records about its training data: provenance.json when it is there, else the cardinalities
     * in the weights' metadata.
     */
    public static TrainedOn trainedOn(Checkpoint checkpoint) {
        if (checkpoint.provenance() != null) {
            ModelConfig c = config(checkpoint);
            JsonNode p = provenance(checkpoint);
            return new TrainedOn(c.users(), c.items(), c.categories(), c.historyLength(), text(p, "dataset_spec_sha256"),
                    text(p, "dataset"));
        }
        Map<String, String> meta;
        try {
            meta = ModelWeights.readMetadata(checkpoint.weights());
        } catch (RuntimeException e) {
            throw new DataException(checkpoint.weights() + ": " + e.getMessage(), e);
        }
        String cards = meta.get(ModelWeights.CARDINALITIES);
        if (cards == null) {
            return new TrainedOn(0, 0, 0, 0, null, null);
        }
        try {
            JsonNode n = json().readTree(cards);
            return new TrainedOn(n.path("users").asLong(0), n.path("items").asLong(0), n.path("categories").asLong(0), 0,
                    null, null);
        } catch (IOException e) {
            throw new DataException(checkpoint.weights() + ": metadata '" + ModelWeights.CARDINALITIES
                    + "' is not the JSON sim4j writes: " + cards, e);
        }
    }

    /** Compares {@code dataset} with what the checkpoint records about its training data. */
    public static DatasetMatch compare(Checkpoint checkpoint, Dataset dataset) {
        ModelChannels ch = dataset.channels();
        BatchTensors.requireModelChannels(ch, dataset.dir().toString());
        TrainedOn trained = trainedOn(checkpoint);
        List<String> differences = new ArrayList<>();
        boolean fits = true;
        if (trained.specSha256() != null) {
            Path specFile = dataset.dir().resolve(FeatureSpec.FILE_NAME);
            String hash;
            try {
                hash = TrainingRun.specHash(specFile);
            } catch (IOException e) {
                throw new DataException(specFile + ": cannot read: " + e.getMessage(), e);
            }
            if (!hash.equals(trained.specSha256())) {
                differences.add("feature spec SHA-256 " + abbreviate(trained.specSha256()) + " in the checkpoint, "
                        + abbreviate(hash) + " in " + specFile);
            }
        }
        fits &= compareTable("users", trained.users(), Stream.of(ch.user().getFirst()), differences);
        fits &= compareTable("items", trained.items(),
                Stream.of(ch.targetItem().get(0), ch.positiveHistory().get(0), ch.negativeHistory().get(0)), differences);
        fits &= compareTable("categories", trained.categories(),
                Stream.of(ch.targetItem().get(1), ch.positiveHistory().get(1), ch.negativeHistory().get(1)), differences);
        if (trained.historyLength() > 0 && trained.historyLength() != ch.historyLength()) {
            differences.add("history length " + trained.historyLength() + " in the checkpoint, " + ch.historyLength()
                    + " in the dataset (preprocess with --max-seq-len " + trained.historyLength() + ")");
            fits = false;
        }
        return new DatasetMatch(differences, fits);
    }

    /**
     * Refuses a dataset other than the checkpoint's: a {@link DataException} that lists every difference and says
     * whether {@code --allow-other-dataset} would help. With {@code allowOtherDataset} a dataset whose ids fit the
     * model's tables passes (the caller may print the returned differences as a note); one that does not fit never
     * does. For {@code train --init-weights}: the model there is built from the dataset's cardinalities, so only a
     * dataset with the checkpoint's cardinalities can load the weights at all.
     *
     * @param what how the checkpoint was given, for the message, e.g. "--checkpoint results/checkpoints/epoch_2"
     */
    public static DatasetMatch requireDataset(Checkpoint checkpoint, Dataset dataset, boolean allowOtherDataset,
                                              String what) {
        DatasetMatch match = compare(checkpoint, dataset);
        if (match.same() || (match.fits() && allowOtherDataset)) {
            return match;
        }
        String trainedOn = trainedOn(checkpoint).dataset();
        StringBuilder m = new StringBuilder().append(dataset.dir()).append(": not the dataset ").append(what)
                .append(" was trained on").append(trainedOn != null ? " (" + trainedOn + ")" : "").append(": ")
                .append(String.join("; ", match.differences())).append(". ");
        if (match.fits()) {
            m.append("Every id of this dataset fits the model's tables: if its ids mean the same users, items and "
                    + "categories as the training data's, pass --allow-other-dataset to use it anyway.");
        } else {
            m.append("The model cannot read this dataset (--allow-other-dataset does not help): use a checkpoint "
                    + "trained on it, or data preprocessed with the checkpoint's vocabulary and history length.");
        }
        throw new DataException(m.toString());
    }

    /**
     * Records one table's difference; returns whether the dataset's ids fit it. A feature without a cardinality
     * cannot be compared; its ids are checked per batch ({@link BatchTensors}).
     */
    private static boolean compareTable(String table, long modelIds, Stream<FeatureDef> features,
                                        List<String> differences) {
        if (modelIds <= 0) {
            return true;
        }
        long datasetIds = features.mapToLong(f -> f.cardinality().orElse(0)).max().orElse(0);
        if (datasetIds == 0 || datasetIds == modelIds) {
            return true;
        }
        boolean fits = datasetIds < modelIds;
        differences.add(table + " " + modelIds + " in the checkpoint, " + datasetIds + " in the dataset"
                + (fits ? "" : " (ids above " + modelIds + " have no row in the model's table)"));
        return fits;
    }

    private static JsonNode provenance(Checkpoint checkpoint) {
        if (checkpoint.provenance() == null) {
            throw new DataException(checkpoint.weights() + ": no " + CheckpointLocator.PROVENANCE + " beside it: the "
                    + "model's configuration (history length, MLP sizes, top-k) is recorded there; give the epoch_N "
                    + "folder that sim4j train wrote, with both files");
        }
        JsonNode p;
        try {
            p = json().readTree(checkpoint.provenance().toFile());
        } catch (IOException e) {
            throw new DataException(checkpoint.provenance() + ": cannot read: " + e.getMessage(), e);
        }
        if (p == null || !p.isObject()) {
            throw new DataException(checkpoint.provenance() + ": not a JSON object as sim4j train writes it");
        }
        return p;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String abbreviate(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "..." : hash;
    }

    private static ObjectMapper json() {
        return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }
}
