package dev.sim4j.preprocess.amazon;

import dev.sim4j.data.DataException;
import dev.sim4j.data.format.sequence.SequenceStore;
import dev.sim4j.data.format.sequence.SequenceStoreFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the Amazon Reviews 2014 dump into a dataset with the reference's semantics (see {@code docs/data.md}):
 * users with at least {@code minReviews} review rows; item, category and user ids 1..n in the byte order of their raw
 * names (0 = padding); each user's reviews ordered by (unixReviewTime, asin); the last one the test target; every
 * earlier prefix a training row with a popularity-sampled negative twin; negative histories; left padding to L.
 */
public final class AmazonPreprocessor {
    /** The category name of items without metadata or without a category (the reference's). */
    public static final String NO_CATEGORY = "no_category";

    private final PreprocessOptions options;
    private final BadLines badReviews;
    private final BadLines badMetadata;

    // Reviews as read: provisional ids in order of first appearance.
    private final Map<String, Integer> userIndex = new HashMap<>();
    private final List<String> userNames = new ArrayList<>();
    private final Map<String, Integer> itemIndex = new HashMap<>();
    private final List<String> itemNames = new ArrayList<>();
    private int[] reviewUser = new int[1 << 16];
    private int[] reviewItem = new int[1 << 16];
    private int[] reviewTime = new int[1 << 16];
    private int reviews;
    private long reviewLines;
    private long metadataLines;
    private final Map<String, Double> phases = new LinkedHashMap<>();
    private long phaseStart = System.nanoTime();

    private AmazonPreprocessor(PreprocessOptions options) {
        this.options = options;
        this.badReviews = new BadLines(options.reviews().toString());
        this.badMetadata = new BadLines(options.meta().toString());
    }

    /** Runs the preprocessing; the output folder appears only if everything succeeded. */
    public static PreprocessStats run(PreprocessOptions options) {
        return new AmazonPreprocessor(options).run();
    }

    private PreprocessStats run() {
        long start = System.nanoTime();
        requireReadable(options.reviews(), "--reviews");
        requireReadable(options.meta(), "--meta");
        readReviews();
        phase("read_reviews");
        Map<String, String> categoryOf = readMetadata();
        phase("read_metadata");
        checkBadLines();
        Built built = build(categoryOf);
        phase("build_sequences");
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put("train", built.store.rows(SequenceStore.RowKind.TRAIN));
        rows.put("test", built.store.rows(SequenceStore.RowKind.TEST));
        PreprocessStats stats = new PreprocessStats(built.store.users(), built.store.itemCount(), built.categories.size(),
                rows, reviewLines, metadataLines, built.store.items().length, userNames.size(), built.withoutMetadata,
                built.withoutCategory, badReviews.byReason(), badMetadata.byReason(), phases, 0);
        write(built, stats, start);
        return withSeconds(stats, start);
    }

    private void phase(String name) {
        long now = System.nanoTime();
        phases.put(name, Math.round((now - phaseStart) / 1e7) / 100.0);
        phaseStart = now;
    }

    private PreprocessStats withSeconds(PreprocessStats s, long start) {
        return new PreprocessStats(s.users(), s.items(), s.categories(), s.rows(), s.reviewLinesRead(),
                s.metadataLinesRead(), s.reviewsKept(), s.usersSeen(), s.itemsWithoutMetadata(), s.itemsWithoutCategory(),
                s.skippedReviewLines(), s.skippedMetadataLines(), java.util.Collections.unmodifiableMap(new LinkedHashMap<>(phases)),
                Math.round((System.nanoTime() - start) / 1e7) / 100.0);
    }

