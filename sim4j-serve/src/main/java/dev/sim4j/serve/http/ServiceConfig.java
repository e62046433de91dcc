package dev.sim4j.serve.http;

/**
 * How the scoring service listens and what it accepts.
 *
 * @param host               the address to bind (127.0.0.1: this machine only)
 * @param port               the port (0: any free one, see {@link ScoringService#port()})
 * @param maxCandidates      candidates one score request may carry
 * @param maxEvents          events one append may carry
 * @param maxBodyBytes       the largest request body
 * @param historyEvents      events of a user's lifelong history one score request reads (newest first)
 * @param maxInFlight        score and event requests admitted at once; more get a fast 503 with Retry-After
 * @param authToken          the bearer token writes ({@code POST /v1/events}) must carry; null: writes are open
 * @param historyCacheEvents events of users' histories kept in memory between requests, in the model's ids
 *                           ({@link dev.sim4j.serve.scoring.HistoryCache}); 0: every request reads the store
 */
public record ServiceConfig(String host, int port, int maxCandidates, int maxEvents, long maxBodyBytes,
                            int historyEvents, int maxInFlight, String authToken, long historyCacheEvents) {
    /** The default history cache: 4 M events, some 48 MB (three ints an event; 4,000 users of 1,000 events). */
    public static final long DEFAULT_HISTORY_CACHE_EVENTS = 4_000_000L;

    public ServiceConfig {
        if (historyCacheEvents < 0) {
            throw new IllegalArgumentException("historyCacheEvents " + historyCacheEvents + " is negative");
        }
    }

    /** The same with the default history cache. */
    public ServiceConfig(String host, int port, int maxCandidates, int maxEvents, long maxBodyBytes,
                         int historyEvents, int maxInFlight, String authToken) {
        this(host, port, maxCandidates, maxEvents, maxBodyBytes, historyEvents, maxInFlight, authToken,
                DEFAULT_HISTORY_CACHE_EVENTS);
    }

    /**
     * The limits: 1,000 candidates, 1,000 events per append, 1 MiB bodies, 10,000 history events, 64
     * requests in flight, no token; the default history cache.
     */
    public static ServiceConfig defaults(String host, int port) {
        return new ServiceConfig(host, port, 1000, 1000, 1 << 20, 10_000, 64, null);
    }

    /** The same with writes requiring {@code token}. */
    public ServiceConfig withAuthToken(String token) {
        return new ServiceConfig(host, port, maxCandidates, maxEvents, maxBodyBytes, historyEvents, maxInFlight, token,
                historyCacheEvents);
    }

    /** The same admitting {@code n} requests at once. */
    public ServiceConfig withMaxInFlight(int n) {
        return new ServiceConfig(host, port, maxCandidates, maxEvents, maxBodyBytes, historyEvents, n, authToken,
                historyCacheEvents);
    }

    /** The same keeping at most {@code events} history events in memory (0: none). */
    public ServiceConfig withHistoryCacheEvents(long events) {
        return new ServiceConfig(host, port, maxCandidates, maxEvents, maxBodyBytes, historyEvents, maxInFlight,
                authToken, events);
    }
}
