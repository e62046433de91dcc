package dev.sim4j.cli;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How usage errors read: one {@code error:} line, one pointer to --help, exit code 2, no usage dump. */
class UsageErrorTest {
    @Test
    void aUsageErrorIsOneLineAndAPointerToHelp() {
        CliRun r = run("train", "--dataset", "/nowhere", "--bogus");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err().lines().toList()).containsExactly(
                "error: unknown option '--bogus' for 'sim4j train'", "see 'sim4j train --help'");
        assertThat(r.err()).doesNotContain("Usage:");
    }

    @Test
    void anUnknownCommandWithHelpIsAUsageErrorNamingIt() {
        CliRun r = run("deploy", "--help");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: unknown command 'deploy'");
        assertThat(r.out()).doesNotContain("Usage:");
        CliRun nested = run("spec", "frobnicate", "--help");
        assertThat(nested.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(nested.err()).startsWith("error: unknown command 'frobnicate'").contains("validate, convert");
    }

    @Test
    void aMissingRequiredOptionIsNamedBySim4jsOwnSpelling() {
        CliRun r = run("evaluate");
        assertThat(r.code()).isEqualTo(ExitCode.USAGE.code());
        assertThat(r.err()).startsWith("error: missing required options --dataset DIR, --checkpoint PATH");
    }

    @Test
    void badThreadCountsAreUsageErrorsOnEveryModelCommand() {
        for (String command : new String[] {"train", "evaluate", "predict", "benchmark"}) {
            for (String n : new String[] {"0", "-3"}) {
                CliRun r = run(command, "--threads", n, "--dataset", "/nowhere");
                assertThat(r.code()).as(command + " --threads " + n + ": " + r.err()).isEqualTo(ExitCode.USAGE.code());
                assertThat(r.err()).startsWith("error: --threads: must be between 1 and");
            }
        }
    }

    @Test
    void theHelpListsEveryExitCode() {
        CliRun r = run("--help");
        for (ExitCode c : ExitCode.values()) {
            assertThat(r.out()).contains(Integer.toString(c.code()));
        }
        assertThat(r.out()).contains("output error", "interrupted");
    }
}