    private static void requireReadable(Path file, String flag) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new DataException(file + ": no such readable file (given with " + flag + ")");
        }
    }

    private void readReviews() {
        ReviewLineParser parser = new ReviewLineParser();
        long size = sizeOf(options.reviews());
        try (LineBlocks blocks = new LineBlocks(options.reviews());
             Progress progress = Progress.of(options.progress(), "reviews", size)) {
            OrderedParallel.run(blocks, options.threads(), parser::parse, parsed -> {
                for (ReviewLineParser.Skipped s : parsed.skipped()) {
                    badReviews.add(s.reason(), s.line());
                }
                for (int i = 0; i < parsed.count(); i++) {
                    addReview(parsed.users().get(i), parsed.items().get(i), parsed.times()[i]);
                }
                reviewLines += parsed.lines();
                progress.update(blocks.bytesRead(), reviewLines);
            });
            if (blocks.truncatedAtLine() >= 0) {
                badReviews.add("truncated gzip (the file ends early)", blocks.truncatedAtLine());
            }
        }
        if (reviewLines == 0 && badReviews.total() == 0) {
            badReviews.add("empty file", 1);
        }
    }

    private void addReview(String user, String item, int time) {
        if (reviews == reviewUser.length) {
            int n = reviews * 2;
            reviewUser = Arrays.copyOf(reviewUser, n);
            reviewItem = Arrays.copyOf(reviewItem, n);
            reviewTime = Arrays.copyOf(reviewTime, n);
        }
        reviewUser[reviews] = intern(userIndex, userNames, user);
        reviewItem[reviews] = intern(itemIndex, itemNames, item);
        reviewTime[reviews] = time;
        reviews++;
    }

    private static int intern(Map<String, Integer> index, List<String> names, String name) {
        Integer id = index.get(name);
        if (id == null) {
            id = names.size();
            index.put(name, id);
            names.add(name);
        }
        return id;
    }

    /** asin -> category name (null: the item's metadata has no category), for every metadata line. */
    private Map<String, String> readMetadata() {
        MetadataLineParser parser = new MetadataLineParser();
        Map<String, String> categoryOf = new HashMap<>();
        long size = sizeOf(options.meta());
        try (LineBlocks blocks = new LineBlocks(options.meta());
             Progress progress = Progress.of(options.progress(), "metadata", size)) {
            OrderedParallel.run(blocks, options.threads(), parser::parse, parsed -> {
                for (ReviewLineParser.Skipped s : parsed.skipped()) {
                    badMetadata.add(s.reason(), s.line());
                }
                for (int i = 0; i < parsed.asins().size(); i++) {
                    String asin = parsed.asins().get(i);
                    if (categoryOf.containsKey(asin)) {
                        badMetadata.add("duplicate metadata for one asin", parsed.lineNumbers().get(i));
                    } else {
                        categoryOf.put(asin, parsed.categories().get(i));
                    }
                }
                metadataLines += parsed.lines();
                progress.update(blocks.bytesRead(), metadataLines);
            });
            if (blocks.truncatedAtLine() >= 0) {
                badMetadata.add("truncated gzip (the file ends early)", blocks.truncatedAtLine());
            }
        }
        if (metadataLines == 0 && badMetadata.total() == 0) {
            badMetadata.add("empty file", 1);
        }
        return categoryOf;
    }

    private void checkBadLines() {
        long total = badReviews.total() + badMetadata.total();
        if (total > options.maxBadLines()) {
            throw new DataException(total + " input line(s) could not be used, more than --max-bad-lines "
                    + options.maxBadLines() + ":\n" + badReviews.describe() + badMetadata.describe()
                    + "Fix the input, or allow them with --max-bad-lines N (they are then skipped and counted in stats.json).");
        }
    }

    /** The store and the raw names behind its ids. */
    private record Built(SequenceStore store, List<String> users, List<String> items, List<String> categories,
                         long withoutMetadata, long withoutCategory) {
    }

    private Built build(Map<String, String> categoryOf) {
        int[] perUser = new int[userNames.size()];
        for (int r = 0; r < reviews; r++) {
            perUser[reviewUser[r]]++;
        }
        // Users: kept ones, ids in byte order of reviewerID.
        List<Integer> kept = new ArrayList<>();
        for (int u = 0; u < perUser.length; u++) {
            if (perUser[u] >= options.minReviews()) {
                kept.add(u);
            }
        }
        if (kept.isEmpty()) {
            throw new DataException(options.reviews() + ": no user has at least " + options.minReviews()
                    + " reviews (--min-reviews); nothing to train on");
        }
        kept.sort(Comparator.comparing(userNames::get, NameOrder.INSTANCE));
        int[] uidOf = new int[userNames.size()];
        List<String> users = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            uidOf[kept.get(i)] = i + 1;
            users.add(userNames.get(kept.get(i)));
        }
        // Items reviewed by kept users, ids in byte order of asin; categories likewise.
        boolean[] used = new boolean[itemNames.size()];
        for (int r = 0; r < reviews; r++) {
            if (uidOf[reviewUser[r]] > 0) {
                used[reviewItem[r]] = true;
            }
        }
        List<Integer> keptItems = new ArrayList<>();
        for (int i = 0; i < used.length; i++) {
            if (used[i]) {
                keptItems.add(i);
            }
        }
        keptItems.sort(Comparator.comparing(itemNames::get, NameOrder.INSTANCE));
        int[] itemIdOf = new int[itemNames.size()];
        List<String> items = new ArrayList<>(keptItems.size());
        String[] itemCategoryName = new String[keptItems.size() + 1];
        long withoutMetadata = 0;
        long withoutCategory = 0;
        for (int i = 0; i < keptItems.size(); i++) {
            String asin = itemNames.get(keptItems.get(i));
            itemIdOf[keptItems.get(i)] = i + 1;
            items.add(asin);
            String category;
            if (!categoryOf.containsKey(asin)) {
                withoutMetadata++;
                category = NO_CATEGORY;
            } else if (categoryOf.get(asin) == null) {
                withoutCategory++;
                category = NO_CATEGORY;
            } else {
                category = categoryOf.get(asin);
            }
            itemCategoryName[i + 1] = category;
        }
        List<String> categories = new ArrayList<>(new java.util.TreeSet<>(NameOrder.INSTANCE) {
            {
                for (int i = 1; i < itemCategoryName.length; i++) {
                    add(itemCategoryName[i]);
                }
            }
        });
        Map<String, Integer> catIdOf = new HashMap<>();
        for (int i = 0; i < categories.size(); i++) {
            catIdOf.put(categories.get(i), i + 1);
        }
        int[] itemCategory = new int[keptItems.size() + 1];
        for (int i = 1; i < itemCategory.length; i++) {
            itemCategory[i] = catIdOf.get(itemCategoryName[i]);
        }
        // Events grouped by uid (counting sort), then each user's ordered by (time, asin) = (time, item id).
        int userCount = users.size();
        int[] lengths = new int[userCount];
        int[] start = new int[userCount + 1];
        for (int r = 0; r < reviews; r++) {
            int uid = uidOf[reviewUser[r]];
            if (uid > 0) {
                lengths[uid - 1]++;
            }
        }
        for (int u = 0; u < userCount; u++) {
            start[u + 1] = start[u] + lengths[u];
        }
        int events = start[userCount];
        long[] keys = new long[events];
        int[] fill = Arrays.copyOf(start, userCount);
        for (int r = 0; r < reviews; r++) {
            int uid = uidOf[reviewUser[r]];
            if (uid > 0) {
                keys[fill[uid - 1]++] = ((long) reviewTime[r] << 32) | itemIdOf[reviewItem[r]];
            }
        }
        int[] eventItems = new int[events];
        int[] eventCats = new int[events];
        int[] itemEvents = new int[itemCategory.length];
        for (int u = 0; u < userCount; u++) {
            Arrays.sort(keys, start[u], start[u + 1]);
            for (int e = start[u]; e < start[u + 1]; e++) {
                int item = (int) keys[e];
                eventItems[e] = item;
                eventCats[e] = itemCategory[item];
                itemEvents[item]++;
            }
        }
        int[] cumulative = new int[itemCategory.length];
        for (int i = 1; i < cumulative.length; i++) {
            cumulative[i] = cumulative[i - 1] + itemEvents[i];
        }
        SequenceStore store = new SequenceStore(lengths, eventItems, eventCats, itemCategory, cumulative,
                options.seed(), options.maxSeqLen(), AmazonDatasetOutput.MAPPINGS);
        return new Built(store, users, items, categories, withoutMetadata, withoutCategory);
    }

    private void write(Built built, PreprocessStats stats, long start) {
        SequenceStore store = built.store;
        AmazonDatasetOutput.write(options, built.users.size(), built.items.size(), built.categories.size(),
                new AmazonDatasetOutput.Contents() {
                    @Override
                    public void writeStore(SequenceStoreFiles.Writer w) {
                        w.events(store.lengths(), store.items(), store.cats());
                        w.items(store.itemCategory(), store.cumulativeReviews(), 0, store.itemCategory().length);
                        w.finish(store.seed(), store.maxHistory(), store.mappings());
                    }

                    @Override
                    public void writeVocabulary(Path vocab) {
                        Vocabulary.write(vocab.resolve(Vocabulary.USERS), Vocabulary.USERS_HEADER, built.users, null);
                        Vocabulary.write(vocab.resolve(Vocabulary.ITEMS), Vocabulary.ITEMS_HEADER, built.items,
                                store.itemCategory());
                        Vocabulary.write(vocab.resolve(Vocabulary.CATEGORIES), Vocabulary.CATEGORIES_HEADER,
                                built.categories, null);
                    }
                }, () -> {
                    phase("write");
                    return withSeconds(stats, start);
                });
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
