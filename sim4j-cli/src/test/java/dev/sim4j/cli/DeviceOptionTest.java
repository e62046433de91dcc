package dev.sim4j.cli;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cuda.CudaProbe;
import dev.sim4j.cuda.lib.LibraryLocator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --device}: a bad value is a usage error; a GPU that is not there is one line and exit 4, no stack trace. */
class DeviceOptionTest {
    @Test
    void aBadDeviceIsAUsageError() {
        CliRun r = run("benchmark", "--dataset", "/nowhere", "--device", "gpu0");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: --device: must be cpu, cuda or cuda:N, got 'gpu0'");
    }

    @Test
    void cudaWhereThereIsNoneExitsFourInOneLine(@TempDir Path tmp) {
        Path ds = tmp.resolve("ds");
        assertThat(run("data", "sample", "--out", ds.toString(), "--train-rows", "300", "--test-rows", "100").code())
                .isZero();
        CliRun r = run("benchmark", "--dataset", ds.toString(), "--device", "cuda:7", "--batch-size", "64",
                "--warmup-steps", "1", "--steps", "1");
        boolean usable = CudaProbe.probe(LibraryLocator.fromEnvironment()).usable();
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.DEVICE_UNAVAILABLE.code());
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("error: device unavailable: --device cuda:7: ")
                .contains(usable ? "GPU(s)" : "not found").doesNotContain("\tat ");
    }
}
