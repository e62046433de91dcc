package dev.sim4j.train.optim;

import dev.sim4j.engine.Backend;
import dev.sim4j.engine.DType;
import dev.sim4j.engine.Tensor;
import dev.sim4j.model.params.Parameter;
import dev.sim4j.model.params.ParameterSet;
import java.util.List;
import java.util.Map;

/**
 * Adam that updates only the embedding rows a batch touched (tensorflow_addons LazyAdam): for a table named
 * {@code embedding.*} the rows set by {@link #setTouchedRows} before the step get the Adam update, and the other
 * rows keep their values and their moments exactly; dense parameters get the ordinary dense update. The step count
 * (and so the bias correction) is global, as in LazyAdam. Decoupled weight decay, when on, also applies only to the
 * touched rows of a table (the untouched rows are not read at all).
 */
public final class LazyAdam extends Adam {
    /** The prefix of the parameters updated row-sparse. */
    public static final String EMBEDDING_PREFIX = "embedding.";

    /**
     * The rows of one table a batch touched, both on the device: {@code rows} I32 [N] holds them in increasing order
     * in {@code rows[0, count)}, {@code count} I32 [1] says how many (as {@link Backend#uniqueRows} writes them).
     */
    public record TouchedRows(Tensor rows, Tensor count) {
    }

    private Map<String, TouchedRows> touched = Map.of();

    public LazyAdam(double lr, double weightDecay) {
        super(lr, weightDecay);
    }

    public LazyAdam(double lr, double beta1, double beta2, double epsilon, double weightDecay) {
        super(lr, beta1, beta2, epsilon, weightDecay);
    }

    @Override
    public String name() {
        return "lazy_adam";
    }

    /**
     * The rows of each embedding table the next batch touched, by parameter name (e.g. {@code embedding.item}):
     * distinct row indices in increasing order and their count, as {@link #touchedRows} makes them. Must be set
     * before every {@link #step}, which consumes it.
     */
    public void setTouchedRows(Map<String, TouchedRows> rows) {
        this.touched = Map.copyOf(rows);
    }

    /**
     * The distinct rows of {@code table} [R,E] that the lookups {@code ids} (I32 tensors of any shape, e.g. the
     * target-item and history-item ids of one batch) read, found on the table's backend: the count stays there too
     * (nothing comes back to the host), so the rows tensor is sized for the most rows there could be.
     */
    public static TouchedRows touchedRows(Tensor table, List<Tensor> ids) {
        Backend backend = table.backend();
        long total = ids.stream().mapToLong(Tensor::size).sum();
        int bound = table.dim(0);
        Tensor out = backend.zeros(DType.I32, (int) Math.max(1, Math.min(bound, total)));
        Tensor count = backend.zeros(DType.I32, 1);
        backend.uniqueRows(ids, bound, out, count);
        return new TouchedRows(out, count);
    }

    @Override
    public void step(ParameterSet params, Tensor apply) {
        try {
            super.step(params, apply);
        } finally {
            touched = Map.of();
        }
    }

    @Override
    protected void update(Parameter p, Moments mv, Tensor t, Tensor apply) {
        if (!p.name().startsWith(EMBEDDING_PREFIX)) {
            super.update(p, mv, t, apply);
            return;
        }
        TouchedRows rows = touched.get(p.name());
        if (rows == null) {
            throw new IllegalStateException("lazy_adam: no touched rows for " + p.name() + " (have "
                    + touched.keySet() + "); call setTouchedRows before each step");
        }
        p.value().backend().adamUpdateRows(p.value(), p.grad(), mv.m(), mv.v(), rows.rows(), rows.count(), lr, beta1,
                beta2, epsilon, weightDecay, t, apply);
    }
}
