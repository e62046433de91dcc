package dev.sim4j.serve.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged append survives SIGKILL: a child JVM appends events one call at a time and prints each index after
 * its {@link BehaviourStore#append} returned; it is killed with -9 mid-stream, and every printed event is read back.
 */
class DurabilityTest {
    /** The child: appends event i for i = 0, 1, ... and prints i once append returned. */
    public static void main(String[] args) {
        try (BehaviourStore store = BehaviourStore.open(Path.of(args[0]))) {
            for (int i = 0; ; i++) {
                store.append("u", List.of(new BehaviourEvent("item" + i, "c" + (i % 3), i)));
                System.out.println(i);
                System.out.flush();
            }
        }
    }

    @Test
    void everyAcknowledgedEventSurvivesKillMinusNine(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("store");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), DurabilityTest.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        long acknowledged = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.matches("\\d+")) {
                    acknowledged = Long.parseLong(line);
                    if (acknowledged >= 200) {
                        child.destroyForcibly(); // SIGKILL on Linux and macOS
                        break;
                    }
                }
            }
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(acknowledged).as("the child acknowledged appends").isGreaterThanOrEqualTo(200);
        try (BehaviourStore store = BehaviourStore.open(dir)) {
            long stored = store.eventCount("u");
            assertThat(stored).as("events after kill -9").isGreaterThanOrEqualTo(acknowledged + 1);
            List<BehaviourEvent> h = store.history("u", Integer.MAX_VALUE);
            assertThat(h).hasSize((int) stored);
            for (int i = 0; i <= acknowledged; i++) {
                assertThat(h.get(h.size() - 1 - i).item()).isEqualTo("item" + i);
            }
        }
    }
}
