package dev.sim4j.model.sim;

import dev.sim4j.engine.Tensor;

/**
 * Groups of a batch's rows that share the user and the short history (the candidates of one scoring request): the
 * models compute what does not depend on the candidate, the short history's GRU states, once per group and hand
 * each row its group's. Rows of a group need not be adjacent.
 *
 * @param firstRows  I32 [G]: one row of each group, whose short history stands for the group's
 * @param groupOfRow I32 [B]: the group of each row, in [0, G)
 */
public record SharedRows(Tensor firstRows, Tensor groupOfRow) {
    /** The number of groups G. */
    public int groups() {
        return firstRows.dim(0);
    }
}
