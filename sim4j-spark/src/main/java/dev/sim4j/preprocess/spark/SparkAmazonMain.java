package dev.sim4j.preprocess.spark;

import dev.sim4j.data.DataException;
import dev.sim4j.data.OutputException;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.preprocess.amazon.PreprocessOptions;
import dev.sim4j.preprocess.amazon.PreprocessStats;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code spark-submit} entry point of the Amazon job: the flags of {@code sim4j preprocess amazon} (without
 * {@code --engine}, {@code --master} and {@code --threads}: spark-submit sets where it runs), the same output, the
 * CLI's exit codes (2 usage, 3 bad input, 5 output). Needs only this module's jars beside Spark's.
 */
public final class SparkAmazonMain {
    private static final List<String> FLAGS = List.of("--reviews", "--meta", "--out", "--min-reviews", "--max-seq-len",
            "--seed", "--format", "--train-parts", "--test-parts", "--max-bad-lines", "--partitions");

    private SparkAmazonMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Map<String, String> flags = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                String value = null;
                int eq = name.indexOf('=');
                if (eq > 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                }
                if (!FLAGS.contains(name)) {
                    throw new IllegalArgumentException("unknown option '" + name + "'; the options are " + String.join(", ", FLAGS));
                }
                if (value == null) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                flags.put(name, value);
            }
            for (String required : List.of("--reviews", "--meta", "--out")) {
                if (!flags.containsKey(required)) {
                    throw new IllegalArgumentException("missing " + required);
                }
            }
            PreprocessOptions d = PreprocessOptions.defaults(Path.of(flags.get("--reviews")), Path.of(flags.get("--meta")),
                    Path.of(flags.get("--out")));
            PreprocessOptions options = new PreprocessOptions(d.reviews(), d.meta(), d.out(),
                    integer(flags, "--min-reviews", d.minReviews()), integer(flags, "--max-seq-len", d.maxSeqLen()),
                    Long.parseLong(flags.getOrDefault("--seed", Long.toString(d.seed()))), format(flags.get("--format")),
                    integer(flags, "--train-parts", d.trainParts()), integer(flags, "--test-parts", d.testParts()),
                    Long.parseLong(flags.getOrDefault("--max-bad-lines", "0")), 1, false);
            int partitions = integer(flags, "--partitions", 0);
            if (partitions < 0) {
                throw new IllegalArgumentException("--partitions must be positive, got " + partitions);
            }
            PreprocessStats s = new SparkPreprocessEngine().run(options, flags.get("--reviews"), flags.get("--meta"), null,
                    partitions);
            System.out.printf("wrote %s in %.1f s: users %,d, items %,d, categories %,d, train %,d rows, test %,d rows%n",
                    options.out(), s.seconds(), s.users(), s.items(), s.categories(), s.rows().get("train"),
                    s.rows().get("test"));
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("sim4j preprocess (spark-submit): " + e.getMessage());
            return 2;
        } catch (DataException e) {
            System.err.println("sim4j preprocess (spark-submit): " + e.getMessage());
            return 3;
        } catch (OutputException e) {
            System.err.println("sim4j preprocess (spark-submit): " + e.getMessage());
            return 5;
        }
    }

    private static int integer(Map<String, String> flags, String name, int fallback) {
        String v = flags.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
        }
    }

    private static ChunkType format(String name) {
        return switch (name == null ? "sim4j" : name) {
            case "sim4j" -> ChunkType.SIM4J_SEQUENCES;
            case "sim4j-columnar" -> ChunkType.SIM4J;
            case "tfrecord" -> ChunkType.TFRECORD;
            default -> throw new IllegalArgumentException("--format must be sim4j, sim4j-columnar or tfrecord, got '" + name + "'");
        };
    }
}
