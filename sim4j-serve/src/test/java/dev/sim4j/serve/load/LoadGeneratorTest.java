package dev.sim4j.serve.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The load generator against a stub server that answers one request at a time and stalls 300 ms once: an open
 * loop charges the stall to every request that was due during it, so the high percentiles show it, while a closed
 * loop (send, wait, send) would have seen one slow request in a hundred.
 */
class LoadGeneratorTest {
    @Test
    void latencyCountsFromWhenARequestWasDue() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        AtomicInteger events = new AtomicInteger();
        HttpServer server = stub(20, seen, events);
        try {
            LoadPlan plan = new LoadPlan(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), 100, 1.5, 0, 5,
                    3, 1500, "soft", new String[] {"a", "b"}, new String[] {"x", "y"}, null, 1);
            LoadGenerator g = new LoadGenerator(plan);
            g.createUsers();
            assertThat(events.get()).as("3 users, 1,500 events each, in appends of 1,000").isEqualTo(6);
            LoadResult r = g.run();
            assertThat(r.sent()).isEqualTo(150);
            assertThat(r.ok()).isEqualTo(150);
            assertThat(r.statuses()).containsEntry(200, 150L);
            System.out.printf("[sim4j] stub with one 300 ms stall: p50 %.1f ms, p90 %.1f, p99 %.1f, max %.1f%n",
                    r.p50(), r.p90(), r.p99(), r.max());
            assertThat(r.p50()).isLessThan(100);
            // About 30 requests were due during the stall: more than 10 % of them wait over 100 ms.
            assertThat(r.p90()).isGreaterThan(100);
            assertThat(r.max()).isGreaterThanOrEqualTo(290);
            assertThat(r.p50()).isLessThanOrEqualTo(r.p90());
            assertThat(r.p99()).isLessThanOrEqualTo(r.max() + 1);
        } finally {
            server.stop(0);
        }
    }

    /**
     * The same stub stalling on the first request of a one-second warm-up: the stall and the queue behind it fall in
     * the untimed part, so the timed 150 requests, and only they, are counted, all fast.
     */
    @Test
    void theWarmUpIsSentOnScheduleButNotTimed() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        HttpServer server = stub(1, seen, new AtomicInteger());
        try {
            LoadPlan plan = new LoadPlan(URI.create("http://127.0.0.1:" + server.getAddress().getPort()), 100, 1.5, 1,
                    5, 3, 0, "soft", new String[] {"a", "b"}, new String[] {"x", "y"}, null, 1);
            LoadResult r = new LoadGenerator(plan).run();
            System.out.printf("[sim4j] stall in the warm-up: p50 %.1f ms, p99 %.1f, max %.1f%n", r.p50(), r.p99(),
                    r.max());
            assertThat(seen.get()).as("100 warm-up and 150 timed requests reached the server").isEqualTo(250);
            assertThat(r.sent()).isEqualTo(150);
            assertThat(r.statuses()).containsExactlyEntriesOf(java.util.Map.of(200, 150L));
            assertThat(r.max()).as("the 300 ms stall is not in the timed part").isLessThan(250);
        } finally {
            server.stop(0);
        }
    }

    /**
     * A started stub that answers one request at a time with {@code {}}, counting score requests in {@code seen}
     * (stalling 300 ms on number {@code stallAt}) and event appends in {@code events}.
     */
    private static HttpServer stub(int stallAt, AtomicInteger seen, AtomicInteger events) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.createContext("/v1/score", ex -> {
            if (seen.incrementAndGet() == stallAt) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answer(ex);
        });
        server.createContext("/v1/events", ex -> {
            events.incrementAndGet();
            answer(ex);
        });
        server.setExecutor(Executors.newSingleThreadExecutor()); // one request at a time
        server.start();
        return server;
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex) throws java.io.IOException {
        ex.getRequestBody().readAllBytes();
        byte[] ok = "{}".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, ok.length);
        ex.getResponseBody().write(ok);
        ex.close();
    }
}
