package dev.sim4j.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.serve.scoring.CandidateScorer;
import dev.sim4j.serve.scoring.Vocabularies;
import dev.sim4j.serve.store.BehaviourEvent;
import dev.sim4j.serve.store.BehaviourStore;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A served append that was answered 200 survives SIGKILL of the server: a child JVM runs the service, this test
 * appends events one request at a time and kills the child with -9 after 100 answers, then reopens the store and
 * finds every answered event.
 */
class ServerKillTest {
    /** The child: a service on a free port over the store in args[0], with the vocabulary in args[1]. */
    public static void main(String[] args) throws Exception {
        CpuBackend cpu = new CpuBackend(1);
        CandidateScorer scorer = new CandidateScorer(Models.create(ModelConfig.defaults(ModelType.DIN, 1, 2, 1), cpu,
                1), Vocabularies.read(Path.of(args[1])));
        BehaviourStore store = BehaviourStore.open(Path.of(args[0]));
        ScoringService s = ScoringService.start(ServiceConfig.defaults("127.0.0.1", 0), store, scorer);
        System.out.println("port " + s.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    @Test
    void everyAnsweredAppendSurvivesKillMinusNine(@TempDir Path tmp) throws Exception {
        Path vocab = Files.createDirectories(tmp.resolve("vocab"));
        Files.writeString(vocab.resolve("users.tsv"), "uid\treviewerID\n1\tU\n");
        Files.writeString(vocab.resolve("items.tsv"), "item\tasin\tcategory\n1\tI1\t1\n2\tI2\t1\n");
        Files.writeString(vocab.resolve("categories.tsv"), "category\tname\n1\tC\n");
        Path store = tmp.resolve("store");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "--add-modules",
                "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), ServerKillTest.class.getName(),
                store.toString(), vocab.toString()).redirectErrorStream(true).start();
        int port = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("port ")) {
                    port = Integer.parseInt(line.substring(5).trim());
                    break;
                }
            }
        }
        assertThat(port).as("the child service started").isPositive();
        HttpClient http = HttpClient.newHttpClient();
        int answered = 0;
        for (int i = 0; i < 100; i++) {
            String body = "{\"user\":\"U\",\"events\":[{\"item\":\"I" + (1 + i % 2) + "\",\"category\":\"C\","
                    + "\"time\":" + (1000 + i) + "}]}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/events")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            answered++;
        }
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        try (BehaviourStore reopened = BehaviourStore.open(store)) {
            List<BehaviourEvent> h = reopened.history("U", Integer.MAX_VALUE);
            assertThat(h).hasSize(answered);
            for (int i = 0; i < answered; i++) {
                assertThat(h.get(answered - 1 - i).time()).isEqualTo(1000 + i);
            }
        }
    }
}
