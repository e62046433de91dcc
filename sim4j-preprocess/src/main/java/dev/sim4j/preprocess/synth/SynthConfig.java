package dev.sim4j.preprocess.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * Every parameter of the synthetic Amazon Books dump; {@code docs/synthetic-data.md} explains each one. The content
 * of the files depends on all fields but {@code threads}; their bytes also on {@code gzipLevel}.
 *
 * @param users             number of reviewers (every one writes at least one review)
 * @param items             catalogue size: items with an identity (most have a metadata line, not all are reviewed)
 * @param categories        number of leaf categories (the model's category is the leaf of the first path)
 * @param seed              seed of every random draw
 * @param shortShare        share of users with fewer than 20 reviews (dropped by the preprocessing)
 * @param shortMean         mean review count of those users (1..19)
 * @param longMean          mean review count of the other users (before the cap)
 * @param maxReviews        cap on one user's review count
 * @param itemZipf          Zipf exponent of item popularity within a category
 * @param categoryZipf      Zipf exponent of category popularity
 * @param interestGapMin    smallest distance, in reviews, between two reviews of one lifelong interest
 * @param interestGapMax    largest such distance
 * @param driftRun          mean number of reviews a short-term interest lasts
 * @param noise             share of reviews drawn from global popularity, unrelated to the user's interests
 * @param missingMetaShare  share of items without a metadata line
 * @param noCategoryShare   share of metadata lines without a {@code 'categories'} key
 * @param unreviewedShare   share of items that nobody reviews (they still get a metadata line)
 * @param threads           worker threads (does not change the output)
 * @param gzipLevel         deflate level 1..9 (changes the compressed bytes, not the content)
 */
public record SynthConfig(int users, int items, int categories, long seed,
                          double shortShare, double shortMean, double longMean, int maxReviews,
                          double itemZipf, double categoryZipf,
                          int interestGapMin, int interestGapMax, double driftRun, double noise,
                          double missingMetaShare, double noCategoryShare, double unreviewedShare,
                          int threads, int gzipLevel) {

    /** The reviewer count below which the preprocessing drops a user. */
    public static final int MIN_KEPT_REVIEWS = 20;

    /** Small defaults: about 100 k reviews, a few seconds, for tests and the quick start. */
    public static SynthConfig defaults() {
        return new SynthConfig(2_000, 5_000, 100, 12345L,
                0.25, 2.0, 66.0, 1_000,
                0.9, 0.8,
                11, 14, 4.0, 0.05,
                0.01, 0.01, 0.02,
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())), 6);
    }

    /**
     * The size of the real Books dump: about 8.0 M reviewers, 22.5 M reviews, 2.37 M metadata lines, and about
     * 106 k reviewers with at least 20 reviews holding about 12 M reviews (the reference's U = 105,925).
     */
    public static SynthConfig booksSize() {
        SynthConfig d = defaults();
        return new SynthConfig(8_026_324, 2_370_585, 2_330, d.seed(),
                0.9868, 1.33, 113.0, 5_000,
                d.itemZipf(), d.categoryZipf(),
                d.interestGapMin(), d.interestGapMax(), d.driftRun(), d.noise(),
                d.missingMetaShare(), d.noCategoryShare(), d.unreviewedShare(),
                d.threads(), d.gzipLevel());
    }

    /** Every problem with the parameters, phrased for a command-line user; empty when valid. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (users < 1 || users > 100_000_000) {
            p.add("--users must be in 1..100,000,000, not " + users);
        }
        if (categories < 1) {
            p.add("--categories must be >= 1, not " + categories);
        }
        if (items < Math.max(1, categories)) {
            p.add("--items (" + items + ") must be >= --categories (" + categories + "): every category needs an item");
        }
        if (items > 100_000_000) {
            p.add("--items must be <= 100,000,000 (asins are 10 characters)");
        }
        share(p, "--short-share", shortShare);
        if (!(shortMean >= 1 && shortMean <= 19)) {
            p.add("--short-mean must be in [1, 19], not " + shortMean);
        }
        if (!(longMean > MIN_KEPT_REVIEWS)) {
            p.add("--long-mean must be > 20, not " + longMean);
        }
        if (maxReviews < MIN_KEPT_REVIEWS) {
            p.add("--max-reviews must be >= 20, not " + maxReviews);
        }
        if (!(itemZipf >= 0 && itemZipf <= 4) || !(categoryZipf >= 0 && categoryZipf <= 4)) {
            p.add("Zipf exponents must be in [0, 4]");
        }
        if (interestGapMin < 1 || interestGapMax < interestGapMin) {
            p.add("need 1 <= --interest-gap-min <= --interest-gap-max, not " + interestGapMin + " and " + interestGapMax);
        }
        if (!(driftRun >= 1)) {
            p.add("--drift-run must be >= 1, not " + driftRun);
        }
        share(p, "--noise", noise);
        share(p, "--missing-meta-share", missingMetaShare);
        share(p, "--no-category-share", noCategoryShare);
        share(p, "--unreviewed-share", unreviewedShare);
        if (threads < 1) {
            p.add("--threads must be >= 1, not " + threads);
        }
        if (gzipLevel < 1 || gzipLevel > 9) {
            p.add("--gzip-level must be in 1..9, not " + gzipLevel);
        }
        return p;
    }

    private static void share(List<String> p, String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            p.add(name + " must be in [0, 1], not " + v);
        }
    }
}
