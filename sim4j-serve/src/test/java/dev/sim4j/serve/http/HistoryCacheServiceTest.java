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
import dev.sim4j.serve.store.BehaviourEvent;
import dev.sim4j.serve.store.BehaviourStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service with its history cache answers exactly what the service without one answers, over one store, before
 * and after appends through the API (hard search: windows cut from memory against the store's category index); and
 * its metrics show the repeated requests answered from memory.
 */
class HistoryCacheServiceTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> post(ScoringService s, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String get(ScoringService s, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void scoresAsWithoutTheCacheAndSeesEveryAppend(@TempDir Path tmp) throws Exception {
        Path vocab = Files.createDirectories(tmp.resolve("vocab"));
        StringBuilder items = new StringBuilder("item\tasin\tcategory\n");
        for (int i = 1; i <= 60; i++) {
            items.append(i).append("\tI").append(i).append('\t').append(1 + i % 4).append('\n');
        }
        Files.writeString(vocab.resolve("items.tsv"), items);
        Files.writeString(vocab.resolve("users.tsv"), "uid\treviewerID\n1\tU1\n");
        Files.writeString(vocab.resolve("categories.tsv"), "category\tname\n1\tC1\n2\tC2\n3\tC3\n4\tC4\n");
        try (CpuBackend cpu = new CpuBackend(1); BehaviourStore store = BehaviourStore.open(tmp.resolve("store"))) {
            CandidateScorer scorer = new CandidateScorer(Models.create(ModelConfig.defaults(ModelType.SIM, 1, 60, 4),
                    cpu, 8), Vocabularies.read(vocab));
            List<BehaviourEvent> history = new ArrayList<>();
            for (int k = 0; k < 400; k++) {
                history.add(new BehaviourEvent("I" + (1 + (k * 7) % 60), "C" + (1 + k % 4), k));
            }
            store.append("U1", history);
            ServiceConfig base = ServiceConfig.defaults("127.0.0.1", 0);
            try (ScoringService cached = ScoringService.start(base, store, scorer);
                 ScoringService uncached = ScoringService.start(base.withHistoryCacheEvents(0), store, scorer)) {
                StringBuilder cands = new StringBuilder();
                for (int i = 1; i <= 30; i++) {
                    cands.append(i == 1 ? "" : ",").append("{\"item\":\"I").append(i * 2).append("\",\"category\":\"C")
                            .append(1 + i % 4).append("\"}");
                }
                for (String search : List.of("soft", "recent", "hard")) {
                    String req = "{\"user\":\"U1\",\"search\":\"" + search + "\",\"candidates\":[" + cands + "]}";
                    for (int round = 0; round < 3; round++) {
                        String want = post(uncached, "/v1/score", req).body();
                        assertThat(post(cached, "/v1/score", req).body()).as(search + " round " + round)
                                .isEqualTo(want);
                        // Appended through the service the cache sits in, newest: the next request reads it.
                        HttpResponse<String> ev = post(cached, "/v1/events", "{\"user\":\"U1\",\"events\":[{\"item\":"
                                + "\"I" + (5 + round) + "\",\"category\":\"C2\",\"time\":" + (10_000 + round) + "}]}");
                        assertThat(ev.statusCode()).as(ev.body()).isEqualTo(200);
                        JsonNode after = JSON.readTree(post(cached, "/v1/score", req).body());
                        assertThat(after.toString()).isEqualTo(post(uncached, "/v1/score", req).body());
                        if (!search.equals("hard")) { // hard: the events of its windows
                            assertThat(after.get("history_events").asInt()).isEqualTo(store.eventCount("U1"));
                        }
                    }
                }
                assertThat(post(cached, "/v1/score", "{\"user\":\"U1\",\"candidates\":[" + cands + "]}").statusCode())
                        .isEqualTo(200);
                String metrics = get(cached, "/metrics");
                // Misses: the first request and each request after an append (9); hits: every other request (the
                // first of each round but the very first, and the last one).
                assertThat(metric(metrics, "sim4j_history_cache_misses_total")).isEqualTo(10.0);
                assertThat(metric(metrics, "sim4j_history_cache_hits_total")).isEqualTo(9.0);
                assertThat(metric(metrics, "sim4j_history_cache_events")).isEqualTo(store.eventCount("U1") + 1.0);
                assertThat(metric(get(uncached, "/metrics"), "sim4j_history_cache_hits_total")).isZero();
            }
        }
    }

    private static double metric(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(name.length() + 1).trim())).findFirst().orElseThrow(() -> new AssertionError(name
                + " not in /metrics"));
    }
}
