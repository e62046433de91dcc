package dev.sim4j.serve.load;

import java.util.Map;

/**
 * What a load test measured. Latencies run from when a request was due to be sent (not when it was sent), so a
 * stalled service is charged for the requests it held up: coordinated omission corrected.
 *
 * @param sent        requests sent
 * @param ok          answered 200
 * @param statuses    answers by status code (0: no answer, a connection error or timeout)
 * @param seconds     from the first scheduled send to the last answer
 * @param throughput  200 answers per second
 * @param p50         latency percentiles in milliseconds
 */
public record LoadResult(long sent, long ok, Map<Integer, Long> statuses, double seconds, double throughput,
                         double p50, double p90, double p99, double p999, double max) {
}
