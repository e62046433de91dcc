package dev.sim4j.cli.train;

import static dev.sim4j.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad option values of {@code train} and {@code quickstart} are usage errors (exit 2) that name the flag as typed, and
 * unusable output folders output errors (exit 5), all before any work: nothing is written.
 */
class TrainOptionChecksTest {
    @TempDir
    static Path tmp;
    static Path dataset;

    @BeforeAll
    static void data() {
        dataset = CliRun.smallDataset(tmp);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(List.of("--dropout", "1.5"), "--dropout: a rate must be below 1"),
                Arguments.of(List.of("--dropout", "NaN"), "--dropout: must be a finite number"),
                Arguments.of(List.of("--dropout_rate", "1"), "--dropout_rate: a rate must be below 1"),
                Arguments.of(List.of("--weight-decay", "NaN"), "--weight-decay: must be a finite number"),
                Arguments.of(List.of("--weight_decay", "-1"), "--weight_decay: must be 0 or more"),
                Arguments.of(List.of("--stage-one-mlp", "0"), "--stage-one-mlp: sizes must be at least 1"),
                Arguments.of(List.of("--stage_two_mlp_dims", "200,0"), "--stage_two_mlp_dims: sizes must be at least 1"),
                Arguments.of(List.of("--aux-mlp", "-5"), "--aux-mlp: sizes must be at least 1"),
                Arguments.of(List.of("--lr", "NaN"), "--lr: must be a finite number"),
                Arguments.of(List.of("--lr", "Infinity"), "--lr: must be a finite number"),
                Arguments.of(List.of("--learning_rate", "0"), "--learning_rate: must be greater than 0"),
                Arguments.of(List.of("--lr", "-1"), "--lr: must be greater than 0"),
                Arguments.of(List.of("--epochs", "0"), "--epochs: must be at least 1"),
                Arguments.of(List.of("--global-batch-size", "0"), "--global-batch-size: must be at least 1"),
                Arguments.of(List.of("--micro_batch_size", "0"), "--micro_batch_size: must be at least 1"),
                Arguments.of(List.of("--eval-batch-size", "0"), "--eval-batch-size: must be at least 1"),
                Arguments.of(List.of("--embedding-dim", "0"), "--embedding-dim: must be at least 1"),
                Arguments.of(List.of("--embedding-dim", "1000000"), "--embedding-dim: 1,000,000: "),
                Arguments.of(List.of("--embedding_dim", "4000"), "--embedding_dim: 4,000: the DIEN block's AUGRU kernel"),
                Arguments.of(List.of("--model", "din", "--embedding-dim", "100000"), "--micro-batch-size: 4,096 rows"),
                Arguments.of(List.of("--model", "din", "--embedding-dim", "10000", "--micro-batch-size", "512",
                        "--eval_batch_size", "8192"), "--eval_batch_size: 8,192 rows"),
                Arguments.of(List.of("--stage-one-mlp", "2000000000"), "--stage-one-mlp: a layer of 80 x 2,000,000,000"),
                Arguments.of(List.of("--long-seq-length", "99"), "--long-seq-length: must be between 1 and 98 for this dataset"),
                Arguments.of(List.of("--long_seq_length", "0"), "--long_seq_length: must be between 1 and 98"),
                Arguments.of(List.of("--top-k", "91"), "--top-k: must be between 1 and the long sequence length 90"),
                Arguments.of(List.of("--top_k", "0"), "--top_k: must be between 1"),
                Arguments.of(List.of("--model", "gpt"), "--model: must be one of sim, dien, din"),
                Arguments.of(List.of("--optimizer", "rmsprop"), "--optimizer: must be one of adam, lazy_adam, sgd"),
                Arguments.of(List.of("--augru-form", "x"), "--augru-form: must be one of code, paper"),
                Arguments.of(List.of("--resume", "--overwrite"), "--overwrite: contradicts --resume"),
                Arguments.of(List.of("--drop_remainder", "--no-drop-remainder"), "--no-drop-remainder: contradicts --drop_remainder"),
                Arguments.of(List.of("--amp"), "--amp: mixed precision needs a GPU (--device cuda)"),
                Arguments.of(List.of("--amp-dtype", "fp16"), "--amp-dtype: only with --amp"),
                Arguments.of(List.of("--amp", "--amp-dtype", "fp8"), "--amp-dtype: must be bf16 or fp16, got 'fp8'"),
                Arguments.of(List.of("--benchmark", "--benchmark_steps", "10"), "--benchmark: sim4j train only trains; "
                        + "time steps with sim4j benchmark instead: sim4j benchmark --dataset "),
                Arguments.of(List.of("--benchmark_warmup_steps", "5"), "--benchmark_warmup_steps: sim4j train only trains"),
                Arguments.of(List.of("--mode", "inference"), "--mode inference --batch-size 131072"),
                Arguments.of(List.of("--mode", "eval"), "--mode: must be train"),
                Arguments.of(List.of("--log_filename", "log.json"), "--log_filename: sim4j always writes RESULTS_DIR/metrics.jsonl"),
                Arguments.of(List.of("--feature_spec", "nope.yaml"), "--feature_spec: "),
                Arguments.of(List.of("--feature_spec", "../feature_spec.yaml"), "--feature_spec: the name of a spec file"),
                Arguments.of(List.of("--affinity", "socket"), "--affinity: "),
                Arguments.of(List.of("--repeat_count", "2"), "--repeat_count: use --epochs"),
                Arguments.of(List.of("--intra_op_parallelism", "2"), "--intra_op_parallelism: use --threads"),
                Arguments.of(List.of("--prefetch_test_size", "4"), "--prefetch_test_size: not needed"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void aBadValueIsAUsageErrorNamingTheFlagAsTypedAndNothingIsWritten(List<String> bad, String message) {
        Path results = tmp.resolve("never");
        List<String> args = new ArrayList<>(List.of("train", "--dataset", dataset.toString(), "--results-dir",
                results.toString()));
        args.addAll(bad);
        CliRun r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains(message).doesNotContain("internal error", "Exception");
        assertThat(results).doesNotExist();
    }

    @Test
    void initWeightsWithoutACheckpointIsBadDataBeforeTheWork() throws IOException {
        Path never = tmp.resolve("never");
        CliRun missing = run("train", "--dataset", dataset.toString(), "--results-dir", never.toString(),
                "--load_checkpoint_path", "/nonexistent/w.safetensors");
        assertThat(missing.code()).as(missing.err()).isEqualTo(3);
        assertThat(missing.err()).contains("--load_checkpoint_path /nonexistent/w.safetensors: no such file");
        Path empty = Files.createDirectories(tmp.resolve("ckpt/epoch_1"));
        CliRun none = run("train", "--dataset", dataset.toString(), "--results-dir", never.toString(),
                "--init-weights", empty.getParent().toString());
        assertThat(none.code()).as(none.err()).isEqualTo(3);
        assertThat(none.err()).contains("--init-weights " + empty.getParent() + ": no checkpoint here");
        assertThat(never).doesNotExist();
    }

    @Test
    void unwritableResultsOrCheckpointFoldersAreOutputErrorsBeforeTheWork() throws IOException {
        // A path below a plain file can never be created (root ignores permission bits, so chmod would not do).
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        CliRun results = run("train", "--dataset", dataset.toString(), "--model", "din", "--global-batch-size", "512",
                "--results-dir", file.resolve("results").toString());
        assertThat(results.code()).as(results.err()).isEqualTo(5);
        assertThat(results.err()).contains("--results-dir " + file.resolve("results"));
        Path ok = tmp.resolve("results-ok");
        CliRun checkpoints = run("train", "--dataset", dataset.toString(), "--model", "din", "--global-batch-size",
                "512", "--results-dir", ok.toString(), "--save_checkpoint_path", file.resolve("ckpt").toString());
        assertThat(checkpoints.code()).as(checkpoints.err()).isEqualTo(5);
        assertThat(checkpoints.err()).contains("--save_checkpoint_path " + file.resolve("ckpt"));
        assertThat(ok.resolve("metrics.jsonl")).doesNotExist();
    }

    @Test
    void quickstartChecksItsOptionsBeforeSynthesisingAnything() throws IOException {
        Path dir = tmp.resolve("qs");
        for (String[] bad : new String[][] {{"--users", "0"}, {"--users", "5"}, {"--epochs", "0"}, {"--model", "x"}}) {
            CliRun r = run("quickstart", "--dir", dir.toString(), bad[0], bad[1]);
            assertThat(r.code()).as(String.join(" ", bad) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).contains(bad[0] + ":");
            assertThat(dir).as("nothing is synthesised").doesNotExist();
        }
        Path file = Files.writeString(tmp.resolve("qs-file"), "x");
        CliRun unwritable = run("quickstart", "--dir", file.resolve("qs").toString());
        assertThat(unwritable.code()).isEqualTo(5);
        assertThat(unwritable.err()).contains("--dir");
    }
}
