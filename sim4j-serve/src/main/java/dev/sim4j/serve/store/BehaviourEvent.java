package dev.sim4j.serve.store;

/**
 * One behaviour event of a user, in raw ids (as the dump and the API name them): the item, its category and when.
 *
 * @param item     the item's raw id (an ASIN)
 * @param category the item's category name
 * @param time     seconds since the epoch (a dataset import numbers a user's events 0, 1, ... in their order)
 */
public record BehaviourEvent(String item, String category, long time) {
    /** The longest id the store takes, in UTF-8 bytes. */
    public static final int MAX_ID_BYTES = 1024;

    public BehaviourEvent {
        StoreKeys.requireId(item, "item");
        StoreKeys.requireId(category, "category");
    }
}
