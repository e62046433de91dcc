package dev.sim4j.preprocess.spark;

import dev.sim4j.data.DataException;
import dev.sim4j.data.format.sequence.SequenceStoreFiles;
import dev.sim4j.preprocess.amazon.AmazonDatasetOutput;
import dev.sim4j.preprocess.amazon.AmazonPreprocessor;
import dev.sim4j.preprocess.amazon.BadLines;
import dev.sim4j.preprocess.amazon.NameOrder;
import dev.sim4j.preprocess.amazon.PreprocessOptions;
import dev.sim4j.preprocess.amazon.PreprocessStats;
import dev.sim4j.preprocess.amazon.Vocabulary;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;
import scala.Tuple3;

/**
 * The Amazon preprocessing as Spark jobs, with the local engine's semantics exactly (see {@link AmazonPreprocessor}):
 * the same parsers on each split, users counted and filtered by key, ids given by a distributed sort in the raw
 * names' byte order ({@link NameOrder}) and a zip with the index, each user's events sorted by (time, item id) within
 * uid-range partitions. The driver receives only small totals (line counts per split, skipped-line counts per
 * reason) and streams the results, one partition at a time and in id order, into the same writer the local engine
 * uses; it never holds the reviews, the users or the items.
 */
final class SparkAmazonJob {
    private static final StorageLevel KEEP = StorageLevel.MEMORY_AND_DISK_SER();
    private static final int FLUSH_EVENTS = 1 << 20;

    private final JavaSparkContext spark;
    private final PreprocessOptions options;
    private final String reviews;
    private final String meta;
    private final int partitions;
    private final byte[] hadoopConf;
    private final Map<String, Double> phases = new LinkedHashMap<>();
    private long phaseStart = System.nanoTime();

    SparkAmazonJob(JavaSparkContext spark, PreprocessOptions options, String reviews, String meta, int partitions) {
        this.spark = spark;
        this.options = options;
        this.reviews = reviews;
        this.meta = meta;
        this.partitions = partitions;
        this.hadoopConf = serialise(spark.hadoopConfiguration());
    }

    /** What one raw dump gave: its parsed lines (kept), line count and skipped lines. */
    private record Input(JavaRDD<LineOutcome> lines, long lineCount, long[] linesBefore, BadLines bad) {
    }

