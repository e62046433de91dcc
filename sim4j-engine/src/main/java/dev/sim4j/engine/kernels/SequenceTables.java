package dev.sim4j.engine.kernels;

import dev.sim4j.engine.Tensor;

/**
 * A sequence store resident on a backend, for {@link InputKernels#sequenceRows}: every user's events once, and the
 * tables negatives are drawn from. All tensors are I32.
 *
 * @param eventStart     [U + 1] where each user's events start in {@code items} / {@code categories} (the last
 *                       entry: all events)
 * @param items          [N] item id of each event, users in uid order, each user's events in time order
 * @param categories     [N] category id of each event
 * @param itemCategory   [I + 1] category of each item id
 * @param itemOfDraw     [draws] the item of each draw index, or null where the table would be too large (then
 *                       {@code cumulative} is searched)
 * @param cumulative     [I + 1] events of items 1..i (entry 0 is 0)
 * @param draws          the bound of every draw: the number of events
 * @param maxHistory     L, the history length
 */
public record SequenceTables(Tensor eventStart, Tensor items, Tensor categories, Tensor itemCategory,
                             Tensor itemOfDraw, Tensor cumulative, int draws, int maxHistory) implements AutoCloseable {
    public SequenceTables {
        if (draws < 1 || maxHistory < 1) {
            throw new IllegalArgumentException("a sequence store needs events and a history length, not " + draws
                    + " and " + maxHistory);
        }
    }

    /** The number of users. */
    public int users() {
        return eventStart.dim(0) - 1;
    }

    /** Frees the tensors. */
    @Override
    public void close() {
        eventStart.close();
        items.close();
        categories.close();
        itemCategory.close();
        if (itemOfDraw != null) {
            itemOfDraw.close();
        }
        cumulative.close();
    }
}
