package dev.sim4j.preprocess.synth;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Encodes a block of {@value #USERS_PER_BLOCK} consecutive users into review lines. Within a block the lines are
 * grouped by item (as the real dump, which is ordered by product), so neither users nor times are in order and a
 * reader must sort. Every review's text fields come from its own random stream, keyed by (user, position).
 */
final class ReviewEncoder implements GzipBlockFile.Encoder {
    /** Users per block; part of the output's definition (changing it reorders lines). */
    static final int USERS_PER_BLOCK = 512;

    private static final long SALT_USER = 0x05E5;
    private static final long SALT_REVIEW = 0x0EE1;
    private static final long SECONDS_PER_DAY = 86_400L;
    private static final double[] STARS_CDF = {0.045, 0.09, 0.18, 0.40, 1.0};

    // Python's json.dumps escapes non-ASCII by default (ensure_ascii), with lower-case hex, as the real file does:
    // with these settings a line is byte-identical to json.dumps of its parsed value.
    private final JsonFactory json = JsonFactory.builder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();
    private final Catalog catalog;
    private final UserSimulator simulator;
    private final SynthConfig config;
    private final AtomicLong keptUsers = new AtomicLong();
    private final AtomicLong keptReviews = new AtomicLong();

    ReviewEncoder(Catalog catalog, SynthConfig config) {
        this.catalog = catalog;
        this.config = config;
        this.simulator = new UserSimulator(catalog, config);
    }

    int blocks() {
        return (int) ((config.users() + (long) USERS_PER_BLOCK - 1) / USERS_PER_BLOCK);
    }

    long keptUsers() {
        return keptUsers.get();
    }

    long keptReviews() {
        return keptReviews.get();
    }

    @Override
    public long encode(int block, OutputStream out) throws IOException {
        int from = block * USERS_PER_BLOCK;
        int to = (int) Math.min(config.users(), (long) from + USERS_PER_BLOCK);
        int n = to - from;
        UserHistory[] histories = new UserHistory[n];
        String[] names = new String[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            Rng r = Rng.of(config.seed(), SALT_USER, from + i);
            histories[i] = simulator.simulate(r, simulator.reviewCount(r));
            names[i] = TextMaker.reviewerName(r);
            total += histories[i].size();
            if (histories[i].size() >= SynthConfig.MIN_KEPT_REVIEWS) {
                keptUsers.incrementAndGet();
                keptReviews.addAndGet(histories[i].size());
            }
        }
        // Sort key: item, then the review's index in the block (user, then position): grouped by product.
        long[] keys = new long[total];
        int[] refUser = new int[total];
        int[] refPos = new int[total];
        int ref = 0;
        for (int i = 0; i < n; i++) {
            int[] items = histories[i].items();
            for (int k = 0; k < items.length; k++) {
                keys[ref] = ((long) items[k] << 32) | ref;
                refUser[ref] = i;
                refPos[ref] = k;
                ref++;
            }
        }
        Arrays.sort(keys);
        String[] ids = new String[n];
        try (JsonGenerator g = json.createGenerator(out, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(new PythonJsonSpacing());
            for (long key : keys) {
                int x = (int) key;
                int i = refUser[x];
                int k = refPos[x];
                if (ids[i] == null) {
                    ids[i] = Catalog.reviewerId(config.seed(), from + i);
                }
                write(g, ids[i], names[i], histories[i].items()[k], histories[i].days()[k],
                        Rng.of(config.seed(), SALT_REVIEW, from + i, k));
            }
        }
        return total;
    }

    private void write(JsonGenerator g, String id, String name, int item, int day, Rng r) throws IOException {
        g.writeStartObject();
        g.writeStringField("reviewerID", id);
        g.writeStringField("asin", catalog.asin(item));
        if (name != null) {
            g.writeStringField("reviewerName", name);
        }
        int votes = r.chance(0.55) ? 0 : 1 + (int) Math.floor(r.exponential(r.chance(0.05) ? 40 : 2));
        int helpful = (int) Math.floor(votes * StrictMath.sqrt(r.nextDouble()) + 0.5);
        g.writeArrayFieldStart("helpful");
        g.writeNumber(Math.min(helpful, votes));
        g.writeNumber(votes);
        g.writeEndArray();
        g.writeStringField("reviewText", TextMaker.reviewText(r));
        g.writeNumberField("overall", stars(r));
        g.writeStringField("summary", TextMaker.summary(r));
        g.writeNumberField("unixReviewTime", day * SECONDS_PER_DAY);
        g.writeStringField("reviewTime", reviewTime(day));
        g.writeEndObject();
        g.writeRaw('\n');
    }

    private static double stars(Rng r) {
        double u = r.nextDouble();
        int s = 0;
        while (u >= STARS_CDF[s]) {
            s++;
        }
        return s + 1.0;
    }

    /** The real dump's format: month with two digits, day without padding: "09 13, 2009", "01 5, 2013". */
    static String reviewTime(int epochDay) {
        LocalDate d = LocalDate.ofEpochDay(epochDay);
        int m = d.getMonthValue();
        return (m < 10 ? "0" : "") + m + " " + d.getDayOfMonth() + ", " + d.getYear();
    }
}