    PreprocessStats run() {
        long start = System.nanoTime();
        // Both inputs are planned (and so checked) before any work, as the local engine checks both files first.
        List<InputSplit> reviewSplits = InputFiles.plan(reviews, "--reviews", spark.hadoopConfiguration(), partitions);
        List<InputSplit> metaSplits = InputFiles.plan(meta, "--meta", spark.hadoopConfiguration(), partitions);
        Input rev = read(reviews, reviewSplits, true);
        phase("read_reviews");
        Input met = read(meta, metaSplits, false);
        JavaPairRDD<String, String[]> categoryOf = firstMetadata(met);
        phase("read_metadata");
        long badTotal = rev.bad.total() + met.bad.total();
        if (badTotal > options.maxBadLines()) {
            throw new DataException(badTotal + " input line(s) could not be used, more than --max-bad-lines "
                    + options.maxBadLines() + ":\n" + rev.bad.describe() + met.bad.describe()
                    + "Fix the input, or allow them with --max-bad-lines N (they are then skipped and counted in stats.json).");
        }
        int p = partitions;
        int minReviews = options.minReviews();

        // Users: counted by key, the kept ones sorted by name and numbered from 1.
        JavaPairRDD<String, Tuple2<String, Integer>> byUser = rev.lines.filter(o -> o.kind == LineOutcome.REVIEW)
                .mapToPair(o -> new Tuple2<>(o.name, new Tuple2<>(o.value, o.time)));
        JavaPairRDD<String, Long> perUser = byUser.mapToPair(t -> new Tuple2<>(t._1, 1L)).reduceByKey(Long::sum, p)
                .persist(KEEP);
        long usersSeen = perUser.count();
        JavaPairRDD<String, Integer> uidOf = numbered(perUser.filter(t -> t._2 >= minReviews).keys(), p).persist(KEEP);
        long userCount = uidOf.count();
        if (userCount == 0) {
            throw new DataException(reviews + ": no user has at least " + minReviews
                    + " reviews (--min-reviews); nothing to train on");
        }
        perUser.unpersist(false);

        // Reviews of kept users, by asin: (uid, time).
        JavaPairRDD<String, Tuple2<Integer, Integer>> kept = byUser.join(uidOf, p)
                .mapToPair(t -> new Tuple2<>(t._2._1._1, new Tuple2<>(t._2._2, t._2._1._2))).persist(KEEP);

        // Items reviewed by kept users, numbered in asin order, with their category names.
        JavaPairRDD<String, Tuple2<String, Integer>> itemCategory = kept.keys().distinct(p)
                .mapToPair(a -> new Tuple2<>(a, Boolean.TRUE)).leftOuterJoin(categoryOf, p)
                .mapToPair(t -> {
                    boolean known = t._2._2.isPresent();
                    String category = known ? t._2._2.get()[0] : null;
                    int flag = !known ? 1 : category == null ? 2 : 0;
                    return new Tuple2<>(t._1, new Tuple2<>(category == null ? AmazonPreprocessor.NO_CATEGORY : category, flag));
                }).persist(KEEP);
        Map<Integer, Long> flags = itemCategory.map(t -> t._2._2).countByValue();
        JavaPairRDD<String, Integer> itemIdOf = numbered(itemCategory.keys(), p);
        JavaPairRDD<String, Integer> categoryIdOf = numbered(itemCategory.map(t -> t._2._1).distinct(p), p).persist(KEEP);
        long categoryCount = categoryIdOf.count();
        // item id -> (asin, category id)
        JavaPairRDD<Integer, Tuple2<String, Integer>> items = itemIdOf.join(itemCategory, p)
                .mapToPair(t -> new Tuple2<>(t._2._2._1, new Tuple2<>(t._2._1, t._1)))
                .join(categoryIdOf, p)
                .mapToPair(t -> new Tuple2<>(t._2._1._1, new Tuple2<>(t._2._1._2, t._2._2))).persist(KEEP);
        long itemCount = items.count();
        // Every pass over the parsed input is done (the kept reviews and the item table hold what is left of it).
        rev.lines.unpersist(false);
        met.lines.unpersist(false);

        // Events: (uid, time << 32 | item) -> category, each user's in order within uid-range partitions.
        JavaPairRDD<Tuple2<Integer, Long>, Integer> events = kept
                .join(items.mapToPair(t -> new Tuple2<>(t._2._1, new Tuple2<>(t._1, t._2._2))), p)
                .mapToPair(t -> new Tuple2<>(new Tuple2<>(t._2._1._1, ((long) t._2._1._2 << 32) | t._2._2._1), t._2._2._2))
                .repartitionAndSortWithinPartitions(new UidRanges(p, userCount), new EventOrder()).persist(KEEP);
        JavaRDD<Tuple3<Integer, int[], int[]>> sequences = events.mapPartitions(UserSequences::new);
        JavaPairRDD<Integer, Integer> reviewsPerItem = events.mapToPair(t -> new Tuple2<>((int) (long) t._1._2, 1))
                .reduceByKey(Integer::sum, p);
        // item id -> (asin, category id, events), in id order
        JavaPairRDD<Integer, Tuple3<String, Integer, Integer>> itemTable = items.join(reviewsPerItem, p)
                .mapToPair(t -> new Tuple2<>(t._1, new Tuple3<>(t._2._1._1, t._2._1._2, t._2._2)))
                .sortByKey(true, p).persist(KEEP);
        phase("build_sequences");

        long[] totals = new long[2];  // events, train rows
        List<PreprocessStats> result = new ArrayList<>(1);
        AmazonDatasetOutput.write(options, (int) userCount, (int) itemCount, (int) categoryCount,
                new AmazonDatasetOutput.Contents() {
                    @Override
                    public void writeStore(SequenceStoreFiles.Writer store) {
                        writeEvents(sequences, store, totals);
                        writeItems(itemTable, store);
                        store.finish(options.seed(), options.maxSeqLen(), AmazonDatasetOutput.MAPPINGS);
                    }

                    @Override
                    public void writeVocabulary(Path vocab) {
                        writeNames(uidOf, vocab.resolve(Vocabulary.USERS), Vocabulary.USERS_HEADER);
                        try (Vocabulary.Writer w = new Vocabulary.Writer(vocab.resolve(Vocabulary.ITEMS),
                                Vocabulary.ITEMS_HEADER)) {
                            Iterator<Tuple2<Integer, Tuple3<String, Integer, Integer>>> it = itemTable.toLocalIterator();
                            while (it.hasNext()) {
                                Tuple3<String, Integer, Integer> item = it.next()._2;
                                w.add(item._1(), item._2());
                            }
                        }
                        writeNames(categoryIdOf, vocab.resolve(Vocabulary.CATEGORIES), Vocabulary.CATEGORIES_HEADER);
                    }
                }, () -> {
                    phase("write");
                    Map<String, Long> rows = new LinkedHashMap<>();
                    rows.put("train", totals[1]);
                    rows.put("test", 2 * userCount);
                    PreprocessStats s = new PreprocessStats(userCount, itemCount, categoryCount, rows, rev.lineCount,
                            met.lineCount, totals[0], usersSeen, flags.getOrDefault(1, 0L), flags.getOrDefault(2, 0L),
                            rev.bad.byReason(), met.bad.byReason(), Collections.unmodifiableMap(new LinkedHashMap<>(phases)),
                            Math.round((System.nanoTime() - start) / 1e7) / 100.0);
                    result.add(s);
                    return s;
                });
        return result.getFirst();
    }

