package dev.sim4j.serve.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Recorder;

/**
 * An open-loop load generator for the scoring service: request i is due at start + i / rate and sent then, whether
 * or not earlier ones were answered, and its latency counts from when it was due (HdrHistogram), so a slow or
 * stalled server cannot hide latency by slowing the sender down (coordinated omission).
 */
public final class LoadGenerator {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LoadPlan plan;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();

    public LoadGenerator(LoadPlan plan) {
        this.plan = plan;
    }

    private String user(int k) {
        return "loadtest-user-" + k;
    }

    /** Gives each of the plan's users {@code history} events (in appends of 1,000), before timing. */
    public void createUsers() throws IOException, InterruptedException {
        if (plan.history() <= 0) {
            return;
        }
        SplittableRandom rnd = new SplittableRandom(plan.seed());
        for (int u = 0; u < plan.users(); u++) {
            for (int from = 0; from < plan.history(); from += 1000) {
                ObjectNode body = JSON.createObjectNode().put("user", user(u));
                ArrayNode events = body.putArray("events");
                for (int k = from; k < Math.min(plan.history(), from + 1000); k++) {
                    int i = rnd.nextInt(plan.items().length);
                    events.addObject().put("item", plan.items()[i]).put("category", plan.categories()[i])
                            .put("time", 1_600_000_000L + k);
                }
                HttpRequest.Builder b = HttpRequest.newBuilder(plan.url().resolve("/v1/events"))
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .header("Content-Type", "application/json");
                if (plan.authToken() != null) {
                    b.header("Authorization", "Bearer " + plan.authToken());
                }
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IOException(plan.url() + "/v1/events answered " + r.statusCode() + ": " + r.body());
                }
            }
        }
    }

    /** Sends the plan's score requests on schedule and measures their answers. */
    public LoadResult run() throws IOException, InterruptedException {
        SplittableRandom rnd = new SplittableRandom(plan.seed() + 1);
        long total = Math.max(1, Math.round(plan.rate() * plan.seconds()));
        long warm = Math.round(plan.rate() * plan.warmupSeconds());
        // Bodies made before timing, so the sender's own work does not delay the schedule.
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < Math.min(total, 512); i++) {
            ObjectNode body = JSON.createObjectNode().put("user", user(rnd.nextInt(Math.max(1, plan.users()))))
                    .put("search", plan.search());
            ArrayNode cands = body.putArray("candidates");
            for (int c = 0; c < plan.candidates(); c++) {
                int k = rnd.nextInt(plan.items().length);
                cands.addObject().put("item", plan.items()[k]).put("category", plan.categories()[k]);
            }
            bodies.add(JSON.writeValueAsString(body));
        }
        Recorder latency = new Recorder(3);
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        HttpRequest.Builder base = HttpRequest.newBuilder(plan.url().resolve("/v1/score"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30));
        long first = System.nanoTime() + 20_000_000L;
        double interval = 1e9 / plan.rate();
        // The warm-up's requests run on the same schedule, so the timed ones find the service in its steady state.
        long start = first + Math.round(warm * interval);
        for (long i = -warm; i < total; i++) {
            long due = start + Math.round(i * interval);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            String body = bodies.get((int) Math.floorMod(i, (long) bodies.size()));
            HttpRequest req = base.copy().POST(HttpRequest.BodyPublishers.ofString(body)).build();
            boolean timed = i >= 0;
            pending.add(http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
                if (timed) {
                    latency.recordValue(Math.max(0, System.nanoTime() - due));
                    statuses.computeIfAbsent(e != null ? 0 : r.statusCode(), k -> new AtomicLong()).incrementAndGet();
                }
                return null;
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        var h = latency.getIntervalHistogram();
        Map<Integer, Long> counts = new TreeMap<>();
        statuses.forEach((k, v) -> counts.put(k, v.get()));
        long ok = counts.getOrDefault(200, 0L);
        return new LoadResult(total, ok, counts, seconds, ok / seconds, h.getValueAtPercentile(50) / 1e6,
                h.getValueAtPercentile(90) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6);
    }
}
