package dev.sim4j.cli.preprocess;

import dev.sim4j.cli.MissingLibraryException;
import dev.sim4j.cli.OptionChecks;
import dev.sim4j.preprocess.amazon.AmazonPreprocessor;
import dev.sim4j.preprocess.amazon.PreprocessEngine;
import dev.sim4j.preprocess.amazon.PreprocessOptions;
import dev.sim4j.preprocess.amazon.PreprocessStats;
import dev.sim4j.data.spec.ChunkType;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sim4j preprocess amazon}: the Amazon Reviews 2014 dump to a SIM/DIEN/DIN dataset. */
@Command(name = "amazon", mixinStandardHelpOptions = true,
        description = {"Preprocess the Amazon Reviews 2014 dump (reviews_*.json[.gz], meta_*.json[.gz]) as the reference does:",
            "users with >= --min-reviews reviews, ids 1..n (0 = padding), per-user (time, asin) order, the last review as the "
                    + "test target, every earlier prefix a training row with a popularity-sampled negative twin, negative "
                    + "histories, left padding to --max-seq-len.",
            "Writes feature_spec.yaml, the data, vocab/*.tsv (raw id <-> id) and stats.json."})
public final class AmazonCommand implements Callable<Integer> {
    /** The names {@code --format} accepts, and the layout each writes. */
    enum Format {
        SIM4J("sim4j", ChunkType.SIM4J_SEQUENCES),
        SIM4J_COLUMNAR("sim4j-columnar", ChunkType.SIM4J),
        TFRECORD("tfrecord", ChunkType.TFRECORD);

        final String label;
        final ChunkType type;

        Format(String label, ChunkType type) {
            this.label = label;
            this.type = type;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** Parses a {@code --format} name; picocli reports a bad one as a usage error naming the flag. */
    static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            for (Format f : Format.values()) {
                if (f.label.equals(value)) {
                    return f;
                }
            }
            throw new CommandLine.TypeConversionException("expected one of " + new FormatNames() + " but was '" + value + "'");
        }
    }