    private void phase(String name) {
        long now = System.nanoTime();
        phases.put(name, Math.round((now - phaseStart) / 1e7) / 100.0);
        phaseStart = now;
    }

    /** Parses a dump on the executors and counts its lines and skipped lines (a few numbers reach the driver). */
    private Input read(String uri, List<InputSplit> splits, boolean isReviews) {
        byte[] confBytes = hadoopConf;
        JavaRDD<LineOutcome> lines = spark.parallelize(IntStream.range(0, splits.size()).boxed().toList(), splits.size())
                .mapPartitions(ids -> {
                    Configuration c = deserialise(confBytes);
                    List<Iterator<LineOutcome>> parts = new ArrayList<>();
                    ids.forEachRemaining(i -> parts.add(new ParsedSplit(splits.get(i), i, isReviews, c)));
                    return parts.size() == 1 ? parts.getFirst() : parts.stream().flatMap(it -> {
                        List<LineOutcome> all = new ArrayList<>();
                        it.forEachRemaining(all::add);
                        return all.stream();
                    }).iterator();
                }).persist(KEEP);
        List<LineOutcome> totals = new ArrayList<>(lines.filter(o -> o.kind == LineOutcome.SPLIT_TOTALS).collect());
        totals.sort(Comparator.comparingInt(o -> o.split));
        long[] before = new long[splits.size() + 1];
        for (LineOutcome t : totals) {
            before[t.split + 1] = before[t.split] + t.line;
        }
        long lineCount = before[splits.size()];
        BadLines bad = new BadLines(uri);
        Map<String, SkippedLines> skipped = lines.filter(o -> o.kind == LineOutcome.SKIPPED)
                .mapToPair(o -> new Tuple2<>(o.name, SkippedLines.of(o.position())))
                .reduceByKey(SkippedLines::merge).collectAsMap();
        skipped.forEach((reason, s) -> bad.add(reason, s.count,
                Arrays.stream(s.first).map(pos -> Positions.lineNumber(pos, before)).boxed().toList()));
        for (LineOutcome t : totals) {
            if (t.truncatedAt >= 0) {
                bad.add("truncated gzip (the file ends early)", before[t.split] + t.truncatedAt);
            }
        }
        if (lineCount == 0 && bad.total() == 0) {
            bad.add("empty file", 1);
        }
        return new Input(lines, lineCount, before, bad);
    }

