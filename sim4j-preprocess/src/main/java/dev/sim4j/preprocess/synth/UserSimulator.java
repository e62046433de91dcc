package dev.sim4j.preprocess.synth;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The planted behaviour: how many reviews a user writes, which items, and when.
 *
 * <ul>
 *   <li>Count: with probability {@code shortShare} a "short" user with {@code min(19, 1 + G)} reviews, G geometric
 *       with mean {@code shortMean - 1}; otherwise {@code min(maxReviews, 20 + floor(X))}, X Lomax (Pareto II) with
 *       shape 2 and scale {@code longMean - 20}, so the mean is about {@code longMean} and the tail heavy.</li>
 *   <li>Lifelong interests: 2 or 3 (equally likely) distinct categories drawn by category popularity. Each recurs at
 *       positions spaced {@code U[interestGapMin, interestGapMax]} reviews apart, starting at a uniform offset in
 *       {@code [0, interestGapMax)}; with the default gap of 11..14 a lifelong category is never among the 10
 *       reviews before its own next occurrence, but is present several times in the 100 before it.</li>
 *   <li>All other positions: with probability {@code noise} an item by global popularity; otherwise an item of the
 *       current short-term category, which lasts a geometric number of such reviews (mean {@code driftRun}) and
 *       then moves: with probability {@value #DRIFT_REVISIT} back to one of the user's earlier short-term categories
 *       (uniformly), otherwise to a new category drawn by popularity (not the current one, not a lifelong one).</li>
 *   <li>Items within a category by popularity; an item the user already reviewed is redrawn up to twice, so a few
 *       duplicates remain, as in the real dump.</li>
 *   <li>Time: days between consecutive reviews are {@code floor(Exp(g))}, g = span x U[0.05, 0.6] / n, so busy
 *       users have same-day ties; squeezed into 1996-05-20 .. 2014-07-23 and placed with start = free x sqrt(U),
 *       so later years have more reviews, as on Amazon.</li>
 * </ul>
 */
final class UserSimulator {
    /** First and last day of the real dump. */
    static final int FIRST_DAY = (int) LocalDate.of(1996, 5, 20).toEpochDay();
    static final int LAST_DAY = (int) LocalDate.of(2014, 7, 23).toEpochDay();

    private static final double LOMAX_SHAPE = 2.0;
    private static final int MAX_DRIFT_TRIES = 8;
    /** Chance that a new short-term interest is one the user had before rather than a fresh draw. */
    static final double DRIFT_REVISIT = 0.3;

    private final Catalog catalog;
    private final SynthConfig config;

    UserSimulator(Catalog catalog, SynthConfig config) {
        this.catalog = catalog;
        this.config = config;
    }

    /** The number of reviews of the next user. */
    int reviewCount(Rng r) {
        if (r.chance(config.shortShare())) {
            return Math.min(SynthConfig.MIN_KEPT_REVIEWS - 1, 1 + geometric(r, config.shortMean() - 1));
        }
        double scale = (config.longMean() - SynthConfig.MIN_KEPT_REVIEWS) * (LOMAX_SHAPE - 1);
        double x = scale * (StrictMath.pow(1 - r.nextDouble(), -1 / LOMAX_SHAPE) - 1);
        return (int) Math.min(config.maxReviews(), SynthConfig.MIN_KEPT_REVIEWS + Math.floor(x));
    }

    /** A user's {@code n} reviews. */
    UserHistory simulate(Rng r, int n) {
        int[] interests = new int[r.chance(0.5) ? 2 : 3];
        int[] cat = plannedCategories(r, n, interests);
        int[] items = new int[n];
        Set<Integer> seen = new HashSet<>();
        int current = -1;
        int runLeft = 0;
        int[] past = new int[16];
        int pastCount = 0;
        for (int k = 0; k < n; k++) {
            int c = cat[k];
            if (c < 0) {
                if (r.chance(config.noise())) {
                    items[k] = pickNew(r, -1, seen);
                    continue;
                }
                if (runLeft == 0) {
                    if (pastCount > 1 && r.chance(DRIFT_REVISIT)) {
                        int c2 = past[r.nextInt(pastCount)];
                        current = c2 == current ? past[r.nextInt(pastCount)] : c2;
                    } else {
                        current = nextDrift(r, current, interests);
                        if (pastCount == past.length) {
                            past = Arrays.copyOf(past, 2 * pastCount);
                        }
                        past[pastCount++] = current;
                    }
                    runLeft = 1 + geometric(r, config.driftRun() - 1);
                }
                c = current;
                runLeft--;
            }
            items[k] = pickNew(r, c, seen);
        }
        return new UserHistory(items, days(r, n));
    }

    /** floor(Exp(λ)) with λ chosen so that the mean is {@code mean}: a geometric count 0, 1, 2, ... */
    private static int geometric(Rng r, double mean) {
        if (mean <= 0) {
            return 0;
        }
        double rate = StrictMath.log(1 + 1 / mean);
        return (int) Math.min(Integer.MAX_VALUE / 2, Math.floor(-StrictMath.log(1 - r.nextDouble()) / rate));
    }

    /** The lifelong interests and the positions they occupy ({@code -1} = free for drift or noise). */
    private int[] plannedCategories(Rng r, int n, int[] interests) {
        int[] cat = new int[n];
        Arrays.fill(cat, -1);
        int k = interests.length;
        for (int j = 0; j < k; j++) {
            int c;
            int tries = 0;
            do {
                c = catalog.drawCategory(r);
            } while (contains(interests, j, c) && ++tries < 50);
            interests[j] = c;
        }
        for (int j = 0; j < k; j++) {
            int pos = r.nextInt(config.interestGapMax());
            while (pos < n) {
                int p = pos;
                while (p < n && cat[p] >= 0) { // taken by another interest: the next free slot
                    p++;
                }
                if (p < n) {
                    cat[p] = interests[j];
                }
                pos = p + r.between(config.interestGapMin(), config.interestGapMax());
            }
        }
        return cat;
    }

    private int nextDrift(Rng r, int current, int[] interests) {
        int c = catalog.drawCategory(r);
        for (int t = 0; t < MAX_DRIFT_TRIES && (c == current || contains(interests, interests.length, c)); t++) {
            c = catalog.drawCategory(r);
        }
        return c;
    }

    private int pickNew(Rng r, int category, Set<Integer> seen) {
        int item = 0;
        for (int t = 0; t < 3; t++) {
            item = category < 0 ? catalog.drawAny(r) : catalog.drawItem(r, category);
            if (!seen.contains(item)) {
                break;
            }
        }
        seen.add(item);
        return item;
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }

    private static int[] days(Rng r, int n) {
        int span = LAST_DAY - FIRST_DAY;
        double mean = span * (0.05 + 0.55 * r.nextDouble()) / n;
        double[] cum = new double[n];
        for (int k = 1; k < n; k++) {
            cum[k] = cum[k - 1] + Math.floor(r.exponential(mean));
        }
        double total = cum[n - 1];
        double squeeze = total > span ? span / total : 1.0;
        int used = (int) Math.floor(total * squeeze);
        int start = FIRST_DAY + (int) Math.floor((span - used) * StrictMath.sqrt(r.nextDouble()));
        int[] days = new int[n];
        for (int k = 0; k < n; k++) {
            days[k] = start + (int) Math.floor(cum[k] * squeeze);
        }
        return days;
    }
}
