package dev.sim4j.benchmarks;

import dev.sim4j.data.dataset.Batch;
import dev.sim4j.data.dataset.BatchOptions;
import dev.sim4j.data.dataset.BatchPipeline;
import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.dataset.DatasetWriter;
import dev.sim4j.data.dataset.RandomRows;
import dev.sim4j.data.format.WriteOptions;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.ReferenceSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reads a whole Amazon-shaped mapping (8 features, four of them 100-long histories) into batches of 4096 through the
 * public API, {@code Dataset.open(dir).batches("train", BatchOptions.of(4096).readers(r))}, in each storage format. The score is
 * rows per second ({@link OperationsPerInvocation} = {@link #ROWS}).
 *
 * <p>The data is generated once per trial with a fixed seed and written to a temporary folder (removed in the trial
 * tear-down). Every invocation checks the rows it read and a checksum over some values of every row against what
 * was written, and throws if they differ, so a fast but wrong reader cannot score.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
 *      -jar sim4j-benchmarks/target/benchmarks.jar DatasetReadBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class DatasetReadBenchmark {
    /** Rows in the "train" mapping. */
    public static final int ROWS = 200_000;
    static final int ROWS_PER_FILE = 50_000;
    static final int BATCH = 4096;
    static final long SEED = 20261127L;
    /** Rows generated and written at a time, to keep the generator's memory small. */
    private static final int GENERATE_STEP = 10_000;

    @Param({"sim4j", "tfrecord", "csv"})
    public String format;

    /** Reader threads of the pipeline ({@code BatchOptions.readers}); e.g. {@code -p readers=1,2,4}. */
    @Param({"1"})
    public int readers;

    private Path root;
    private Path dir;
    private long expectedChecksum;

    @Setup(Level.Trial)
    public void writeData() throws IOException {
        ChunkType type = ChunkType.parse(format).orElseThrow(() -> new IllegalArgumentException("format " + format));
        FeatureSpec spec = ReferenceSpecs.amazon(105925, 1209081, 2330, 100);
        List<FeatureDef> features = List.copyOf(spec.features().values());
        root = Files.createTempDirectory("sim4j-read-bench-");
        dir = root.resolve("data");
        int[][] cols = new int[features.size()][];
        for (int f = 0; f < cols.length; f++) {
            cols[f] = new int[GENERATE_STEP * features.get(f).width()];
        }
        int label = indexOf(features, "label");
        int user = indexOf(features, "user_feat_0");
        int target = indexOf(features, "item_feat_0_trgt");
        int pos = indexOf(features, "item_feat_0_pos");
        int neg = indexOf(features, "item_feat_1_neg");
        int w = features.get(pos).width();
        RandomRows random = new RandomRows(spec, features, SEED);
        long checksum = 0;
        try (DatasetWriter writer = new DatasetWriter(dir, spec, type, ROWS_PER_FILE, WriteOptions.DEFAULT)) {
            try (DatasetWriter.MappingWriter m = writer.mapping("train", features)) {
                for (int done = 0; done < ROWS; done += GENERATE_STEP) {
                    int n = Math.min(GENERATE_STEP, ROWS - done);
                    random.fill(cols, 0, n);
                    for (int r = 0; r < n; r++) {
                        checksum += rowChecksum(cols[label][r], cols[user][r], cols[target][r],
                                cols[pos][r * w + w - 1], cols[neg][r * w + w - 1]);
                    }
                    m.write(cols, 0, n);
                }
            }
            writer.commit();
        }
        expectedChecksum = checksum;
        // One untimed pass: checks the reader, and warms the page cache for every format alike.
        readAll(null);
    }

    private static int indexOf(List<FeatureDef> features, String name) {
        for (int i = 0; i < features.size(); i++) {
            if (features.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("no feature " + name);
    }

    private static long rowChecksum(int label, int user, int target, int lastPos, int lastNeg) {
        return label + 3L * user + 5L * target + 7L * lastPos + 11L * lastNeg;
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long readTrain(Blackhole bh) {
        return readAll(bh);
    }

    /** Reads every batch of "train", consuming a few values of every row; throws unless all rows came back intact. */
    private long readAll(Blackhole bh) {
        long rows = 0;
        long checksum = 0;
        try (BatchPipeline batches = Dataset.open(dir).batches("train", BatchOptions.of(BATCH).readers(readers))) {
            while (batches.hasNext()) {
                Batch b = batches.next();
                int l = b.historyLength();
                int[] label = b.label();
                int[] user = b.user()[0];
                int[] target = b.targetItem()[0];
                int[] pos = b.positiveHistory()[0];
                int[] neg = b.negativeHistory()[1];
                for (int r = 0; r < b.size(); r++) {
                    checksum += rowChecksum(label[r], user[r], target[r], pos[r * l + l - 1], neg[r * l + l - 1]);
                }
                rows += b.size();
                if (bh != null) {
                    bh.consume(b);
                }
            }
        }
        if (rows != ROWS || checksum != expectedChecksum) {
            throw new IllegalStateException(format + ": read " + rows + " rows with checksum " + checksum
                    + ", wrote " + ROWS + " rows with checksum " + expectedChecksum);
        }
        return checksum;
    }

    @TearDown(Level.Trial)
    public void deleteData() throws IOException {
        if (root == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        root = null;
    }
}
