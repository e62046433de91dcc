package dev.sim4j.cli;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code sim4j doctor} reports the machine whether or not it has a GPU, and says what --device cuda lacks. */
class DoctorCommandTest {
    @Test
    void reportsJavaCpuAndTheCudaLibrariesWithExitZero() throws Exception {
        CliRun r = run("doctor");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Java:", "vectors of", "CPU:", "Driver:", "NVRTC:", "cuBLAS:", "--device cuda:");
        JsonNode json = new ObjectMapper().readTree(run("doctor", "--json").out());
        assertThat(json.get("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(json.get("vector_bits").asInt()).isGreaterThanOrEqualTo(64);
        assertThat(json.get("libraries")).hasSize(3);
        boolean usable = json.get("cuda_usable").asBoolean();
        assertThat(r.out()).contains(usable ? "--device cuda: ready" : "--device cuda: not available here");
        if (!usable) {
            assertThat(json.get("libraries").findValues("problem")).anyMatch(p -> !p.isNull());
        }
    }
}
