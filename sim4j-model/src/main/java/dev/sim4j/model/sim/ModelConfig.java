package dev.sim4j.model.sim;

import dev.sim4j.model.layers.AugruForm;
import java.util.List;

/**
 * Hyperparameters of a SIM / DIEN / DIN model. Reference defaults ({@link #defaults}): E = 16, stage-one MLP [200],
 * stage-two MLP [200, 80], aux MLP [100, 50], history 100 = long 90 + short 10, K = 50, dropout -1 (off), AUGRU in
 * the code form. H = 6E. Cardinalities count real ids; tables have one more row (row 0 = padding).
 *
 * @param type          which model
 * @param embeddingDim  E
 * @param stageOneMlp   SIM's GSU classifier hidden sizes ({@code stage_one_mlp})
 * @param stageTwoMlp   the main classifier's hidden sizes ({@code stage_two_mlp})
 * @param auxMlp        the auxiliary network's hidden sizes ({@code aux_mlp})
 * @param longLength    L, the long (oldest) part of the history
 * @param topK          K, positions SIM's GSU keeps
 * @param historyLength L + T
 * @param dropout       rate before each MLP's final layer; < 0 disables it (the reference default)
 * @param augruForm     AUGRU state update
 * @param users         U (user ids 1..U)
 * @param items         I (item ids 1..I)
 * @param categories    C (category ids 1..C)
 */
public record ModelConfig(ModelType type, int embeddingDim, List<Integer> stageOneMlp, List<Integer> stageTwoMlp,
                          List<Integer> auxMlp, int longLength, int topK, int historyLength, double dropout,
                          AugruForm augruForm, int users, int items, int categories) {
    public ModelConfig {
        stageOneMlp = List.copyOf(stageOneMlp);
        stageTwoMlp = List.copyOf(stageTwoMlp);
        auxMlp = List.copyOf(auxMlp);
        if (embeddingDim <= 0 || longLength < 0 || historyLength <= longLength + 1 || topK <= 0 || topK > longLength) {
            throw new IllegalArgumentException("bad model sizes: E=" + embeddingDim + " history=" + historyLength
                    + " long=" + longLength + " K=" + topK);
        }
        if (users <= 0 || items <= 0 || categories <= 0) {
            throw new IllegalArgumentException("cardinalities must be positive: users=" + users + " items=" + items
                    + " categories=" + categories);
        }
    }

    /** The reference's configuration for {@code type} with the given cardinalities. */
    public static ModelConfig defaults(ModelType type, int users, int items, int categories) {
        return new ModelConfig(type, 16, List.of(200), List.of(200, 80), List.of(100, 50), 90, 50, 100, -1,
                AugruForm.CODE, users, items, categories);
    }

    /** H = 6E, the DIEN hidden size. */
    public int hidden() {
        return 6 * embeddingDim;
    }

    /** 2E, the width of an item vector concat(item, category). */
    public int itemDim() {
        return 2 * embeddingDim;
    }

    /** T, the short (newest) part of the history. */
    public int shortLength() {
        return historyLength - longLength;
    }

    public ModelConfig withType(ModelType t) {
        return new ModelConfig(t, embeddingDim, stageOneMlp, stageTwoMlp, auxMlp, longLength, topK, historyLength,
                dropout, augruForm, users, items, categories);
    }

    public ModelConfig withAugruForm(AugruForm form) {
        return new ModelConfig(type, embeddingDim, stageOneMlp, stageTwoMlp, auxMlp, longLength, topK, historyLength,
                dropout, form, users, items, categories);
    }

    public ModelConfig withDropout(double rate) {
        return new ModelConfig(type, embeddingDim, stageOneMlp, stageTwoMlp, auxMlp, longLength, topK, historyLength,
                rate, augruForm, users, items, categories);
    }
}
