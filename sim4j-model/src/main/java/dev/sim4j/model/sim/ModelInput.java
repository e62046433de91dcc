package dev.sim4j.model.sim;

import dev.sim4j.engine.Tensor;

/**
 * One batch on the model's backend. Ids are I32; histories are oldest first and left-padded with 0 (history length
 * L + T = 100 by default).
 *
 * @param uid                user ids I32 [B]
 * @param targetItem         target item ids I32 [B]
 * @param targetCategory     target category ids I32 [B]
 * @param historyItems       positive history item ids I32 [B, L + T]
 * @param historyCategories  positive history category ids I32 [B, L + T]
 * @param negativeItems      negative history item ids I32 [B, L + T] (only the last T are used, for the aux loss)
 * @param negativeCategories negative history category ids I32 [B, L + T]
 * @param label              click labels 0/1, float [B]
 */
public record ModelInput(Tensor uid, Tensor targetItem, Tensor targetCategory, Tensor historyItems,
                         Tensor historyCategories, Tensor negativeItems, Tensor negativeCategories, Tensor label) {
    public int batch() {
        return uid.dim(0);
    }

    /** Rows [from, to) of this batch, as views (no copy). */
    public ModelInput rows(int from, int to) {
        return new ModelInput(uid.rows(from, to), targetItem.rows(from, to), targetCategory.rows(from, to),
                historyItems.rows(from, to), historyCategories.rows(from, to), negativeItems.rows(from, to),
                negativeCategories.rows(from, to), label.rows(from, to));
    }
}
