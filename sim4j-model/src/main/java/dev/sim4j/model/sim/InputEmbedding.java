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
 * wide; history vectors are multiplied by their mask (item id > 0); the target is not masked. A model embeds only
 * the positions it reads (SIM's long part and short part separately, DIEN the short part, the negatives' short part),
 * in one fused kernel each, and their gradients skip the padding positions.
 */
public final class InputEmbedding {
    /**
     * Positions [from, to) of a behaviour sequence: masked item vectors [B, to - from, 2E] and the mask
     * [B, to - from].
     */
    public record Sequence(Tensor vectors, Tensor mask, int from, int to) {
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

    /** The user vectors [B, E]. */
    public Tensor user(ModelInput in) {
        return user.forward(in.uid());
    }

    /** The target item vectors [B, 2E] (not masked). */
    public Tensor target(ModelInput in) {
        return Tensors.concat(be, item.forward(in.targetItem()), category.forward(in.targetCategory()));
    }

    /** Positions [from, to) of the positive history. */
    public Sequence history(ModelInput in, int from, int to) {
        return sequence(in.historyItems(), in.historyCategories(), from, to);
    }

    /** Positions [from, to) of the negative history. */
    public Sequence negatives(ModelInput in, int from, int to) {
        return sequence(in.negativeItems(), in.negativeCategories(), from, to);
    }

    private Sequence sequence(Tensor itemIds, Tensor categoryIds, int from, int to) {
        int b = itemIds.dim(0);
        Tensor vectors = Tensors.empty(be, b, to - from, 2 * item.dim());
        Tensor mask = Tensors.empty(be, b, to - from);
        be.embedSequence(item.table().value(), category.table().value(), itemIds, categoryIds, from, to, vectors,
                mask);
        return new Sequence(vectors, mask, from, to);
    }

    /** Scatters dUser [B, E] into the user table's gradient. */
    public void userBackward(ModelInput in, Tensor dUser) {
        user.backward(in.uid(), dUser);
    }

    /** Scatters dTarget [B, 2E] into the item and category tables' gradients. */
    public void targetBackward(ModelInput in, Tensor dTarget) {
        int e = item.dim();
        List<Tensor> parts = Tensors.split(be, dTarget, e, e);
        item.backward(in.targetItem(), parts.get(0));
        category.backward(in.targetCategory(), parts.get(1));
    }

    /** Scatters the gradient [B, to - from, 2E] of a positive-history part into the tables' gradients. */
    public void historyBackward(ModelInput in, Sequence s, Tensor d) {
        be.embedSequenceBackward(d, in.historyItems(), in.historyCategories(), s.from(), s.to(),
                item.table().grad(), category.table().grad());
    }

    /** Scatters the gradient [B, to - from, 2E] of a negative-history part into the tables' gradients. */
    public void negativesBackward(ModelInput in, Sequence s, Tensor d) {
        be.embedSequenceBackward(d, in.negativeItems(), in.negativeCategories(), s.from(), s.to(),
                item.table().grad(), category.table().grad());
    }
}