    /**
     * asin -> its category (in a one-element array; null: none) from the first metadata line of each asin; every
     * later line of the same asin counts as a skipped line, as in the local engine.
     */
    private JavaPairRDD<String, String[]> firstMetadata(Input met) {
        JavaPairRDD<String, Iterable<Tuple2<Long, String>>> byAsin = met.lines
                .filter(o -> o.kind == LineOutcome.METADATA)
                .mapToPair(o -> new Tuple2<>(o.name, new Tuple2<>(o.position(), o.value)))
                .groupByKey(partitions).persist(KEEP);
        JavaRDD<Long> duplicates = byAsin.flatMap(t -> {
            List<Long> positions = new ArrayList<>();
            t._2.forEach(v -> positions.add(v._1));
            Collections.sort(positions);
            return positions.subList(1, positions.size()).iterator();
        });
        if (!duplicates.isEmpty()) {
            SkippedLines d = duplicates.map(SkippedLines::of).reduce(SkippedLines::merge);
            long[] before = met.linesBefore;
            met.bad.add("duplicate metadata for one asin", d.count,
                    Arrays.stream(d.first).map(pos -> Positions.lineNumber(pos, before)).boxed().toList());
        }
        return byAsin.mapValues(values -> {
            Tuple2<Long, String> first = null;
            for (Tuple2<Long, String> v : values) {
                if (first == null || v._1 < first._1) {
                    first = v;
                }
            }
            return new String[] {first._2};
        });
    }

    /** name -> id 1..n in the byte order of the names: a distributed sort, then a zip with the index. */
    private static JavaPairRDD<String, Integer> numbered(JavaRDD<String> names, int partitions) {
        return names.mapToPair(n -> new Tuple2<>(n, Boolean.TRUE)).sortByKey(NameOrder.INSTANCE, true, partitions).keys()
                .zipWithIndex().mapToPair(t -> new Tuple2<>(t._1, Math.toIntExact(t._2 + 1)));
    }

    private static void writeNames(JavaPairRDD<String, Integer> numbered, Path file, String header) {
        try (Vocabulary.Writer w = new Vocabulary.Writer(file, header)) {
            int expected = 1;
            Iterator<Tuple2<String, Integer>> it = numbered.toLocalIterator();
            while (it.hasNext()) {
                Tuple2<String, Integer> t = it.next();
                check(t._2, expected++, file.toString());
                w.add(t._1);
            }
        }
    }

    /** Streams the users' sequences in uid order into the store, in pieces of about a million events. */
    private static void writeEvents(JavaRDD<Tuple3<Integer, int[], int[]>> sequences, SequenceStoreFiles.Writer store,
                                    long[] totals) {
        int[] lengths = new int[1024];
        int[] items = new int[FLUSH_EVENTS];
        int[] cats = new int[FLUSH_EVENTS];
        int users = 0;
        int events = 0;
        int expected = 1;
        Iterator<Tuple3<Integer, int[], int[]>> it = sequences.toLocalIterator();
        while (it.hasNext()) {
            Tuple3<Integer, int[], int[]> u = it.next();
            check(u._1(), expected++, "users");
            int n = u._2().length;
            if (events + n > items.length || users == lengths.length) {
                store.events(Arrays.copyOf(lengths, users), Arrays.copyOf(items, events), Arrays.copyOf(cats, events));
                users = 0;
                events = 0;
                if (n > items.length) {
                    items = new int[n];
                    cats = new int[n];
                }
            }
            lengths[users++] = n;
            System.arraycopy(u._2(), 0, items, events, n);
            System.arraycopy(u._3(), 0, cats, events, n);
            events += n;
            totals[0] += n;
            totals[1] += 2L * Math.max(0, n - 2);
        }
        store.events(Arrays.copyOf(lengths, users), Arrays.copyOf(items, events), Arrays.copyOf(cats, events));
    }

