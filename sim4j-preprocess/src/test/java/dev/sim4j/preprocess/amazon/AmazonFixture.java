package dev.sim4j.preprocess.amazon;

import dev.sim4j.data.dataset.Dataset;
import dev.sim4j.data.dataset.MappingReader;
import dev.sim4j.data.spec.FeatureDef;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * A hand-made dump small enough to work out every output row by hand (see {@link AmazonPreprocessorTest}).
 * Users: B reviews X2@10, X1@10, X3@20, X1@30, X4@40; A reviews X3@5, X2@6, X3@7; C reviews X1@1, X5@2 (dropped with
 * --min-reviews 3). Metadata: X1 'Mystery'; X2 first path ending "Children's"; X3 has no categories; X4 has no line;
 * X5 and X9 are not reviewed by kept users.
 */
final class AmazonFixture {
    private AmazonFixture() {
    }

    static String review(String user, String asin, long time) {
        return "{\"reviewerID\": \"" + user + "\", \"asin\": \"" + asin + "\", \"reviewerName\": \"R. \\\"Q\\\" Name\", "
                + "\"helpful\": [1, 2], \"reviewText\": \"Fine {book}, \\u00e9 [x]\", \"overall\": 4.0, "
                + "\"summary\": \"ok\", \"unixReviewTime\": " + time + ", \"reviewTime\": \"01 01, 2000\"}";
    }

    static final List<String> REVIEWS = List.of(
            review("B", "X2", 10), review("A", "X3", 5), review("C", "X1", 1), review("B", "X4", 40),
            review("B", "X1", 10), review("A", "X3", 7), review("B", "X3", 20), review("C", "X5", 2),
            review("A", "X2", 6), review("B", "X1", 30));

    static final List<String> META = List.of(
            "{'asin': 'X1', 'title': 'One', 'price': 3.17, 'categories': [['Books', 'Mystery']]}",
            "{'asin': 'X2', 'title': \"Don't\", 'salesRank': {'Books': 12}, 'categories': [['Books', \"Children's\"], ['Books', 'Other']]}",
            "{'asin': 'X3', 'title': 'Caf\\xc3\\xa9', 'related': {'also_bought': ['X1']}}",
            "{'asin': 'X5', 'categories': [['Books', 'Zed']]}",
            "{'asin': 'X9', 'categories': [['Books', 'Unused']]}");

    static Path write(Path dir, String name, List<String> lines, boolean gzip) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name + (gzip ? ".json.gz" : ".json"));
        byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(bytes);
        }
        return file;
    }

    static PreprocessOptions options(Path reviews, Path meta, Path out) {
        return PreprocessOptions.defaults(reviews, meta, out).withLimits(3, 3);
    }

    /** A row as read back: label, uid, target item and category, then the four histories. */
    record Row(int label, int uid, int item, int cat, List<Integer> pos, List<Integer> posCat, List<Integer> neg,
               List<Integer> negCat) {
    }

    static List<Row> rows(Path dataset, String mapping) {
        Dataset ds = Dataset.open(dataset);
        List<String> order = List.of("label", "user_feat_0", "item_feat_0_trgt", "item_feat_1_trgt", "item_feat_0_pos",
                "item_feat_1_pos", "item_feat_0_neg", "item_feat_1_neg");
        List<FeatureDef> features = order.stream().map(ds.spec()::feature).toList();
        int l = features.get(4).width();
        int[][] c = new int[8][];
        for (int f = 0; f < 8; f++) {
            c[f] = new int[64 * features.get(f).width()];
        }
        List<Row> out = new ArrayList<>();
        try (MappingReader r = ds.reader(mapping, features)) {
            int n;
            while ((n = r.read(c, 0, 64)) > 0) {
                for (int i = 0; i < n; i++) {
                    out.add(new Row(c[0][i], c[1][i], c[2][i], c[3][i], slice(c[4], i, l), slice(c[5], i, l),
                            slice(c[6], i, l), slice(c[7], i, l)));
                }
            }
        }
        return out;
    }

    static List<Integer> slice(int[] col, int r, int l) {
        return Arrays.stream(Arrays.copyOfRange(col, r * l, r * l + l)).boxed().toList();
    }
}
