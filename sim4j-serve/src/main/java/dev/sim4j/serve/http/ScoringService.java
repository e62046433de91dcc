package dev.sim4j.serve.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.serve.scoring.CachedHistory;
import dev.sim4j.serve.scoring.CandidateScorer;
import dev.sim4j.serve.scoring.EncodedHistory;
import dev.sim4j.serve.scoring.HistoryCache;
import dev.sim4j.serve.store.BehaviourEvent;
import dev.sim4j.serve.store.BehaviourStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/JSON scoring service (ADR 0010): appends behaviour events to the store and scores a user's candidates
 * with the model over the user's lifelong history. Every refusal is a 4xx with a one-line JSON reason; metrics in
 * Prometheus text at {@code /metrics}; the API described at {@code /openapi.json}.
 */
public final class ScoringService implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceConfig config;
    private final BehaviourStore store;
    private final CandidateScorer scorer;
    private final HistoryCache histories;
    private final ScoreBatcher batcher;
    private final DistributionSummary batchRows;
    private final java.util.concurrent.Semaphore admitted;
    private final byte[] token;
    private final io.micrometer.core.instrument.Counter rejected;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DistributionSummary candidates;
    private final DistributionSummary historyEvents;
    private final Javalin app;
    private final String openApi;

    private ScoringService(ServiceConfig config, BehaviourStore store, List<CandidateScorer> lanes) {
        this.config = config;
        this.store = store;
        // Requests are prepared (history search, ids) on their own threads with the first lane's scorer, which only
        // reads its model; the model passes run in the lanes.
        this.scorer = lanes.getFirst();
        this.histories = new HistoryCache(store, scorer, config.historyEvents(), config.historyCacheEvents());
        io.micrometer.core.instrument.FunctionCounter.builder("sim4j_history_cache_hits", histories,
                HistoryCache::hits).description("score requests whose history came from memory").register(metrics);
        io.micrometer.core.instrument.FunctionCounter.builder("sim4j_history_cache_misses", histories,
                HistoryCache::misses).description("score requests that read the history from the store")
                .register(metrics);
        io.micrometer.core.instrument.Gauge.builder("sim4j_history_cache_events", histories, HistoryCache::weight)
                .description("history events held in memory").register(metrics);
        this.candidates = DistributionSummary.builder("sim4j_score_candidates").description("candidates per score "
                + "request").publishPercentileHistogram().minimumExpectedValue(1.0)
                .maximumExpectedValue((double) config.maxCandidates()).register(metrics);
        this.historyEvents = DistributionSummary.builder("sim4j_score_history_events").description("history events "
                + "a score request read").publishPercentileHistogram().minimumExpectedValue(1.0)
                .maximumExpectedValue((double) config.historyEvents()).register(metrics);
        this.openApi = resource("openapi.json");
        this.batchRows = DistributionSummary.builder("sim4j_score_batch_rows").description("candidate rows per "
                + "model pass (requests batched together)").publishPercentileHistogram().minimumExpectedValue(1.0)
                .maximumExpectedValue(2048.0).register(metrics);
        this.batcher = new ScoreBatcher(lanes, 512, 1_000_000L, config.maxInFlight(), batchRows::record);
        io.micrometer.core.instrument.Gauge.builder("sim4j_score_queue_depth", this, s -> s.batcher.queued())
                .description("score requests waiting for the model").register(metrics);
        io.micrometer.core.instrument.Gauge.builder("sim4j_store_bytes", store, BehaviourStore::approximateBytes)
                .description("table files and memtables of the behaviour store").baseUnit("bytes").register(metrics);
        io.micrometer.core.instrument.Gauge.builder("sim4j_store_users", store, BehaviourStore::approximateUsers)
                .description("users in the behaviour store (RocksDB's estimate)").register(metrics);
        this.admitted = new java.util.concurrent.Semaphore(config.maxInFlight());
        this.token = config.authToken() == null ? null
                : ("Bearer " + config.authToken()).getBytes(StandardCharsets.UTF_8);
        this.rejected = io.micrometer.core.instrument.Counter.builder("sim4j_http_rejected")
                .description("requests refused with 503: too many in flight").register(metrics);
        io.micrometer.core.instrument.Gauge.builder("sim4j_http_in_flight", this,
                s -> config.maxInFlight() - s.admitted.availablePermits())
                .description("score and event requests being served").register(metrics);
        this.app = Javalin.create(c -> {
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            c.http.maxRequestSize = config.maxBodyBytes();
            c.http.prefer405over404 = true;
            c.startup.showJavalinBanner = false;
            c.routes.get("/healthz", timed("/healthz", ctx -> json(ctx, 200, Map.of("status", "ok"))));
            c.routes.get("/readyz", timed("/readyz", ctx -> json(ctx, 200, Map.of("ready", true))));
            c.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
            c.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
            c.routes.post("/v1/events", timed("/v1/events", admit(this::events)));
            c.routes.post("/v1/score", timed("/v1/score", admit(this::score)));
            c.routes.exception(BadRequest.class, (e, ctx) -> json(ctx, e.status(), Map.of("error", e.getMessage())));
            c.routes.exception(Exception.class, (e, ctx) -> json(ctx, 500, Map.of("error", "internal error: " + e)));
            c.routes.error(404, "*/*", ctx -> json(ctx, 404, Map.of("error", "no such route: " + ctx.method() + " "
                    + ctx.path())));
            c.routes.error(405, "*/*", ctx -> json(ctx, 405, Map.of("error", "method " + ctx.method()
                    + " not allowed on " + ctx.path())));
            c.routes.error(413, "*/*", ctx -> json(ctx, 413, Map.of("error", "the request body is larger than "
                    + config.maxBodyBytes() + " bytes")));
        });
    }

    /** Starts a service on {@code config}'s address; close it to stop. */
    public static ScoringService start(ServiceConfig config, BehaviourStore store, CandidateScorer scorer) {
        return start(config, store, List.of(scorer));
    }

    /**
     * Starts the service with one scoring lane per scorer (each with a model of its own, usually on a one-thread
     * backend: see {@link ScoreBatcher}); the scorers must hold the same model and vocabularies.
     */
    public static ScoringService start(ServiceConfig config, BehaviourStore store, List<CandidateScorer> lanes) {
        return start(config, store, lanes, 0);
    }

    /**
     * As {@link #start(ServiceConfig, BehaviourStore, List)}, after {@code warmUp} synthetic score requests through
     * the lanes ({@link ServingWarmUp}; 0: none): it listens (and {@code /healthz} and {@code /readyz} answer) only
     * once they are done, so that its first real requests meet compiled code.
     */
    public static ScoringService start(ServiceConfig config, BehaviourStore store, List<CandidateScorer> lanes,
                                       int warmUp) {
        ScoringService s = new ScoringService(config, store, lanes);
        try {
            new ServingWarmUp(s.scorer, s.batcher).run(warmUp);
        } catch (RuntimeException e) {
            s.batcher.close();
            s.metrics.close();
            throw e;
        }
        s.app.start();
        return s;
    }

    /** The port it listens on (the one chosen when the config asked for 0). */
    public int port() {
        return app.port();
    }

    private Handler timed(String route, Handler h) {
        return ctx -> {
            long t0 = System.nanoTime();
            try {
                h.handle(ctx);
            } catch (BadRequest e) { // answered here, so the status is known when the request is counted
                json(ctx, e.status(), Map.of("error", e.getMessage()));
            } finally {
                Timer.builder("sim4j_http_requests").description("requests by route and status")
                        .tag("route", route).tag("status", Integer.toString(ctx.statusCode()))
                        .publishPercentileHistogram().minimumExpectedValue(java.time.Duration.ofMillis(1))
                        .maximumExpectedValue(java.time.Duration.ofSeconds(10)).register(metrics)
                        .record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            }
        };
    }

    /** At most maxInFlight requests at once; past that a fast 503, so queues and memory stay bounded. */
    private Handler admit(Handler h) {
        return ctx -> {
            if (!admitted.tryAcquire()) {
                rejected.increment();
                // Read the (size-limited) body first: answering before it is consumed makes Jetty drop the
                // connection, and a client still sending sees a reset instead of the 503.
                ctx.bodyAsBytes();
                ctx.header("Retry-After", "1");
                throw new BadRequest(503, "overloaded: " + config.maxInFlight() + " requests in flight; retry");
            }
            try {
                h.handle(ctx);
            } finally {
                admitted.release();
            }
        };
    }

    private void events(Context ctx) {
        if (token != null) {
            String given = ctx.header("Authorization");
            // Constant time: the comparison's duration tells nothing about how much of the token matched.
            if (given == null || !java.security.MessageDigest.isEqual(token,
                    given.getBytes(StandardCharsets.UTF_8))) {
                ctx.header("WWW-Authenticate", "Bearer");
                throw new BadRequest(401, "writes need 'Authorization: Bearer <token>' with the service's token");
            }
        }
        Requests.Events r = Requests.events(ctx.body(), config.maxEvents());
        store.append(r.user(), r.events()); // durable when it returns
        json(ctx, 200, Map.of("user", r.user(), "appended", r.events().size(), "events",
                store.eventCount(r.user())));
    }

    private void score(Context ctx) {
        Requests.Score r = Requests.score(ctx.body(), config.maxCandidates());
        if (r.explain() && !scorer.explains()) {
            throw new BadRequest("'explain': only SIM selects history events; this service runs another model");
        }
        int topK = r.topK() == null ? scorer.longLength() : r.topK();
        if (topK > scorer.longLength()) {
            throw new BadRequest("'top_k' must be at most " + scorer.longLength() + ", the long part of the model's "
                    + "history");
        }
        // The search runs here, on the request's thread; the model pass with whatever else is waiting.
        CandidateScorer.Prepared prepared;
        int read;
        CachedHistory cached = r.search() == dev.sim4j.serve.scoring.Search.HARD && histories.enabled()
                ? histories.cached(r.user()) : null;
        if (cached != null && cached.complete()) {
            // From memory: the windows the category index would give, one per distinct category.
            Map<String, EncodedHistory> windows = new java.util.HashMap<>();
            List<EncodedHistory> perCandidate = new ArrayList<>(r.candidates().size());
            for (dev.sim4j.serve.scoring.Candidate c : r.candidates()) {
                perCandidate.add(windows.computeIfAbsent(c.category(), cat -> cached.hardWindow(cat,
                        scorer.shortLength(), topK)));
            }
            prepared = scorer.prepareEachEncoded(r.user(), perCandidate, r.candidates());
            read = windows.values().stream().mapToInt(EncodedHistory::size).sum();
        } else if (r.search() == dev.sim4j.serve.scoring.Search.HARD) {
            // Through the category index: the recent events, then one category's branch per distinct category.
            Map<String, List<BehaviourEvent>> windows = new java.util.HashMap<>();
            List<List<BehaviourEvent>> perCandidate = new ArrayList<>(r.candidates().size());
            for (dev.sim4j.serve.scoring.Candidate c : r.candidates()) {
                perCandidate.add(windows.computeIfAbsent(c.category(), cat -> store.hardWindow(r.user(), cat,
                        scorer.shortLength(), topK)));
            }
            prepared = scorer.prepareEach(r.user(), perCandidate, r.candidates());
            read = windows.values().stream().mapToInt(List::size).sum();
        } else {
            EncodedHistory history = histories.history(r.user());
            prepared = scorer.prepare(r.user(), history, r.candidates(), r.search(), topK);
            read = history.size();
        }
        if (r.explain()) {
            prepared = prepared.explained();
        }
        CandidateScorer.Scores s;
        try {
            s = batcher.submit(prepared).orElseThrow(() -> new BadRequest(503, "overloaded: the scoring queue is "
                    + "full; retry")).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scoring", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("scoring failed: " + e, e);
        }
        candidates.record(r.candidates().size());
        historyEvents.record(read);
        ctx.status(200).contentType("application/json").result(ScoreAnswer.write(r.user(),
                r.search().name().toLowerCase(java.util.Locale.ROOT), read, r.candidates(), s));
    }

    private static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = ScoringService.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        app.stop();
        batcher.close();
        metrics.close();
    }
}
