package dev.sim4j.cli.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sim4j.cli.OptionChecks;
import dev.sim4j.data.DataException;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.train.ModelEvaluation;
import dev.sim4j.train.baseline.BaselineEvaluation;
import dev.sim4j.train.baseline.BaselineKind;
import dev.sim4j.train.baseline.BaselineResult;
import dev.sim4j.train.baseline.PopularityBaseline;
import dev.sim4j.train.metrics.Metrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code sim4j baseline}: the AUC of model-free scorers (target popularity counted on train, or the share of the
 * row's history in the target's category) on a dataset's mappings, the floor that trained models are compared with.
 */
@Command(name = "baseline", mixinStandardHelpOptions = true,
        description = "Score every row of a dataset's mappings without a model and print AUC (8000 thresholds and "
                + "exact) and, where the score is a probability, the log loss. Popularity kinds count the train "
                + "mapping's targets; history-match kinds read the row's own history. Kinds: item (positive train rows "
                + "with the target item), item-ctr ((positives + 1) / (rows + 2) of the target item), category, "
                + "category-ctr (the same per target category), history-match (share of the history in the target's "
                + "category), history-match-short (its newest --short-seq-length items), history-match-long (the "
                + "older rest); all = every kind.")
public final class BaselineCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = {"--dataset", "--dataset_dir"}, required = true, paramLabel = "DIR", description = "Dataset folder.")
    private Path dataset;

    @Option(names = "--kind", split = ",", paramLabel = "KIND",
            description = "Baseline(s), repeatable or comma-separated: item, item-ctr, category, category-ctr, "
                    + "history-match, history-match-short, history-match-long, all (default: item).")
    private List<String> kinds = List.of("item");

    @Option(names = "--mapping", paramLabel = "NAME", description = "Mapping to score (repeatable; default: test).")
    private List<String> mappings = List.of("test");

    @Option(names = "--train-mapping", defaultValue = "train", paramLabel = "NAME",
            description = "Mapping the popularity counts come from. Default: ${DEFAULT-VALUE}.")
    private String trainMapping;

    @Option(names = "--short-seq-length", defaultValue = "10", paramLabel = "N",
            description = "Newest history positions that form the short part (the models' 100 = 90 long + 10 short). "
                    + "Default: ${DEFAULT-VALUE}.")
    private int shortLength;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    private Path json;

    @Override
    public Integer call() throws IOException {
        List<BaselineKind> chosen = parseKinds();
        OptionChecks checks = OptionChecks.of(spec);
        checks.atLeast("--short-seq-length", shortLength, 0);
        if (json != null) {
            checks.writableFile("--json", json);
        }
        Dataset ds = Dataset.open(dataset);
        boolean needsTrain = chosen.stream().anyMatch(BaselineKind::needsTrainCounts);
        Set<String> required = new LinkedHashSet<>(mappings);
        if (needsTrain) {
            required.add(trainMapping);
        }
        for (String m : required) {
            if (!ds.spec().sources().containsKey(m)) {
                throw new DataException(dataset + ": no mapping '" + m + "' (the spec has " + ds.spec().sources().keySet() + ")");
            }
        }
        for (String m : mappings) {
            ModelEvaluation.requireRows(ds, m, "nothing to score");
        }
        if (needsTrain) {
            ModelEvaluation.requireRows(ds, trainMapping, "no train counts to score with");
        }
        int length = ds.channels().historyLength();
        if (shortLength > length) {
            throw checks.fail("--short-seq-length", "must be in 0.." + length + " (the dataset's history length), got "
                    + shortLength);
        }
        PrintWriter out = spec.commandLine().getOut();
        PopularityBaseline popularity = null;
        double trainSeconds = 0;
        if (needsTrain) {
            long start = System.nanoTime();
            popularity = PopularityBaseline.fit(ds, trainMapping);
            trainSeconds = (System.nanoTime() - start) / 1e9;
            out.printf("counted %s: %,d rows (%,d positive) in %.2f s%n", trainMapping, popularity.trainRows(),
                    popularity.trainPositives(), trainSeconds);
        }
        List<BaselineResult> results = new ArrayList<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String m : mappings) {
            List<BaselineResult> scored = BaselineEvaluation.evaluate(ds, m, chosen, popularity, shortLength);
            results.addAll(scored);
            seconds.put(m, scored.getFirst().seconds());
        }
        int width = chosen.stream().mapToInt(k -> k.id().length()).max().orElse(4);
        for (BaselineResult r : results) {
            Metrics x = r.metrics();
            String loss = r.hasLoss() ? String.format(", loss %.4f", x.loss()) : "";
            out.printf("%-6s %-" + width + "s rows %,d (%,d positive): AUC %.4f (exact %.4f)%s%n", r.mapping(),
                    r.kind().id(), x.count(), x.positives(), x.auc(), x.exactAuc(), loss);
        }
        seconds.forEach((m, s) -> out.printf("scored %s in %.2f s%n", m, s));
        if (json != null) {
            writeJson(popularity, trainSeconds, results);
        }
        return 0;
    }

    /** The kinds asked for, in order, without repeats; {@code all} stands for every kind. */
    private List<BaselineKind> parseKinds() {
        Set<BaselineKind> out = new LinkedHashSet<>();
        for (String k : kinds) {
            if (k.trim().equalsIgnoreCase("all")) {
                out.addAll(Arrays.asList(BaselineKind.values()));
                continue;
            }
            try {
                out.add(BaselineKind.parse(k));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--kind: " + e.getMessage() + " (or all)");
            }
        }
        return List.copyOf(out);
    }

    private void writeJson(PopularityBaseline popularity, double trainSeconds, List<BaselineResult> results)
            throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("dataset", dataset.toString());
        doc.put("short_seq_length", shortLength);
        if (popularity != null) {
            doc.put("train_mapping", popularity.trainMapping());
            doc.put("train_rows", popularity.trainRows());
            doc.put("train_positives", popularity.trainPositives());
            doc.put("train_seconds", trainSeconds);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (BaselineResult r : results) {
            Metrics x = r.metrics();
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("kind", r.kind().id());
            row.put("description", r.kind().description());
            row.put("mapping", r.mapping());
            // The same keys as sim4j evaluate --json; an undefined value (one class absent, or a loss of a score
            // that is no probability) is null rather than the non-JSON NaN.
            row.put("count", x.count());
            row.put("positives", x.positives());
            row.put("auc", finite(x.auc()));
            row.put("exactAuc", finite(x.exactAuc()));
            row.put("loss", finite(x.loss()));
            row.put("seconds", r.seconds());
            rows.add(row);
        }
        doc.put("results", rows);
        Path target = json.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), doc);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new OutputException(OptionChecks.of(spec).flag("--json") + " " + json + ": cannot write: "
                    + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
