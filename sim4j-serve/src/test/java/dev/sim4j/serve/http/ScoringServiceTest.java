package dev.sim4j.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.serve.scoring.CandidateScorer;
import dev.sim4j.serve.scoring.Vocabularies;
import dev.sim4j.serve.store.BehaviourStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API end to end on a loopback port: events, scores, health, metrics, OpenAPI, and every refusal a 4xx. */
class ScoringServiceTest {
    @TempDir
    static Path tmp;
    static CpuBackend cpu;
    static BehaviourStore store;
    static ScoringService service;
    static CandidateScorer scorerForOthers;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Path vocab = Files.createDirectories(tmp.resolve("vocab"));
        StringBuilder items = new StringBuilder("item\tasin\tcategory\n");
        for (int i = 1; i <= 50; i++) {
            items.append(i).append("\tI").append(i).append('\t').append(1 + i % 4).append('\n');
        }
        Files.writeString(vocab.resolve("items.tsv"), items);
        Files.writeString(vocab.resolve("users.tsv"), "uid\treviewerID\n1\tU1\n2\tU2\n");
        Files.writeString(vocab.resolve("categories.tsv"), "category\tname\n1\tC1\n2\tC2\n3\tC3\n4\tC4\n");
        cpu = new CpuBackend(1);
        CandidateScorer scorer = new CandidateScorer(Models.create(ModelConfig.defaults(ModelType.SIM, 2, 50, 4), cpu,
                3), Vocabularies.read(vocab));
        store = BehaviourStore.open(tmp.resolve("store"));
        service = ScoringService.start(new ServiceConfig("127.0.0.1", 0, 1000, 1000, 64 * 1024, 10_000, 64, null),
                store, scorer);
        scorerForOthers = scorer;
    }

    @AfterAll
    static void stop() {
        service.close();
        store.close();
        cpu.close();
    }

    static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eventsThenScoresInTheCandidatesOrder() throws Exception {
        HttpResponse<String> ev = send("POST", "/v1/events", "{\"user\":\"U1\",\"events\":[{\"item\":\"I3\","
                + "\"category\":\"C4\",\"time\":100},{\"item\":\"I7\",\"category\":\"C4\",\"time\":200}]}");
        assertThat(ev.statusCode()).as(ev.body()).isEqualTo(200);
        assertThat(JSON.readTree(ev.body()).get("appended").asInt()).isEqualTo(2);
        assertThat(store.eventCount("U1")).isEqualTo(2);
        String req = "{\"user\":\"U1\",\"candidates\":[{\"item\":\"I5\",\"category\":\"C2\"},"
                + "{\"item\":\"unknown\",\"category\":\"C9\"},{\"item\":\"I9\",\"category\":\"C2\"}]}";
        HttpResponse<String> sc = send("POST", "/v1/score", req);
        assertThat(sc.statusCode()).as(sc.body()).isEqualTo(200);
        JsonNode j = JSON.readTree(sc.body());
        assertThat(j.get("search").asText()).isEqualTo("soft");
        assertThat(j.get("history_events").asInt()).isEqualTo(2);
        assertThat(j.get("scores")).hasSize(3);
        assertThat(j.get("scores").get(0).get("item").asText()).isEqualTo("I5");
        assertThat(j.get("scores").get(1).get("item").asText()).isEqualTo("unknown");
        double p = j.get("scores").get(2).get("score").asDouble();
        assertThat(p).isBetween(0.0, 1.0);
        HttpResponse<String> hard = send("POST", "/v1/score", req.replace("}]}", "}],\"search\":\"hard\"}"));
        assertThat(JSON.readTree(hard.body()).get("search").asText()).isEqualTo("hard");
        // Hard search through the category index scores as the scorer's hard search over the whole history.
        java.util.List<dev.sim4j.serve.store.BehaviourEvent> many = new java.util.ArrayList<>();
        for (int k = 0; k < 300; k++) {
            many.add(new dev.sim4j.serve.store.BehaviourEvent("I" + (1 + k % 50), "C" + (1 + (k * 7) % 4), 1000 + k));
        }
        store.append("U2", many);
        String hardReq = "{\"user\":\"U2\",\"search\":\"hard\",\"candidates\":[{\"item\":\"I5\",\"category\":\"C2\"},"
                + "{\"item\":\"I6\",\"category\":\"C3\"},{\"item\":\"I8\",\"category\":\"C2\"}]}";
        JsonNode viaIndex = JSON.readTree(send("POST", "/v1/score", hardReq).body());
        float[] direct = scorerForOthers.score("U2", store.history("U2", 100_000), java.util.List.of(
                new dev.sim4j.serve.scoring.Candidate("I5", "C2"), new dev.sim4j.serve.scoring.Candidate("I6", "C3"),
                new dev.sim4j.serve.scoring.Candidate("I8", "C2")), dev.sim4j.serve.scoring.Search.HARD).logits();
        for (int i = 0; i < 3; i++) {
            assertThat((float) viaIndex.get("scores").get(i).get("logit").asDouble()).as("candidate " + i)
                    .isEqualTo(direct[i]);
        }
        // explain: the events SIM's search selected, largest GSU weight first, all from U2's history.
        JsonNode explained = JSON.readTree(send("POST", "/v1/score", hardReq.replace("\"search\":\"hard\"",
                "\"search\":\"soft\",\"explain\":true")).body());
        JsonNode why = explained.get("scores").get(0).get("explain");
        assertThat(why.size()).isBetween(1, 50);
        double last = Double.MAX_VALUE;
        java.util.Set<String> items = new java.util.HashSet<>();
        many.forEach(event -> items.add(event.item()));
        for (JsonNode w : why) {
            assertThat(w.get("weight").asDouble()).isPositive().isLessThanOrEqualTo(last);
            last = w.get("weight").asDouble();
            assertThat(items).contains(w.get("item").asText());
            assertThat(w.get("position").asInt()).isBetween(0, 89);
        }
        assertThat(viaIndex.get("scores").get(0).has("explain")).as("only when asked").isFalse();
        HttpResponse<String> stranger = send("POST", "/v1/score",
                "{\"user\":\"nobody\",\"candidates\":[{\"item\":\"I1\",\"category\":\"C1\"}]}");
        assertThat(stranger.statusCode()).as("a cold-start user").isEqualTo(200);
    }

    /**
     * {@code top_k}: every search fills the long part with at most that many events, and the service scores what the
     * scorer gives for the same top k (hard search through the category index included).
     */
    @Test
    void topKLimitsWhatEverySearchPicks() throws Exception {
        java.util.List<dev.sim4j.serve.store.BehaviourEvent> many = new java.util.ArrayList<>();
        for (int k = 0; k < 400; k++) {
            many.add(new dev.sim4j.serve.store.BehaviourEvent("I" + (1 + (k * 13) % 50), "C" + (1 + (k * 5) % 4),
                    5000 + k));
        }
        store.append("U3", many);
        java.util.List<dev.sim4j.serve.scoring.Candidate> cands = java.util.List.of(
                new dev.sim4j.serve.scoring.Candidate("I5", "C2"), new dev.sim4j.serve.scoring.Candidate("I6", "C3"));
        for (dev.sim4j.serve.scoring.Search search : dev.sim4j.serve.scoring.Search.values()) {
            String name = search.name().toLowerCase(java.util.Locale.ROOT);
            JsonNode j = JSON.readTree(send("POST", "/v1/score", "{\"user\":\"U3\",\"search\":\"" + name + "\","
                    + "\"top_k\":7,\"candidates\":[{\"item\":\"I5\",\"category\":\"C2\"},{\"item\":\"I6\","
                    + "\"category\":\"C3\"}]}").body());
            var history = store.history("U3", 100_000);
            dev.sim4j.serve.scoring.CandidateScorer.Prepared seven = scorerForOthers.prepare("U3", history, cands,
                    search, 7);
            dev.sim4j.serve.scoring.CandidateScorer.Prepared all = scorerForOthers.prepare("U3", history, cands,
                    search);
            int l = scorerForOthers.historyLength();
            for (int r = 0; r < cands.size(); r++) {
                int filled = 0;
                for (int p = 0; p < scorerForOthers.longLength(); p++) {
                    filled += seven.histItems()[r * l + p] != 0 ? 1 : 0;
                }
                assertThat(filled).as(name + " candidate " + r + ": long part filled").isEqualTo(7);
                java.util.Set<Integer> pickedAll = new java.util.HashSet<>();
                for (int p = 0; p < scorerForOthers.longLength(); p++) {
                    pickedAll.add(all.histItems()[r * l + p]);
                }
                for (int p = scorerForOthers.longLength() - 7; p < scorerForOthers.longLength(); p++) {
                    assertThat(pickedAll).as(name + ": the top 7 are among the top 90").contains(
                            seven.histItems()[r * l + p]);
                }
            }
            float[] direct = scorerForOthers.scoreAll(java.util.List.of(seven)).getFirst().logits();
            for (int i = 0; i < cands.size(); i++) {
                assertThat((float) j.get("scores").get(i).get("logit").asDouble()).as(name + " candidate " + i)
                        .isEqualTo(direct[i]);
            }
        }
    }

    @Test
    void healthMetricsAndTheApiDescription() throws Exception {
        assertThat(send("GET", "/healthz", null).body()).contains("ok");
        assertThat(send("GET", "/readyz", null).statusCode()).isEqualTo(200);
        send("POST", "/v1/score", "{}");
        String metrics = send("GET", "/metrics", null).body();
        assertThat(metrics).contains("sim4j_http_requests_seconds_count{route=\"/v1/score\",status=\"400\"}",
                "sim4j_store_bytes", "sim4j_store_users", "sim4j_score_queue_depth", "sim4j_http_in_flight");
        JsonNode api = JSON.readTree(send("GET", "/openapi.json", null).body());
        assertThat(api.get("paths").has("/v1/score")).isTrue();
        assertThat(api.get("paths").has("/v1/events")).isTrue();
    }

    @Test
    void badRequestsGetA4xxWithAOneLineReason() throws Exception {
        String[][] cases = {
            {"/v1/score", "not json", "not valid JSON"},
            {"/v1/score", "[1,2]", "must be a JSON object"},
            {"/v1/score", "{\"candidates\":[{\"item\":\"I1\",\"category\":\"C1\"}]}", "'user' is missing"},
            {"/v1/score", "{\"user\":5,\"candidates\":[{\"item\":\"I1\",\"category\":\"C1\"}]}", "must be a string"},
            {"/v1/score", "{\"user\":\"U1\",\"candidates\":[]}", "'candidates' is empty"},
            {"/v1/score", "{\"user\":\"U1\",\"candidates\":[{\"item\":\"I1\"}]}", "candidates[0]: 'category' is missing"},
            {"/v1/score", "{\"user\":\"U1\",\"candidates\":[{\"item\":\"I1\",\"category\":\"C1\"}],\"search\":\"x\"}",
                "'search' must be one of"},
            {"/v1/score", "{\"user\":\"U1\",\"candidates\":[{\"item\":\"I1\",\"category\":\"C1\"}],\"k\":1}",
                "unknown field 'k'"},
            {"/v1/score", "{\"user\":\"U1\",\"candidates\":[{\"item\":\"I1\",\"category\":\"C1\"}],"
                + "\"explain\":\"yes\"}", "'explain' must be true or false"},
            {"/v1/score", "{\"user\":\"U1\",\"candidates\":[{\"item\":\"I1\",\"category\":\"C1\"}],\"top_k\":0}",
                "'top_k' must be a positive integer"},
            {"/v1/score", "{\"user\":\"U1\",\"candidates\":[{\"item\":\"I1\",\"category\":\"C1\"}],\"top_k\":2.5}",
                "'top_k' must be a positive integer"},
            {"/v1/score", "{\"user\":\"U1\",\"candidates\":[{\"item\":\"I1\",\"category\":\"C1\"}],\"top_k\":\"9\"}",
                "'top_k' must be a positive integer"},
            {"/v1/score", "{\"user\":\"U1\",\"candidates\":[{\"item\":\"I1\",\"category\":\"C1\"}],\"top_k\":91}",
                "'top_k' must be at most 90"},
            {"/v1/events", "{\"user\":\"U1\",\"events\":[{\"item\":\"I1\",\"category\":\"C1\",\"time\":-4}]}",
                "outside 0.."},
            {"/v1/events", "{\"user\":\"U1\",\"events\":[{\"item\":\"I1\",\"category\":\"C1\",\"time\":1.5}]}",
                "must be an integer"},
            {"/v1/events", "{\"user\":\"U\\u0000\",\"events\":[{\"item\":\"I1\",\"category\":\"C1\",\"time\":1}]}",
                "NUL"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = send("POST", c[0], c[1]);
            assertThat(r.statusCode()).as(c[1]).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).get("error").asText()).as(c[1]).contains(c[2]).doesNotContain("\n");
        }
        StringBuilder many = new StringBuilder("{\"user\":\"U1\",\"candidates\":[");
        for (int i = 0; i < 1001; i++) {
            many.append(i > 0 ? "," : "").append("{\"item\":\"I1\",\"category\":\"C1\"}");
        }
        HttpResponse<String> tooMany = send("POST", "/v1/score", many + "]}");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("1001 entries");
        HttpResponse<String> big = send("POST", "/v1/score", "{\"user\":\"" + "x".repeat(70_000) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(send("GET", "/nowhere", null).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/v1/score", null).statusCode()).isEqualTo(405);
        assertThat(send("DELETE", "/v1/events", null).statusCode()).isEqualTo(405);
    }

    @Test
    void thousandsOfRandomAndMutatedBodiesNeverGetA5xx() throws Exception {
        Random rnd = new Random(99);
        String[] seeds = {
            "{\"user\":\"U1\",\"candidates\":[{\"item\":\"I1\",\"category\":\"C1\"}],\"search\":\"hard\"}",
            "{\"user\":\"U2\",\"events\":[{\"item\":\"I2\",\"category\":\"C2\",\"time\":5}]}",
        };
        String alphabet = "{}[]\":,0123456789-.eE \\u\u0000abcnulltrue";
        for (int i = 0; i < 2000; i++) {
            String body;
            if (i % 3 == 0) {
                StringBuilder b = new StringBuilder();
                for (int k = rnd.nextInt(60); k > 0; k--) {
                    b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
                body = b.toString();
            } else {
                StringBuilder b = new StringBuilder(seeds[i % 2]);
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) {
                    int at = rnd.nextInt(b.length());
                    switch (rnd.nextInt(3)) {
                        case 0 -> b.deleteCharAt(at);
                        case 1 -> b.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                        default -> b.setCharAt(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
                    }
                }
                body = b.toString();
            }
            String path = i % 2 == 0 ? "/v1/score" : "/v1/events";
            HttpResponse<String> r = send("POST", path, body);
            assertThat(r.statusCode()).as(path + " " + body + " -> " + r.body()).isLessThan(500);
        }
    }

    static HttpResponse<String> sendTo(ScoringService to, String path, String body, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void writesNeedTheTokenWhenOneIsSet() throws Exception {
        try (BehaviourStore other = BehaviourStore.open(tmp.resolve("store-auth"));
             ScoringService s = ScoringService.start(ServiceConfig.defaults("127.0.0.1", 0).withAuthToken("s3cret"),
                     other, scorerForOthers)) {
            String events = "{\"user\":\"U1\",\"events\":[{\"item\":\"I1\",\"category\":\"C1\",\"time\":1}]}";
            assertThat(sendTo(s, "/v1/events", events, null).statusCode()).isEqualTo(401);
            assertThat(sendTo(s, "/v1/events", events, "Bearer s3cre").statusCode()).isEqualTo(401);
            assertThat(sendTo(s, "/v1/events", events, "Bearer s3cret!").statusCode()).isEqualTo(401);
            assertThat(other.eventCount("U1")).isZero();
            assertThat(sendTo(s, "/v1/events", events, "Bearer s3cret").statusCode()).isEqualTo(200);
            assertThat(other.eventCount("U1")).isEqualTo(1);
            assertThat(sendTo(s, "/v1/score", "{\"user\":\"U1\",\"candidates\":[{\"item\":\"I1\","
                    + "\"category\":\"C1\"}]}", null).statusCode()).as("reads need no token").isEqualTo(200);
        }
    }

    @Test
    void aBurstPastCapacityGetsFast503sAndTheServiceStaysUp() throws Exception {
        StringBuilder req = new StringBuilder("{\"user\":\"U1\",\"candidates\":[");
        for (int i = 0; i < 1000; i++) {
            req.append(i > 0 ? "," : "").append("{\"item\":\"I").append(1 + i % 50).append("\",\"category\":\"C1\"}");
        }
        String body = req + "]}";
        try (BehaviourStore other = BehaviourStore.open(tmp.resolve("store-burst"));
             ScoringService s = ScoringService.start(ServiceConfig.defaults("127.0.0.1", 0).withMaxInFlight(2),
                     other, scorerForOthers)) {
            java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                all.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/v1/score"))
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            int busy = 0;
            for (var f : all) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 200) {
                    ok++;
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                    assertThat(r.headers().firstValue("Retry-After")).contains("1");
                    assertThat(r.body()).contains("overloaded");
                    busy++;
                }
            }
            System.out.printf("[sim4j] burst of 200 with 2 admitted at once: %d scored, %d refused with 503%n", ok,
                    busy);
            assertThat(ok).isPositive();
            assertThat(busy).isPositive();
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/healthz"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        }
    }
}
