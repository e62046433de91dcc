package dev.sim4j.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A warmed-up service is ready when it starts, wrote nothing to its store, and answers exactly what a service without
 * the warm-up answers (the same requests, before and after appends, every search).
 */
class ServingWarmUpTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    private Vocabularies vocab() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("vocab"));
        StringBuilder items = new StringBuilder("item\tasin\tcategory\n");
        for (int i = 1; i <= 50; i++) {
            items.append(i).append("\tI").append(i).append('\t').append(1 + i % 4).append('\n');
        }
        Files.writeString(dir.resolve("items.tsv"), items);
        Files.writeString(dir.resolve("users.tsv"), "uid\treviewerID\n1\tU1\n2\tU2\n");
        Files.writeString(dir.resolve("categories.tsv"), "category\tname\n1\tC1\n2\tC2\n3\tC3\n4\tC4\n");
        return Vocabularies.read(dir);
    }

    private static HttpResponse<String> send(ScoringService s, String method, String path, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path));
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void warmedUpServiceIsReadyWroteNothingAndAnswersAsAColdOne() throws Exception {
        Vocabularies v = vocab();
        ServiceConfig config = new ServiceConfig("127.0.0.1", 0, 1000, 1000, 64 * 1024, 10_000, 64, null);
        try (CpuBackend cpuA = new CpuBackend(1); CpuBackend cpuB = new CpuBackend(1);
             BehaviourStore storeA = BehaviourStore.open(tmp.resolve("a"));
             BehaviourStore storeB = BehaviourStore.open(tmp.resolve("b"))) {
            ModelConfig mc = ModelConfig.defaults(ModelType.SIM, 2, 50, 4);
            CandidateScorer warmScorer = new CandidateScorer(Models.create(mc, cpuA, 3), v);
            CandidateScorer coldScorer = new CandidateScorer(Models.create(mc, cpuB, 3), v);
            ScoringService warm = ScoringService.start(config, storeA, List.of(warmScorer), 24);
            ScoringService cold = ScoringService.start(config, storeB, List.of(coldScorer), 0);
            try {
                assertThat(send(warm, "GET", "/readyz", null).statusCode()).isEqualTo(200);
                assertThat(storeA.stats().users()).isZero();
                assertThat(storeA.eventCount(ServingWarmUp.USER)).isZero();
                // 24 requests of 100 candidates went through the lanes (in batches of one or more).
                String metrics = send(warm, "GET", "/metrics", null).body();
                assertThat(metrics).contains("sim4j_score_batch_rows_sum 2400.0");
                List<String> requests = List.of(
                        "{\"user\":\"U1\",\"candidates\":[{\"item\":\"I5\",\"category\":\"C2\"},"
                                + "{\"item\":\"unknown\",\"category\":\"C9\"},{\"item\":\"I9\",\"category\":\"C1\"}]}",
                        "{\"user\":\"U1\",\"search\":\"hard\",\"candidates\":[{\"item\":\"I4\",\"category\":\"C4\"}]}",
                        "{\"user\":\"U2\",\"search\":\"recent\",\"explain\":true,"
                                + "\"candidates\":[{\"item\":\"I8\",\"category\":\"C3\"}]}",
                        "{\"user\":\"" + ServingWarmUp.USER + "\",\"candidates\":[{\"item\":\"I2\",\"category\":\"C2\"}]}");
                for (int round = 0; round < 3; round++) {
                    for (String r : requests) {
                        HttpResponse<String> a = send(warm, "POST", "/v1/score", r);
                        HttpResponse<String> b = send(cold, "POST", "/v1/score", r);
                        assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
                        assertThat(a.body()).as("round %d: %s", round, r).isEqualTo(b.body());
                    }
                    StringBuilder events = new StringBuilder("{\"user\":\"U1\",\"events\":[");
                    for (int e = 0; e < 120; e++) {
                        events.append(e == 0 ? "" : ",").append("{\"item\":\"I").append(1 + (e * 7 + round) % 50)
                                .append("\",\"category\":\"C").append(1 + e % 4).append("\",\"time\":")
                                .append(1000 * round + e).append('}');
                    }
                    String body = events.append("]}").toString();
                    assertThat(send(warm, "POST", "/v1/events", body).statusCode()).isEqualTo(200);
                    assertThat(send(cold, "POST", "/v1/events", body).statusCode()).isEqualTo(200);
                }
            } finally {
                warm.close();
                cold.close();
            }
        }
    }
}
