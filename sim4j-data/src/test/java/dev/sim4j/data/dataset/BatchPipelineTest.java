package dev.sim4j.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.sim4j.data.DataException;
import dev.sim4j.data.spec.ChunkType;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.ModelChannels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The batch pipeline hands out a mapping's rows in file order, cut into batches, sharded row i -> rank i mod world,
 * the same every run and for any number of reader threads; data errors reach the consumer unchanged, after the good
 * batches before them, and close() never hangs.
 */
class BatchPipelineTest {
    static final int ROWS = 103;
    static final int ROWS_PER_FILE = 25;
    static final Duration PROMPTLY = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    Dataset dataset;
    /** The mapping's rows in file order, each rendered as one string of all channel values. */
    List<String> expected;

    @BeforeEach
    void writeDataset() {
        Map<String, int[]> cols = FormatRoundTripTest.writeRandom(dir, ChunkType.TFRECORD, ROWS, ROWS_PER_FILE, 1);
        dataset = Dataset.open(dir);
        assertThat(dir.resolve("train/part_00004.tfrecord")).exists();
        expected = IntStream.range(0, ROWS).mapToObj(r -> row(cols, r)).toList();
    }

    private String row(Map<String, int[]> cols, int r) {
        ModelChannels ch = dataset.channels();
        StringBuilder s = new StringBuilder();
        for (List<FeatureDef> channel : List.of(List.of(ch.label()), ch.user(), ch.targetItem(), ch.positiveHistory(),
                ch.negativeHistory())) {
            for (FeatureDef f : channel) {
                int w = f.width();
                s.append(f.name()).append('=').append(Arrays.toString(Arrays.copyOfRange(cols.get(f.name()), r * w, (r + 1) * w)))
                        .append(' ');
            }
        }
        return s.toString();
    }

    private static String row(Batch b, int r, ModelChannels ch) {
        StringBuilder s = new StringBuilder();
        append(s, List.of(ch.label()), new int[][] {b.label()}, r, 1);
        append(s, ch.user(), b.user(), r, 1);
        append(s, ch.targetItem(), b.targetItem(), r, 1);
        append(s, ch.positiveHistory(), b.positiveHistory(), r, b.historyLength());
        append(s, ch.negativeHistory(), b.negativeHistory(), r, b.historyLength());
        return s.toString();
    }

    private static void append(StringBuilder s, List<FeatureDef> fs, int[][] cols, int r, int w) {
        for (int f = 0; f < fs.size(); f++) {
            s.append(fs.get(f).name()).append('=').append(Arrays.toString(Arrays.copyOfRange(cols[f], r * w, (r + 1) * w)))
                    .append(' ');
        }
    }

    /** A batch copied out of the pipeline's recycled buffers. */
    record Copied(long index, List<String> rows) {
    }

    /** Every batch of {@code options}; the same, checked here, with 2, 3 and 5 reader threads. */
    private List<Copied> all(BatchOptions options) {
        List<Copied> one = read(options.readers(1));
        for (int readers : new int[] {2, 3, 5}) {
            assertThat(read(options.readers(readers))).as(readers + " readers, " + options).isEqualTo(one);
        }
        return one;
    }

    private List<Copied> read(BatchOptions options) {
        List<Copied> out = new ArrayList<>();
        try (BatchPipeline p = dataset.batches("train", options)) {
            while (p.hasNext()) {
                Batch b = p.next();
                List<String> rows = IntStream.range(0, b.size()).mapToObj(r -> row(b, r, dataset.channels())).toList();
                out.add(new Copied(b.index(), rows));
            }
        }
        return out;
    }

    private static List<String> rows(List<Copied> batches) {
        return batches.stream().flatMap(b -> b.rows().stream()).toList();
    }

    private static List<Integer> sizes(List<Copied> batches) {
        return batches.stream().map(b -> b.rows().size()).toList();
    }

    @Test
    void batchesFollowFileOrder() {
        List<Copied> batches = all(BatchOptions.of(10));

        assertThat(sizes(batches)).containsExactly(10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 3);
        assertThat(batches).extracting(Copied::index).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(rows(batches)).containsExactlyElementsOf(expected);
        assertThat(dataset.channels().historyLength()).isEqualTo(10);
    }

