package dev.sim4j.preprocess.synth;

import java.util.ArrayList;
import java.util.List;

/**
 * One metadata line per item, a Python dict literal as {@code str(dict)} printed it in the real dump. Keys come in
 * one of two orders (the real file's order varied with Python 2's dict hashing), and optional keys are absent at
 * realistic rates, so a parser must look keys up by name.
 */
final class MetadataEncoder {
    private static final long SALT = 0x3E7A;
    private static final String IMAGE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Catalog catalog;
    private final long seed;

    MetadataEncoder(Catalog catalog, long seed) {
        this.catalog = catalog;
        this.seed = seed;
    }

    /** Appends the item's line and a newline; returns false (appending nothing) for an item without metadata. */
    boolean append(int item, StringBuilder sb) {
        if (!catalog.hasMetadata(item)) {
            return false;
        }
        Rng r = Rng.of(seed, SALT, item);
        String description = r.chance(0.45) ? TextMaker.description(r) : null;
        String title = r.chance(0.9) ? TextMaker.title(r) : null;
        double price = r.chance(0.7) ? price(r) : -1;
        long salesRank = r.chance(0.88) ? salesRank(r, item) : -1;
        String imUrl = r.chance(0.97) ? imageUrl(r) : null;
        List<List<String>> related = r.chance(0.8) ? related(r, item) : List.of();
        List<List<String>> paths = catalog.hasCategories(item) ? paths(r, item) : null;

        sb.append("{'asin': ");
        PyRepr.str(sb, catalog.asin(item));
        if (r.chance(0.7)) {
            text(sb, "description", description);
            text(sb, "title", title);
            price(sb, price);
            salesRank(sb, salesRank);
            text(sb, "imUrl", imUrl);
            related(sb, related);
            categories(sb, paths);
        } else {
            salesRank(sb, salesRank);
            text(sb, "imUrl", imUrl);
            categories(sb, paths);
            text(sb, "title", title);
            text(sb, "description", description);
            price(sb, price);
            related(sb, related);
        }
        sb.append("}\n");
        return true;
    }

    private static double price(Rng r) {
        double p = StrictMath.exp(2.5 + 0.7 * r.gaussian());
        return r.chance(0.05) ? Math.max(1, Math.round(p)) : Math.max(1, Math.round(p * 100)) / 100.0;
    }

    /** The Amazon sales rank grows with the within-category rank and the category rank. */
    private long salesRank(Rng r, int item) {
        double base = (catalog.rankOf(item) + 1.0) * StrictMath.pow(catalog.categoryOf(item) + 1.0, 0.8) * 40;
        return 1 + (long) Math.min(12_000_000, base * (0.5 + r.nextDouble()));
    }

    private static String imageUrl(Rng r) {
        StringBuilder sb = new StringBuilder("http://ecx.images-amazon.com/images/I/");
        for (int i = 0; i < 11; i++) {
            sb.append(IMAGE_CHARS.charAt(r.nextInt(IMAGE_CHARS.length())));
        }
        return sb.append(r.chance(0.3) ? "._SY300_.jpg" : ".jpg").toString();
    }

    /** also_bought, also_viewed, bought_together: items of the same category, popular ones more often. */
    private List<List<String>> related(Rng r, int item) {
        int c = catalog.categoryOf(item);
        List<List<String>> lists = new ArrayList<>(3);
        lists.add(r.chance(0.6) ? asins(r, c, r.between(1, 40)) : null);
        lists.add(r.chance(0.5) ? asins(r, c, r.between(1, 30)) : null);
        lists.add(r.chance(0.25) ? asins(r, c, r.between(1, 2)) : null);
        return lists;
    }

    private List<String> asins(Rng r, int category, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String a = catalog.asin(catalog.drawItem(r, category));
            if (!out.contains(a)) {
                out.add(a);
            }
        }
        return out;
    }

    /** The first path names the item's category; extra paths (another genre, Kindle) follow it. */
    private List<List<String>> paths(Rng r, int item) {
        Taxonomy t = catalog.taxonomy();
        int c = catalog.categoryOf(item);
        List<List<String>> paths = new ArrayList<>(3);
        paths.add(t.path(c));
        if (r.chance(0.15)) {
            int other = catalog.drawCategory(r);
            if (other != c) {
                paths.add(t.path(other));
            }
        }
        double v = r.nextDouble();
        if (v < 0.12) {
            paths.add(List.of("Books", "Kindle eBooks"));
        } else if (v < 0.17) {
            paths.add(List.of("Kindle Store", "Kindle eBooks", t.leaf(c)));
        }
        return paths;
    }

    private static void key(StringBuilder sb, String key) {
        sb.append(", ");
        PyRepr.str(sb, key);
        sb.append(": ");
    }

    private static void text(StringBuilder sb, String key, String value) {
        if (value != null) {
            key(sb, key);
            PyRepr.str(sb, value);
        }
    }

    private static void price(StringBuilder sb, double price) {
        if (price > 0) {
            key(sb, "price");
            PyRepr.decimal(sb, price);
        }
    }

    private static void salesRank(StringBuilder sb, long rank) {
        if (rank > 0) {
            key(sb, "salesRank");
            sb.append("{'Books': ").append(rank).append('}');
        }
    }

    private static void related(StringBuilder sb, List<List<String>> lists) {
        if (lists.isEmpty() || (lists.get(0) == null && lists.get(1) == null && lists.get(2) == null)) {
            return;
        }
        key(sb, "related");
        sb.append('{');
        String[] names = {"also_bought", "also_viewed", "bought_together"};
        boolean first = true;
        for (int i = 0; i < 3; i++) {
            if (lists.get(i) != null) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                PyRepr.str(sb, names[i]);
                sb.append(": ");
                PyRepr.strList(sb, lists.get(i));
            }
        }
        sb.append('}');
    }

    private static void categories(StringBuilder sb, List<List<String>> paths) {
        if (paths == null) {
            return;
        }
        key(sb, "categories");
        sb.append('[');
        for (int i = 0; i < paths.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            PyRepr.strList(sb, paths.get(i));
        }
        sb.append(']');
    }
}