    /** Streams the item table (padding row 0, then items 1..n) with the running review counts. */
    private static void writeItems(JavaPairRDD<Integer, Tuple3<String, Integer, Integer>> itemTable,
                                   SequenceStoreFiles.Writer store) {
        int[] category = new int[FLUSH_EVENTS];
        int[] cumulative = new int[FLUSH_EVENTS];
        int n = 1;  // row 0: padding, category 0, no reviews
        int expected = 1;
        int running = 0;
        Iterator<Tuple2<Integer, Tuple3<String, Integer, Integer>>> it = itemTable.toLocalIterator();
        while (it.hasNext()) {
            Tuple2<Integer, Tuple3<String, Integer, Integer>> t = it.next();
            check(t._1, expected++, "items");
            if (n == category.length) {
                store.items(category, cumulative, 0, n);
                n = 0;
            }
            running = Math.addExact(running, t._2._3());
            category[n] = t._2._2();
            cumulative[n] = running;
            n++;
        }
        store.items(category, cumulative, 0, n);
    }

    private static void check(int id, int expected, String what) {
        if (id != expected) {
            throw new IllegalStateException(what + ": id " + id + " arrived where " + expected + " was expected");
        }
    }

    private static byte[] serialise(Configuration conf) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            conf.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Configuration deserialise(byte[] bytes) throws IOException {
        Configuration conf = new Configuration(false);
        conf.readFields(new DataInputStream(new ByteArrayInputStream(bytes)));
        return conf;
    }

    /** Contiguous uid ranges of about equal user counts, in uid order. */
    static final class UidRanges extends Partitioner {
        private final int partitions;
        private final long users;

        UidRanges(int partitions, long users) {
            this.partitions = partitions;
            this.users = users;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            @SuppressWarnings("unchecked")
            int uid = ((Tuple2<Integer, Long>) key)._1;
            return (int) ((uid - 1L) * partitions / users);
        }
    }

    /** (uid, time << 32 | item id): by user, then by time, then by item id (the local engine's order). */
    static final class EventOrder implements Comparator<Tuple2<Integer, Long>>, Serializable {
        @Override
        public int compare(Tuple2<Integer, Long> a, Tuple2<Integer, Long> b) {
            int c = Integer.compare(a._1, b._1);
            return c != 0 ? c : Long.compare(a._2, b._2);
        }
    }

    /** Consecutive events of one uid, as (uid, items, categories); reads one user ahead at most. */
    static final class UserSequences implements Iterator<Tuple3<Integer, int[], int[]>> {
        private final Iterator<Tuple2<Tuple2<Integer, Long>, Integer>> events;
        private Tuple2<Tuple2<Integer, Long>, Integer> head;

        UserSequences(Iterator<Tuple2<Tuple2<Integer, Long>, Integer>> events) {
            this.events = events;
            this.head = events.hasNext() ? events.next() : null;
        }

        @Override
        public boolean hasNext() {
            return head != null;
        }

        @Override
        public Tuple3<Integer, int[], int[]> next() {
            if (head == null) {
                throw new NoSuchElementException();
            }
            int uid = head._1._1;
            int[] items = new int[16];
            int[] cats = new int[16];
            int n = 0;
            while (head != null && head._1._1 == uid) {
                if (n == items.length) {
                    items = Arrays.copyOf(items, n * 2);
                    cats = Arrays.copyOf(cats, n * 2);
                }
                items[n] = (int) (long) head._1._2;
                cats[n] = head._2;
                n++;
                head = events.hasNext() ? events.next() : null;
            }
            return new Tuple3<>(uid, Arrays.copyOf(items, n), Arrays.copyOf(cats, n));
        }
    }
}
