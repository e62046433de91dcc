package dev.sim4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.train.report.EpochRecord;
import dev.sim4j.train.report.RunRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A checkpoint's {@code provenance.json} (what produced it: model configuration, options, dataset and the SHA-256 of
 * its feature spec, the epoch's metrics), and the check a resume makes against it: every setting that changes what is
 * trained must be the one the checkpoint was trained with. What may change: {@code --epochs} (that is how a run is
 * trained longer), the evaluation and micro-batch sizes (memory; the same step up to float summation order).
 */
final class Provenance {
    /** Settings a resume may change. */
    private static final Set<String> MAY_CHANGE = Set.of("epochs", "eval_batch_size", "micro_batch_size");
    /** Provenance and run-record keys, as the flags that set them. */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("model.type", "--model"), Map.entry("model", "--model"),
            Map.entry("model.embeddingDim", "--embedding-dim"), Map.entry("embedding_dim", "--embedding-dim"),
            Map.entry("model.stageOneMlp", "--stage-one-mlp"), Map.entry("stage_one_mlp", "--stage-one-mlp"),
            Map.entry("model.stageTwoMlp", "--stage-two-mlp"), Map.entry("stage_two_mlp", "--stage-two-mlp"),
            Map.entry("model.auxMlp", "--aux-mlp"), Map.entry("aux_mlp", "--aux-mlp"),
            Map.entry("model.longLength", "--long-seq-length"), Map.entry("long_seq_length", "--long-seq-length"),
            Map.entry("model.topK", "--top-k"), Map.entry("top_k", "--top-k"),
            Map.entry("model.dropout", "--dropout"), Map.entry("dropout", "--dropout"),
            Map.entry("model.augruForm", "--augru-form"), Map.entry("augru_form", "--augru-form"),
            Map.entry("model.historyLength", "the dataset's history length"),
            Map.entry("model.users", "the dataset's number of users"),
            Map.entry("model.items", "the dataset's number of items"),
            Map.entry("model.categories", "the dataset's number of categories"),
            Map.entry("batch_size", "--global-batch-size"), Map.entry("global_batch_size", "--global-batch-size"),
            Map.entry("learning_rate", "--lr"), Map.entry("optimizer", "--optimizer"),
            Map.entry("weight_decay", "--weight-decay"), Map.entry("seed", "--seed"),
            Map.entry("drop_remainder", "--drop-remainder / --no-drop-remainder"),
            Map.entry("feature_spec", "--feature_spec"), Map.entry("dataset", "--dataset"),
            Map.entry("dataset_spec_sha256", "the dataset's feature spec (its SHA-256)"));

    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The settings of a run as its checkpoints record them: {@code model}, {@code options}, {@code dataset},
     * {@code dataset_spec}, {@code dataset_spec_sha256}.
     */
    ObjectNode settings(ModelConfig config, TrainingOptions options, Path datasetDir, String specSha256) {
        ObjectNode s = json.createObjectNode();
        s.set("model", json.valueToTree(config));
        ObjectNode o = s.putObject("options");
        o.put("epochs", options.epochs());
        o.put("batch_size", options.batchSize());
        o.put("eval_batch_size", options.evalBatchSize());
        o.put("micro_batch_size", options.microBatchSize());
        o.put("learning_rate", options.learningRate());
        o.put("optimizer", options.optimizer());
        o.put("weight_decay", options.weightDecay());
        o.put("seed", options.seed());
        o.put("drop_remainder", options.dropRemainder());
        s.put("dataset", datasetDir.toAbsolutePath().normalize().toString());
        s.put("dataset_spec", options.featureSpec());
        s.put("dataset_spec_sha256", specSha256);
        return s;
    }

    /** Writes {@code file}: the settings, plus the version, epoch, optimizer steps and the epoch's metrics. */
    void write(Path file, ObjectNode settings, String version, int epoch, long optimizerSteps, EpochRecord metrics)
            throws IOException {
        ObjectNode p = json.createObjectNode();
        p.put("sim4j_version", version);
        p.set("model", settings.get("model"));
        p.put("epoch", epoch);
        p.set("options", settings.get("options"));
        p.put("optimizer_steps", optimizerSteps);
        p.set("dataset", settings.get("dataset"));
        p.set("dataset_spec", settings.get("dataset_spec"));
        p.set("dataset_spec_sha256", settings.get("dataset_spec_sha256"));
        p.set("metrics", json.valueToTree(metrics));
        json.writeValue(file.toFile(), p);
    }

    /** Reads a provenance file; IOException when it is not JSON. */
    JsonNode read(Path file) throws IOException {
        return json.readTree(file.toFile());
    }

    /** The run record's settings as a tree, for {@link #differences}. */
    JsonNode tree(RunRecord run) {
        return json.valueToTree(run);
    }

    /**
     * A setting that differs.
     *
     * @param setting the flag that sets it (or what it is, for a property of the dataset)
     * @param saved   its value in the checkpoint or log
     * @param now     its value now
     */
    record Difference(String setting, String saved, String now) {
        /** "--lr: 0.01 in the checkpoint, 0.1 now". */
        String describe(String where) {
            return setting + ": " + saved + " " + where + ", " + now + " now";
        }
    }

    /**
     * The settings that differ between what was {@code saved} and what is asked for {@code now}; settings that
     * {@code saved} does not record (an older version) and those a resume may change are not compared.
     */
    static List<Difference> differences(JsonNode saved, JsonNode now) {
        List<Difference> out = new ArrayList<>();
        compare("", saved, now, out);
        return out;
    }

    private static void compare(String prefix, JsonNode saved, JsonNode now, List<Difference> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = now.fields(); it.hasNext(); ) {
            var e = it.next();
            String key = e.getKey();
            JsonNode was = saved.get(key);
            if (was == null || MAY_CHANGE.contains(key) || key.equals("command") || key.equals("sim4j_version")
                    || key.equals("epoch") || key.equals("metrics") || key.equals("optimizer_steps")) {
                continue;
            }
            JsonNode is = e.getValue();
            if (is.isObject() && was.isObject()) {
                compare(key + ".", was, is, out);
            } else if (!same(was, is)) {
                String path = prefix + key;
                out.add(new Difference(FLAGS.getOrDefault(path, FLAGS.getOrDefault(key, path)), text(was), text(is)));
            }
        }
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static String text(JsonNode n) {
        if (n.isArray()) {
            List<String> parts = new ArrayList<>();
            n.forEach(x -> parts.add(x.asText()));
            return String.join(",", parts);
        }
        return n.asText();
    }
}
