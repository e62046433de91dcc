package dev.sim4j.cli.train;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run too large for the heap is refused before it starts: one message with the figures and the fix, exit 6. */
class MemoryEstimateCliTest {
    @TempDir
    static Path tmp;
    static Path dataset;

    @BeforeAll
    static void data() {
        dataset = CliRun.smallDataset(tmp);
    }

    @Test
    void aBenchmarkTooLargeForTheHeapIsRefusedWithTheFix() {
        // SIM keeps about 0.3 MB of temporaries per row of a pass: 20,000 rows in one pass is far over the test's heap.
        CliRun train = run("benchmark", "--dataset", dataset.toString(), "--model", "sim", "--batch-size", "20000",
                "--micro-batch-size", "20000", "--steps", "1", "--warmup-steps", "0");
        assertThat(train.code()).as(train.err()).isEqualTo(6);
        assertThat(train.err()).startsWith("error: A training benchmark needs about ")
                .contains("sim, adam, batch 20,000 in passes of 20,000 rows", "SIM4J_JAVA_OPTS=-Xmx",
                        "or lower --micro-batch-size to ")
                .doesNotContain("Exception", "\tat ");
        assertThat(train.err().strip().lines()).hasSize(1);

        CliRun inference = run("benchmark", "--dataset", dataset.toString(), "--model", "sim", "--mode",
                "inference", "--batch-size", "100000", "--steps", "1", "--warmup-steps", "0");
        assertThat(inference.code()).as(inference.err()).isEqualTo(6);
        assertThat(inference.err()).startsWith("error: An inference benchmark needs about ")
                .contains("or lower --batch-size to ");
    }
}
