package dev.sim4j.serve.store;

import java.util.List;

/**
 * A user's newest events as one consistent read of the store, with the store's version of that user at that moment
 * ({@link BehaviourStore#version}): a later read that finds the same version would find the same events.
 *
 * @param version     the user's version when read (0 for a user with no events)
 * @param newestFirst the events, most recent first
 */
public record VersionedHistory(long version, List<BehaviourEvent> newestFirst) {
    public VersionedHistory {
        newestFirst = List.copyOf(newestFirst);
    }
}
