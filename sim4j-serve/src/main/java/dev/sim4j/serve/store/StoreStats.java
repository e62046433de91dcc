package dev.sim4j.serve.store;

/**
 * What a behaviour store holds.
 *
 * @param users  users with at least one event
 * @param events events of all users
 * @param bytes  bytes of the store's folder on disk (tables, log, metadata)
 */
public record StoreStats(long users, long events, long bytes) {
}