    /** The {@code --format} names, for the help's list and for completion. */
    static final class FormatNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Format.values()).map(f -> f.label).iterator();
        }

        @Override
        public String toString() {
            return String.join(", ", this);
        }
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--reviews", required = true, paramLabel = "FILE",
            description = "Reviews dump (.json or .json.gz); with --engine spark also a folder of parts or a URI (hdfs://, s3a://, ...).")
    private String reviews;

    @Option(names = "--meta", required = true, paramLabel = "FILE",
            description = "Metadata dump (.json or .json.gz); with --engine spark also a folder of parts or a URI.")
    private String meta;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Dataset folder to create (must not exist or be empty).")
    private Path out;

    @Option(names = "--min-reviews", defaultValue = "20", paramLabel = "N", description = "Default: ${DEFAULT-VALUE}.")
    private int minReviews;

    @Option(names = "--max-seq-len", defaultValue = "100", paramLabel = "L", description = "Default: ${DEFAULT-VALUE}.")
    private int maxSeqLen;

    @Option(names = "--seed", defaultValue = "12345", paramLabel = "S", description = "Negative sampling seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--format", defaultValue = "sim4j", paramLabel = "FORMAT", converter = FormatConverter.class,
            completionCandidates = FormatNames.class,
            description = {"Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
                "sim4j: the compact sequence store (each user's sequence once; rows rebuilt on reading).",
                "tfrecord: the reference's rows as TFRecord files of tf.train.Example (what NVIDIA's code reads).",
                "sim4j-columnar: the same rows as sim4j's columnar shards (.s4j)."})
    private Format format;

    @Option(names = "--train-parts", defaultValue = "8", paramLabel = "N",
            description = "tfrecord and sim4j-columnar: train files (default: ${DEFAULT-VALUE}).")
    private int trainParts;

    @Option(names = "--test-parts", defaultValue = "4", paramLabel = "N",
            description = "tfrecord and sim4j-columnar: test files (default: ${DEFAULT-VALUE}).")
    private int testParts;

    @Option(names = "--max-bad-lines", defaultValue = "0", paramLabel = "N",
            description = "Input lines that may be skipped (counted in stats.json) before the run fails (default: ${DEFAULT-VALUE}).")
    private long maxBadLines;

    @Option(names = "--threads", paramLabel = "N", description = "Parsing threads of the local engine (default: the number of cores).")
    private Integer threads;

    @Option(names = "--engine", defaultValue = "local", paramLabel = "ENGINE",
            description = {"local (default: this process) or spark (the same job, the same bytes, as an Apache Spark application;"
                    + " needs the sim4j-spark module, see docs/data.md)."})
    private String engine;

    @Option(names = "--master", paramLabel = "URL",
            description = "--engine spark: where to run: local[*] (default), local[N], spark://host:port, yarn, k8s://...")
    private String master;

    @Option(names = "--partitions", paramLabel = "N",
            description = "--engine spark: input splits and shuffle partitions (default: Spark's default parallelism).")
    private Integer partitions;

    @Override
    public Integer call() {
        OptionChecks checks = OptionChecks.of(spec);
        if (minReviews < 2) {
            throw checks.fail("--min-reviews", "must be at least 2 (a user needs a history and a target), got " + minReviews);
        }
        checks.positive("--max-seq-len", maxSeqLen);
        checks.positive("--train-parts", trainParts);
        checks.positive("--test-parts", testParts);
        checks.atLeast("--max-bad-lines", maxBadLines, 0);
        if (threads != null) {
            checks.positive("--threads", threads);
        }
        checks.oneOf("--engine", engine, List.of("local", "spark"));
        boolean spark = engine.equals("spark");
        if (!spark) {
            if (master != null) {
                throw checks.fail("--master", "applies to --engine spark only");
            }
            if (partitions != null) {
                throw checks.fail("--partitions", "applies to --engine spark only");
            }
            localInput(checks, "--reviews", reviews);
            localInput(checks, "--meta", meta);
        } else {
            if (threads != null) {
                throw checks.fail("--threads", "applies to the local engine; with --engine spark, set the parallelism with "
                        + "--master local[N] or --partitions");
            }
            if (partitions != null) {
                checks.positive("--partitions", partitions);
            }
        }
        checks.newFolder("--out", out);
        PreprocessOptions options = new PreprocessOptions(Path.of(reviews), Path.of(meta), out, minReviews, maxSeqLen, seed, format.type,
                trainParts, testParts, maxBadLines, threads == null ? Runtime.getRuntime().availableProcessors() : threads,
                true);
        PreprocessStats s = spark
                ? sparkEngine().run(options, reviews, meta, master, partitions == null ? 0 : partitions)
                : AmazonPreprocessor.run(options);
        PrintWriter o = spec.commandLine().getOut();
        o.printf("wrote %s (%s%s) in %.1f s%n", out, format, spark ? ", Spark" : "", s.seconds());
        o.printf("  users %,d (of %,d seen), items %,d, categories %,d%n", s.users(), s.usersSeen(), s.items(), s.categories());
        s.rows().forEach((m, n) -> o.printf("  %-6s %,d rows%n", m, n));
        o.printf("  review lines %,d, metadata lines %,d, reviews kept %,d%n", s.reviewLinesRead(), s.metadataLinesRead(),
                s.reviewsKept());
        long skipped = s.skippedReviewLines().values().stream().mapToLong(r -> r.count()).sum()
                + s.skippedMetadataLines().values().stream().mapToLong(r -> r.count()).sum();
        if (skipped > 0) {
            o.printf("  skipped input lines: %,d (see stats.json)%n", skipped);
        }
        return 0;
    }

    private static void localInput(OptionChecks checks, String flag, String value) {
        if (value.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            throw checks.fail(flag, "'" + value + "' is a URI: the local engine reads local files; read it with --engine spark");
        }
        if (Files.isDirectory(Path.of(value))) {
            throw checks.fail(flag, value + " is a folder: the local engine reads one file; --engine spark reads a folder of parts");
        }
    }

    /** The Spark engine from the class path, or the message that says how to get it. */
    private static PreprocessEngine sparkEngine() {
        try {
            return PreprocessEngine.find("spark").orElseThrow(() -> new MissingLibraryException(NO_SPARK));
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new MissingLibraryException(NO_SPARK + " (" + e.getMessage() + ")");
        }
    }

    private static final String NO_SPARK = "--engine spark: the sim4j-spark module (and Spark) is not on the class path. "
            + "Build it once with 'mvn -q -B -DskipTests -pl sim4j-spark -am package' (it downloads Spark 4.2, about 300 MB); "
            + "bin/sim4j then puts it on the class path. On a cluster, run the job with spark-submit (docs/data.md).";
}
