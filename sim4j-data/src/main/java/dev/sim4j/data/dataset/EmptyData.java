package dev.sim4j.data.dataset;

import dev.sim4j.data.format.ChunkFormats;
import dev.sim4j.data.format.RowReader;
import dev.sim4j.data.spec.ChunkSpec;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.DataFiles;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.SpecProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * What a valid spec cannot show about its data: mappings and files without rows. A mapping of 0 rows is an error
 * (training or evaluating on it is meaningless, and a 0-row test set has no AUC); an empty file among files that do
 * hold rows is only a warning, since the mapping's rows are still all there. Reads at most the first row of each file
 * (the whole store of a {@code sim4j_sequences} chunk, which is one unit).
 */
public final class EmptyData {
    private EmptyData() {
    }

    /**
     * The findings, each naming the {@code source_spec} mapping (errors) or mapping, chunk and file (warnings).
     *
     * @param errors   mappings that hold no rows
     * @param warnings empty files of mappings that do hold rows
     */
    public record Findings(List<SpecProblem> errors, List<SpecProblem> warnings) {
        public Findings {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }
    }

    /** Checks every mapping of {@code dataset}; a file that cannot be read is reported as the readers report it. */
    public static Findings check(Dataset dataset) {
        List<SpecProblem> errors = new ArrayList<>();
        List<SpecProblem> warnings = new ArrayList<>();
        dataset.spec().sources().forEach((mapping, chunks) -> {
            List<SpecProblem> emptyFiles = new ArrayList<>();
            boolean anyRows = false;
            for (int c = 0; c < chunks.size(); c++) {
                ChunkSpec chunk = chunks.get(c);
                List<FeatureDef> features = chunk.features().stream().map(dataset.spec()::feature).toList();
                boolean store = chunk.chunkType() == ChunkType.SIM4J_SEQUENCES;
                List<String> files = store ? chunk.files().subList(0, 1) : chunk.files();
                for (String file : files) {
                    boolean empty = !hasARow(dataset, mapping, chunk, features, file);
                    if (empty) {
                        emptyFiles.add(new SpecProblem("source_spec", mapping + "[" + c + "] / " + file,
                                "data file holds no rows; remove it from the list or fill it"));
                    } else if (c == 0) {
                        anyRows = true;
                    }
                }
            }
            if (anyRows) {
                warnings.addAll(emptyFiles);
            } else {
                errors.add(new SpecProblem("source_spec", mapping, "mapping holds no rows (every data file is empty); "
                        + "training or evaluating on it is meaningless: fill it or remove the mapping"));
            }
        });
        return new Findings(errors, warnings);
    }

    private static boolean hasARow(Dataset dataset, String mapping, ChunkSpec chunk, List<FeatureDef> features,
                                   String file) {
        int[][] none = new int[features.size()][];
        try (RowReader r = chunk.chunkType() == ChunkType.SIM4J_SEQUENCES
                ? SequenceChunks.open(DataFiles.resolve(dataset.dir(), file), mapping, features)
                : ChunkFormats.of(chunk.chunkType()).openReader(DataFiles.resolve(dataset.dir(), file), features)) {
            return r.read(none, 0, 1) > 0;
        }
    }
}
