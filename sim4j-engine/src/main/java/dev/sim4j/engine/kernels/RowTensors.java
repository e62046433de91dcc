package dev.sim4j.engine.kernels;

import dev.sim4j.engine.Tensor;

/**
 * The eight tensors of a batch of rows in the reference layout, as {@link InputKernels#sequenceRows} writes them:
 * label (float) and uid / target item / target category (I32) [B], and the four histories I32 [B, L].
 */
public record RowTensors(Tensor label, Tensor uid, Tensor targetItem, Tensor targetCategory, Tensor historyItems,
                         Tensor historyCategories, Tensor negativeItems, Tensor negativeCategories) {
}
