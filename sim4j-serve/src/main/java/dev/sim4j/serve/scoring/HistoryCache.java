package dev.sim4j.serve.scoring;

import dev.sim4j.serve.store.BehaviourStore;
import dev.sim4j.serve.store.VersionedHistory;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The users' recent histories in the model's ids, kept in memory between score requests: reading 1,000 events from
 * the store, decoding their strings and looking each up in two vocabularies cost more CPU per request than the soft
 * search. An entry holds what {@link BehaviourStore#versionedHistory} read and {@link CandidateScorer#encode} made of
 * it, with the user's store version at that read; a request checks the user's current {@link BehaviourStore#version}
 * (one point read) and uses the entry only when it is the same, so an append is seen by every request that starts
 * after it returned. The ids belong to the vocabularies of the scorer that encoded them, which are fixed for the
 * service's life. A hard search cuts its windows from the entry too when it holds the user's whole history
 * ({@link CachedHistory#hardWindow}).
 *
 * <p>Bounded: at most {@code capacityEvents} events in all (an entry counts its events plus one), the least recently
 * used entries evicted first; a history larger than the whole bound is not kept. Capacity 0 keeps nothing (every
 * request reads the store). Thread-safe.
 */
public final class HistoryCache {
    private record Entry(long version, CachedHistory history) {
        long weight() {
            return history.ids().size() + 1L;
        }
    }

    private final BehaviourStore store;
    private final CandidateScorer scorer;
    private final int limit;
    private final long capacityEvents;
    private final ReentrantLock lock = new ReentrantLock();
    /** In access order: the eldest is the least recently used. Guarded by {@link #lock}. */
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private long weight;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /**
     * @param store          where the histories live
     * @param scorer         whose vocabularies encode them
     * @param limit          the newest events of a user one request reads
     * @param capacityEvents the events kept in all (0: none)
     */
    public HistoryCache(BehaviourStore store, CandidateScorer scorer, int limit, long capacityEvents) {
        if (limit < 0 || capacityEvents < 0) {
            throw new IllegalArgumentException("limit " + limit + ", capacity " + capacityEvents);
        }
        this.store = store;
        this.scorer = scorer;
        this.limit = limit;
        this.capacityEvents = capacityEvents;
    }

    /** The user's newest {@code limit} events, most recent first, in the model's ids, as the store holds them now. */
    public EncodedHistory history(String user) {
        return cached(user).ids();
    }

    /** Whether it keeps anything (capacity above 0). */
    public boolean enabled() {
        return capacityEvents > 0;
    }

    /** As {@link #history}, with what a hard search needs of it ({@link CachedHistory#hardWindow}). */
    public CachedHistory cached(String user) {
        if (capacityEvents == 0) {
            misses.increment();
            return CachedHistory.of(store.history(user, limit), limit, scorer);
        }
        long version = store.version(user);
        Entry e;
        lock.lock();
        try {
            e = entries.get(user);
        } finally {
            lock.unlock();
        }
        if (e != null && e.version() == version) {
            hits.increment();
            return e.history();
        }
        misses.increment();
        VersionedHistory read = store.versionedHistory(user, limit);
        Entry fresh = new Entry(read.version(), CachedHistory.of(read.newestFirst(), limit, scorer));
        keep(user, fresh);
        return fresh.history();
    }

    private void keep(String user, Entry fresh) {
        if (fresh.weight() > capacityEvents) {
            return;
        }
        lock.lock();
        try {
            Entry old = entries.get(user);
            if (old != null && old.version() >= fresh.version()) {
                return; // another request has kept this read or a newer one
            }
            entries.put(user, fresh);
            weight += fresh.weight() - (old == null ? 0 : old.weight());
            for (Iterator<Entry> it = entries.values().iterator(); weight > capacityEvents && it.hasNext(); ) {
                Entry eldest = it.next();
                it.remove();
                weight -= eldest.weight();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Requests answered from memory. */
    public long hits() {
        return hits.sum();
    }

    /** Requests that read the store (the user new, evicted or appended to since; or the cache off). */
    public long misses() {
        return misses.sum();
    }

    /** Events held now (entries count their events plus one). */
    public long weight() {
        lock.lock();
        try {
            return weight;
        } finally {
            lock.unlock();
        }
    }

    /** Users held now. */
    public int users() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /** For tests: the entries, least recently used first. */
    Map<String, Long> versions() {
        lock.lock();
        try {
            Map<String, Long> out = new LinkedHashMap<>();
            entries.forEach((u, e) -> out.put(u, e.version()));
            return out;
        } finally {
            lock.unlock();
        }
    }
}
