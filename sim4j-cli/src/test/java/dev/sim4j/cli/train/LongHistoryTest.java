package dev.sim4j.cli.train;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIM's reason to exist is long histories: a dataset preprocessed with 1,000-event histories trains and evaluates end
 * to end (issue 9, defect 14: lengths past 127 were refused by a boxed-integer identity comparison).
 */
class LongHistoryTest {
    @Test
    void simTrainsAndEvaluatesOnThousandEventHistories(@TempDir Path tmp) throws IOException {
        Path raw = tmp.resolve("raw");
        CliRun synth = run("synth", "amazon", "--out", raw.toString(), "--users", "300", "--items", "800",
                "--categories", "20");
        assertThat(synth.code()).as(synth.err()).isZero();
        Path ds = tmp.resolve("ds");
        CliRun pre = run("preprocess", "amazon", "--reviews", raw.resolve("reviews_Books.json.gz").toString(),
                "--meta", raw.resolve("meta_Books.json.gz").toString(), "--out", ds.toString(), "--max-seq-len", "1000");
        assertThat(pre.code()).as(pre.err()).isZero();
        assertThat(Files.readString(ds.resolve("feature_spec.yaml"))).contains("1000");

        Path results = tmp.resolve("results");
        CliRun train = run("train", "--dataset", ds.toString(), "--model", "sim", "--epochs", "1",
                "--global-batch-size", "512", "--long-seq-length", "990", "--no-train-eval", "--no-progress",
                "--results-dir", results.toString());
        assertThat(train.code()).as(train.err()).isZero();
        assertThat(train.out()).contains("epoch 1/1", "test AUC");

        CliRun eval = run("evaluate", "--dataset", ds.toString(), "--checkpoint",
                results.resolve("checkpoints/epoch_1").toString());
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("test", "AUC");
    }
}
