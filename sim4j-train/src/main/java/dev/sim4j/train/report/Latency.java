package dev.sim4j.train.report;

/**
 * Step latency statistics of a benchmark run, in milliseconds (spec section 6: mean, p90, p95, p99 after warm-up).
 */
public record Latency(double mean, double p90, double p95, double p99) {
}
