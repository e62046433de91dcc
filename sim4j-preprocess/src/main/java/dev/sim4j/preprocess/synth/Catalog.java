package dev.sim4j.preprocess.synth;

/**
 * The items: their categories, identities (asins), popularity and quirk flags, and samplers over them.
 *
 * <p>Category {@code c} has popularity weight {@code 1/(c+1)^categoryZipf}. Items {@code 0..C-1} found the
 * categories (item {@code c} in category {@code c}, so none is empty); every other item joins a category drawn
 * with those weights, so popular categories are also large. Within a category the k-th member (k = 0, 1, ...) has
 * weight {@code 1/(k+1)^itemZipf}; a draw picks a category, then an item of it. Items flagged "unreviewed" keep
 * their metadata but get weight 0 (the first member of a category never is, so every category stays drawable).
 */
final class Catalog {
    private static final long SALT_ASSIGN = 0xCA7A;
    private static final long SALT_ASIN_STYLE = 0xA510;
    private static final long SALT_NO_META = 0x0E7A;
    private static final long SALT_NO_CATEGORY = 0x0CA7;
    private static final long SALT_UNREVIEWED = 0x0FE1;

    // Affine bijections on the id spaces give unique, unsorted-looking asins (the preprocessing sorts ties by asin).
    private static final long DIGITS_SPACE = 10_000_000_000L;
    private static final long DIGITS_MUL = 7_919_876_543L;
    private static final long B36_SPACE = 78_364_164_096L; // 36^7
    private static final long B36_MUL = 48_271_298_723L;
    private static final char[] B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

    private final long seed;
    private final long digitsAdd;
    private final long b36Add;
    private final SynthConfig config;
    private final Taxonomy taxonomy;
    private final int[] categoryOf;
    private final int[] rankOf;
    private final int[][] members;
    private final double[][] memberCdf;
    private final double[] categoryCdf;

    Catalog(SynthConfig config) {
        this.config = config;
        this.seed = config.seed();
        this.digitsAdd = Math.floorMod(Rng.hash(seed, 0xADD, 1), DIGITS_SPACE);
        this.b36Add = Math.floorMod(Rng.hash(seed, 0xADD, 2), B36_SPACE);
        int items = config.items();
        int cats = config.categories();
        taxonomy = new Taxonomy(cats, seed);
        categoryCdf = new double[cats];
        double acc = 0;
        for (int c = 0; c < cats; c++) {
            acc += 1.0 / StrictMath.pow(c + 1, config.categoryZipf());
            categoryCdf[c] = acc;
        }
        categoryOf = new int[items];
        int[] size = new int[cats];
        Rng r = Rng.of(seed, SALT_ASSIGN, 0);
        for (int i = 0; i < items; i++) {
            int c = i < cats ? i : draw(categoryCdf, r);
            categoryOf[i] = c;
            size[c]++;
        }
        members = new int[cats][];
        memberCdf = new double[cats][];
        for (int c = 0; c < cats; c++) {
            members[c] = new int[size[c]];
            memberCdf[c] = new double[size[c]];
        }
        rankOf = new int[items];
        int[] fill = new int[cats];
        for (int i = 0; i < items; i++) {
            int c = categoryOf[i];
            int k = fill[c]++;
            members[c][k] = i;
            rankOf[i] = k;
        }
        for (int c = 0; c < cats; c++) {
            double sum = 0;
            for (int k = 0; k < members[c].length; k++) {
                boolean drawable = k == 0 || !unreviewed(members[c][k]);
                sum += drawable ? 1.0 / StrictMath.pow(k + 1, config.itemZipf()) : 0.0;
                memberCdf[c][k] = sum;
            }
        }
    }

    /** Index of the first cumulative weight above a uniform draw of the total (binary search). */
    private static int draw(double[] cdf, Rng r) {
        double x = r.nextDouble() * cdf[cdf.length - 1];
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] > x) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    int items() {
        return categoryOf.length;
    }

    Taxonomy taxonomy() {
        return taxonomy;
    }

    int categoryOf(int item) {
        return categoryOf[item];
    }

    /** Popularity rank of the item within its category (0 = most popular). */
    int rankOf(int item) {
        return rankOf[item];
    }

    /** A category drawn by category popularity. */
    int drawCategory(Rng r) {
        return draw(categoryCdf, r);
    }

    /** An item of the category drawn by within-category popularity. */
    int drawItem(Rng r, int category) {
        return members[category][draw(memberCdf[category], r)];
    }

    /** An item drawn by global popularity (category, then item). */
    int drawAny(Rng r) {
        return drawItem(r, drawCategory(r));
    }

    /** True for the items nobody reviews (they only have metadata). */
    boolean unreviewed(int item) {
        return rankOf[item] > 0 && Rng.uniform(seed, SALT_UNREVIEWED, item) < config.unreviewedShare();
    }

    /** False for the items whose metadata line is missing from the dump. */
    boolean hasMetadata(int item) {
        return Rng.uniform(seed, SALT_NO_META, item) >= config.missingMetaShare();
    }

    /** False for the metadata lines without a 'categories' key. */
    boolean hasCategories(int item) {
        return Rng.uniform(seed, SALT_NO_CATEGORY, item) >= config.noCategoryShare();
    }

    /**
     * The item's asin: 10 digits like an ISBN-10 ("0000013714") for 85 % of the items, "B00" and 7 upper-case
     * letters or digits for the rest. Two affine bijections keep them unique.
     */
    String asin(int item) {
        char[] out = new char[10];
        if (Rng.uniform(seed, SALT_ASIN_STYLE, item) < 0.15) {
            out[0] = 'B';
            out[1] = '0';
            out[2] = '0';
            long v = Math.floorMod(item * B36_MUL + b36Add, B36_SPACE);
            for (int i = 9; i >= 3; i--) {
                out[i] = B36[(int) (v % 36)];
                v /= 36;
            }
        } else {
            long v = Math.floorMod(item * DIGITS_MUL + digitsAdd, DIGITS_SPACE);
            for (int i = 9; i >= 0; i--) {
                out[i] = (char) ('0' + v % 10);
                v /= 10;
            }
        }
        return new String(out);
    }

    /** The reviewer id of user {@code u}: 'A' then 12 or 13 upper-case letters and digits, unique per user. */
    static String reviewerId(long seed, int u) {
        long h = Rng.hash(seed, 0x1D, u);
        boolean longer = (h & 1) == 0;
        char[] out = new char[longer ? 14 : 13];
        out[0] = 'A';
        long noise = h >>> 1;
        for (int i = 1; i <= 5; i++) {
            out[i] = B36[(int) (noise % 36)];
            noise /= 36;
        }
        long v = Math.floorMod(u * B36_MUL + B36_SPACE / 3, B36_SPACE); // bijective: these 7 characters make it unique
        for (int i = 12; i >= 6; i--) {
            out[i] = B36[(int) (v % 36)];
            v /= 36;
        }
        if (longer) {
            out[13] = B36[(int) (noise % 36)];
        }
        return new String(out);
    }
}