    @Test
    void dropRemainderDropsTheShortLastBatch() {
        List<Copied> batches = all(BatchOptions.of(10).dropRemainder(true));

        assertThat(sizes(batches)).hasSize(10).containsOnly(10);
        assertThat(rows(batches)).containsExactlyElementsOf(expected.subList(0, 100));
    }

    @Test
    void batchLargerThanTheMapping() {
        assertThat(sizes(all(BatchOptions.of(500)))).containsExactly(ROWS);
        assertThat(all(BatchOptions.of(500).dropRemainder(true))).isEmpty();
    }

    @Test
    void batchSizeDividingTheRowsExactlyHasNoEmptyLastBatch() {
        assertThat(sizes(all(BatchOptions.of(ROWS)))).containsExactly(ROWS);
    }

    @ParameterizedTest(name = "world size {0}")
    @ValueSource(ints = {2, 3})
    void shardsGiveRankRRowsRPlusMultiplesOfWorldSize(int world) {
        List<String> union = new ArrayList<>();
        for (int rank = 0; rank < world; rank++) {
            List<Copied> batches = all(BatchOptions.of(7).shard(rank, world));
            List<String> mine = new ArrayList<>();
            for (int i = rank; i < ROWS; i += world) {
                mine.add(expected.get(i));
            }
            assertThat(rows(batches)).as("rank %d of %d", rank, world).containsExactlyElementsOf(mine);
            assertThat(sizes(batches).subList(0, batches.size() - 1)).as("rank %d of %d", rank, world).containsOnly(7);
            union.addAll(rows(batches));

            List<Copied> dropped = all(BatchOptions.of(7).shard(rank, world).dropRemainder(true));
            assertThat(sizes(dropped)).containsOnly(7).hasSize(mine.size() / 7);
            assertThat(rows(dropped)).containsExactlyElementsOf(mine.subList(0, mine.size() / 7 * 7));
        }
        assertThat(union).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void twoRunsGiveIdenticalBatches() {
        BatchOptions options = BatchOptions.of(8).shard(1, 2);
        List<Copied> first = all(options);
        List<Copied> second = all(options.prefetch(1));
        List<Copied> third = all(options.prefetch(6));
        assertThat(first).hasSize(7);
        assertThat(second).isEqualTo(first);
        assertThat(third).isEqualTo(first);
    }

    /** Rewrites the dataset with an id above its cardinality at row 58 (row 8 of the third file). */
    private String corruptRow58() {
        int[][] cols = FormatRoundTripTest.randomColumns(ROWS, FormatRoundTripTest.SEED);
        cols[2][57] = 301;
        Path bad = dir.resolve("bad");
        FormatRoundTripTest.write(bad, cols, ROWS, ChunkType.TFRECORD, ROWS_PER_FILE, 1);
        dataset = Dataset.open(bad);
        // The error the plain reader reports; the pipeline must report the same.
        Throwable direct = catchThrowable(() -> FormatRoundTripTest.readAll(bad, "train"));
        assertThat(direct).isInstanceOf(DataException.class)
                .hasMessage(bad.resolve("train/part_00002.tfrecord") + ": row 8, feature item_feat_0_trgt: value 301 "
                        + "is out of range; ids run from 1 to the cardinality 300, 0 is padding");
        return direct.getMessage();
    }

    @Test
    void dataErrorSurfacesFromHasNextAfterTheGoodBatches() {
        String message = corruptRow58();
        assertTimeoutPreemptively(PROMPTLY, () -> {
            try (BatchPipeline p = dataset.batches("train", BatchOptions.of(10))) {
                for (int i = 0; i < 5; i++) {
                    assertThat(p.hasNext()).isTrue();
                    assertThat(p.next().index()).isEqualTo(i);
                }
                assertThatThrownBy(p::hasNext).isExactlyInstanceOf(DataException.class).hasMessage(message);
                // Asking again must not look like a clean end of the data.
                assertThatThrownBy(p::hasNext).isExactlyInstanceOf(DataException.class).hasMessage(message);
                assertThatThrownBy(p::next).isExactlyInstanceOf(DataException.class).hasMessage(message);
            }
        });
    }

    @Test
    void dataErrorSurfacesFromNext() {
        String message = corruptRow58();
        assertTimeoutPreemptively(PROMPTLY, () -> {
            try (BatchPipeline p = dataset.batches("train", BatchOptions.of(4).shard(1, 2).prefetch(1))) {
                // Rank 1 of 2 with batches of 4 covers 8 mapping rows per batch: rows 0..55 are 7 good batches.
                for (int i = 0; i < 7; i++) {
                    assertThat(p.next().size()).isEqualTo(4);
                }
                Thread consumer = Thread.currentThread();
                Throwable t = catchThrowable(p::next);
                assertThat(t).isExactlyInstanceOf(DataException.class).hasMessage(message);
                assertThat(Thread.currentThread()).isSameAs(consumer);
            }
        });
    }

    @ParameterizedTest(name = "{0} readers")
    @ValueSource(ints = {2, 4})
    void withSeveralReadersADataErrorStillComesAfterEveryGoodBatch(int readers) {
        String message = corruptRow58();
        assertTimeoutPreemptively(PROMPTLY, () -> {
            // Batches of 10: row 57 is in batch 5, read by thread 5 mod readers while the others run ahead.
            try (BatchPipeline p = dataset.batches("train", BatchOptions.of(10).readers(readers))) {
                for (int i = 0; i < 5; i++) {
                    assertThat(p.next().index()).isEqualTo(i);
                }
                assertThatThrownBy(p::hasNext).isExactlyInstanceOf(DataException.class).hasMessage(message);
                assertThatThrownBy(p::next).isExactlyInstanceOf(DataException.class).hasMessage(message);
            }
            assertThat(producerAlive()).as("reader threads still running after close()").isFalse();
        });
    }

    @Test
    void severalReadersOverTheColumnarFormat() {
        Path col = dir.resolve("columnar");
        Map<String, int[]> cols = FormatRoundTripTest.writeRandom(col, ChunkType.SIM4J, ROWS, ROWS_PER_FILE, 1);
        dataset = Dataset.open(col);
        expected = IntStream.range(0, ROWS).mapToObj(r -> row(cols, r)).toList();
        assertThat(rows(all(BatchOptions.of(9)))).containsExactlyElementsOf(expected);
        assertThat(rows(all(BatchOptions.of(4).shard(2, 3).dropRemainder(true)))).hasSize(32);
    }

    @Test
    void severalReadersOverPrebatchedTfRecords() {
        // Four rows per record (a file's last record holds one): skips end inside records as well as between them.
        Path pre = dir.resolve("prebatched");
        Map<String, int[]> cols = FormatRoundTripTest.writeRandom(pre, ChunkType.TFRECORD, ROWS, ROWS_PER_FILE, 4);
        dataset = Dataset.open(pre);
        expected = IntStream.range(0, ROWS).mapToObj(r -> row(cols, r)).toList();
        assertThat(rows(all(BatchOptions.of(9)))).containsExactlyElementsOf(expected);
        assertThat(rows(all(BatchOptions.of(4)))).containsExactlyElementsOf(expected);
        assertThat(rows(all(BatchOptions.of(3).shard(1, 2)))).hasSize(51);
    }

    @Test
    void severalReadersOverCsv() {
        Path csv = dir.resolve("csv");
        Map<String, int[]> cols = FormatRoundTripTest.writeRandom(csv, ChunkType.CSV, ROWS, ROWS_PER_FILE, 1);
        dataset = Dataset.open(csv);
        expected = IntStream.range(0, ROWS).mapToObj(r -> row(cols, r)).toList();
        assertThat(rows(all(BatchOptions.of(9)))).containsExactlyElementsOf(expected);
        assertThat(rows(all(BatchOptions.of(4).shard(2, 3).dropRemainder(true)))).hasSize(32);
        assertThat(dataset.readsInParallel("train")).isTrue();
    }

    @Test
    void theRowFormatsThatSkipCheaplyReadInParallel() {
        assertThat(dataset.readsInParallel("train")).as("tfrecord").isTrue();
        Path col = dir.resolve("columnar");
        FormatRoundTripTest.writeRandom(col, ChunkType.SIM4J, ROWS, ROWS_PER_FILE, 1);
        assertThat(Dataset.open(col).readsInParallel("train")).as("sim4j columnar").isFalse();
        assertThat(Dataset.open(col).readsInParallel("no such mapping")).isTrue();
    }

    /**
     * A record whose data checksum fails: the readers that skip it do not check it, the one that reads it does, and it
     * comes first in the batch order, so the consumer gets the single reader's message after the good batches.
     */
    @ParameterizedTest(name = "{0} readers")
    @ValueSource(ints = {1, 2, 4})
    void aCorruptRecordOtherReadersSkipIsReportedAsOneReaderReportsIt(int readers) throws Exception {
        // Row 58 is record 8 of part_00002 (rows 50..74); batches of 10 put it in batch 5.
        Path file = dir.resolve("train/part_00002.tfrecord");
        byte[] bytes = java.nio.file.Files.readAllBytes(file);
        long at = 0;
        for (int record = 1; record < 8; record++) {
            at += 12 + java.nio.ByteBuffer.wrap(bytes, (int) at, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong() + 4;
        }
        long length = java.nio.ByteBuffer.wrap(bytes, (int) at, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        bytes[(int) (at + 12 + length / 2)] ^= 0x10;
        java.nio.file.Files.write(file, bytes);
        dataset = Dataset.open(dir);
        Throwable direct = catchThrowable(() -> FormatRoundTripTest.readAll(dir, "train"));
        assertThat(direct).isInstanceOf(DataException.class).hasMessageContaining("record 8 at byte " + at)
                .hasMessageContaining("data checksum (CRC32C) mismatch");
        assertTimeoutPreemptively(PROMPTLY, () -> {
            try (BatchPipeline p = dataset.batches("train", BatchOptions.of(10).readers(readers))) {
                for (int i = 0; i < 5; i++) {
                    assertThat(p.next().index()).isEqualTo(i);
                }
                assertThatThrownBy(p::hasNext).isExactlyInstanceOf(DataException.class)
                        .hasMessage(direct.getMessage());
            }
        });
    }

    @Test
    void closeWithSeveralReadersStopsThemAll() {
        assertTimeoutPreemptively(PROMPTLY, () -> {
            BatchPipeline p = dataset.batches("train", BatchOptions.of(1).prefetch(1).readers(3));
            p.next();
            Thread.sleep(100);
            p.close();
            assertThat(producerAlive()).isFalse();
            assertThat(p.hasNext()).isFalse();
        });
    }

    private static boolean producerAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("sim4j-batches-") && t.isAlive());
    }

    @Test
    void closeMidIterationReturnsPromptly() {
        assertTimeoutPreemptively(PROMPTLY, () -> {
            BatchPipeline p = dataset.batches("train", BatchOptions.of(1).prefetch(1));
            p.next();
            p.next();
            // Let the producer fill the queue and block on it.
            Thread.sleep(100);
            p.close();
            assertThat(producerAlive()).as("producer thread still running after close()").isFalse();
            // A closed pipeline neither hangs nor hands out batches whose reader is gone.
            assertThat(p.hasNext()).isFalse();
            p.close();
        });
    }

    @Test
    void closeFromAnotherThreadWakesABlockedConsumer() {
        assertTimeoutPreemptively(PROMPTLY, () -> {
            try (BatchPipeline p = dataset.batches("train", BatchOptions.of(1).prefetch(1))) {
                p.next();
                Thread closer = Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    p.close();
                });
                int seen = 1;
                while (p.hasNext()) {
                    p.next();
                    seen++;
                    // A slow consumer: the producer is blocked on a full queue when close() comes.
                    Thread.sleep(5);
                }
                closer.join();
                assertThat(seen).isLessThan(ROWS);
            }
        });
    }

    @Test
    void aBatchPromisedByHasNextIsHandedOutEvenIfCloseComesFirst() {
        // The race of a closer thread landing between hasNext and next, made deterministic.
        BatchPipeline p = dataset.batches("train", BatchOptions.of(1).prefetch(1));
        assertThat(p.hasNext()).isTrue();
        p.close();
        assertThat(p.next()).isNotNull();
        assertThat(p.hasNext()).isFalse();
    }

    @Test
    void closeBeforeTheFirstBatch() {
        assertTimeoutPreemptively(PROMPTLY, () -> {
            BatchPipeline p = dataset.batches("train", BatchOptions.of(10));
            p.close();
            assertThat(producerAlive()).isFalse();
        });
    }

    @Test
    void unknownMappingFailsOnTheCallersThread() {
        assertThatThrownBy(() -> dataset.batches("validation", BatchOptions.of(10)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("no mapping 'validation'");
    }
}
