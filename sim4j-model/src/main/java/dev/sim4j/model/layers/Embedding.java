package dev.sim4j.model.layers;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.init.Initializer;
import dev.sim4j.model.init.ParameterFactory;
import dev.sim4j.model.params.Parameter;

/**
 * An embedding table [R, E] (row 0 = padding, trainable), initialised uniform(-sqrt(1/R), +sqrt(1/R)). Stateless
 * between calls, so one table can serve several lookups per step (the item table serves target, positive and negative
 * history): each lookup's gradient is scattered back with the ids it used.
 */
public final class Embedding {
    private final Backend be;
    private final Parameter table;

    public Embedding(ParameterFactory f, String name, int rows, int dim) {
        this.be = f.backend();
        this.table = f.create(name, Initializer.embeddingUniform(), rows, dim);
    }

    public Parameter table() {
        return table;
    }

    public int dim() {
        return table.value().dim(1);
    }

    /** out [N, E] = table[ids], for ids I32 [N] (any shape, flattened). */
    public Tensor forward(Tensor ids) {
        Tensor out = Tensors.zeros(be, (int) ids.size(), dim());
        be.gatherRows(table.value(), ids, out);
        return out;
    }

    /** table.grad[ids[n]] += dOut[n], for dOut [N, E]. */
    public void backward(Tensor ids, Tensor dOut) {
        be.scatterAddRows(dOut.reshape((int) ids.size(), dim()), ids, table.grad());
    }
}
