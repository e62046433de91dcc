package dev.sim4j.model.sim;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.layers.Embedding;
import dev.sim4j.model.layers.Tensors;
import java.util.List;

/**
 * The three embedding tables ({@code embedding.user} [U+1, E], {@code embedding.item} [I+1, E],
 * {@code embedding.category} [C+1, E]) and the model inputs' vectors: an item vector is concat(item, category), 2E
 * wide; history vectors are multiplied by their mask (item id > 0); the target is not masked.
 */
public final class InputEmbedding {
    /**
     * @param user         [B, E]
     * @param target       [B, 2E]
     * @param history      masked positive history [B, L + T, 2E]
     * @param mask         positive history mask [B, L + T]
     * @param negative     masked negative history [B, L + T, 2E], or null when not asked for
     * @param negativeMask negative history mask [B, L + T], or null
     */
    public record Embedded(Tensor user, Tensor target, Tensor history, Tensor mask, Tensor negative,
                           Tensor negativeMask) {
    }

    private final Backend be;
    private final Embedding user;
    private final Embedding item;
    private final Embedding category;

    public InputEmbedding(ParameterFactory f, ModelConfig config) {
        this.be = f.backend();
        int e = config.embeddingDim();
        this.user = new Embedding(f, "embedding.user", config.users() + 1, e);
        this.item = new Embedding(f, "embedding.item", config.items() + 1, e);
        this.category = new Embedding(f, "embedding.category", config.categories() + 1, e);
    }

    private Tensor items(Tensor itemIds, Tensor categoryIds) {
        return Tensors.concat(be, item.forward(itemIds), category.forward(categoryIds));
    }

    private Tensor[] history(Tensor itemIds, Tensor categoryIds) {
        int b = itemIds.dim(0);
        int t = itemIds.dim(1);
        Tensor mask = Tensors.zeros(be, b, t);
        be.nonPadding(itemIds, mask);
        Tensor v = items(itemIds, categoryIds);
        Tensor masked = Tensors.zeros(be, b * t, v.dim(1));
        be.mulRows(v, mask.reshape(b * t), masked);
        return new Tensor[] {masked.reshape(b, t, v.dim(1)), mask};
    }

    public Embedded forward(ModelInput in, boolean withNegatives) {
        Tensor u = user.forward(in.uid());
        Tensor target = items(in.targetItem(), in.targetCategory());
        Tensor[] pos = history(in.historyItems(), in.historyCategories());
        Tensor[] neg = withNegatives ? history(in.negativeItems(), in.negativeCategories()) : new Tensor[2];
        return new Embedded(u, target, pos[0], pos[1], neg[0], neg[1]);
    }

    private void itemsBackward(Tensor itemIds, Tensor categoryIds, Tensor d) {
        int e = item.dim();
        List<Tensor> parts = Tensors.split(be, d, e, e);
        item.backward(itemIds, parts.get(0));
        category.backward(categoryIds, parts.get(1));
    }

    private void historyBackward(Tensor itemIds, Tensor categoryIds, Tensor mask, Tensor d) {
        int n = (int) itemIds.size();
        Tensor masked = Tensors.zeros(be, n, d.dim(-1));
        be.mulRows(d.reshape(n, d.dim(-1)), mask.reshape(n), masked);
        itemsBackward(itemIds, categoryIds, masked);
    }

    /**
     * Scatters the gradients into the tables: dUser [B, E], dTarget [B, 2E], dHistory [B, L + T, 2E], dNegative
     * [B, L + T, 2E] or null.
     */
    public void backward(ModelInput in, Embedded e, Tensor dUser, Tensor dTarget, Tensor dHistory, Tensor dNegative) {
        user.backward(in.uid(), dUser);
        itemsBackward(in.targetItem(), in.targetCategory(), dTarget);
        historyBackward(in.historyItems(), in.historyCategories(), e.mask(), dHistory);
        if (dNegative != null) {
            historyBackward(in.negativeItems(), in.negativeCategories(), e.negativeMask(), dNegative);
        }
    }
}
