package dev.sim4j.serve.http;

/**
 * How the scoring service listens and what it accepts.
 *
 * @param host           the address to bind (127.0.0.1: this machine only)
 * @param port           the port (0: any free one, see {@link ScoringService#port()})
 * @param maxCandidates  candidates one score request may carry
 * @param maxEvents      events one append may carry
 * @param maxBodyBytes   the largest request body
 * @param historyEvents  events of a user's lifelong history one score request reads (newest first)
 */
public record ServiceConfig(String host, int port, int maxCandidates, int maxEvents, long maxBodyBytes,
                            int historyEvents) {
    /** The limits: 1,000 candidates, 1,000 events per append, 1 MiB bodies, 10,000 history events. */
    public static ServiceConfig defaults(String host, int port) {
        return new ServiceConfig(host, port, 1000, 1000, 1 << 20, 10_000);
    }
}
