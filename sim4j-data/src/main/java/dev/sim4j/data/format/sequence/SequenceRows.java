package dev.sim4j.data.format.sequence;

import dev.sim4j.data.format.RowReader;
import java.util.Arrays;

/**
 * Rebuilds a mapping's rows from a {@link SequenceStore}, in order. Columns are the eight features of the
 * reference layout, in this order: label, user, target item, target category, positive history items and categories,
 * negative history items and categories. Null columns are skipped, and so are their draws: every row's
 * negatives come from that row's own random stream, so they never depend on what else was asked for.
 */
public final class SequenceRows implements RowReader {
    public static final int FEATURES = 8;

    private final SequenceStore store;
    private final SequenceStore.RowKind kind;
    private final Negatives negatives;
    private final int[] itemCategory;
    private final int maxHistory;
    private final int[] scratchItems;
    private final int[] scratchCats;
    private int user;
    private int userStart;
    /** Within the current user: the row index (TRAIN: 0..2(n-2)-1; TEST: 0..1). */
    private int rowInUser;
    private long row;

    public SequenceRows(SequenceStore store, SequenceStore.RowKind kind) {
        this(store, kind, new NegativeSampler(store));
    }

    /** Rows whose negatives come from {@code negatives} (tests script them). */
    public SequenceRows(SequenceStore store, SequenceStore.RowKind kind, Negatives negatives) {
        this.store = store;
        this.kind = kind;
        this.negatives = negatives;
        this.itemCategory = store.itemCategory();
        this.maxHistory = store.maxHistory();
        this.scratchItems = new int[maxHistory];
        this.scratchCats = new int[maxHistory];
    }

    private int rowsOfUser(int u) {
        int n = store.lengths()[u];
        return kind == SequenceStore.RowKind.TEST ? 2 : 2 * Math.max(0, n - 2);
    }

    @Override
    public int read(int[][] columns, int dstRow, int maxRows) {
        int done = 0;
        int[] lengths = store.lengths();
        while (done < maxRows && user < lengths.length) {
            int perUser = rowsOfUser(user);
            if (rowInUser >= perUser) {
                userStart += lengths[user];
                user++;
                rowInUser = 0;
                continue;
            }
            emit(columns, dstRow + done);
            rowInUser++;
            row++;
            done++;
        }
        return done;
    }

    private void emit(int[][] c, int r) {
        int n = store.lengths()[user];
        int half = kind == SequenceStore.RowKind.TEST ? 1 : n - 2;
        boolean positive = rowInUser < half;
        // Target position within the user's events; the history is everything before it (the pool for TEST).
        int target = kind == SequenceStore.RowKind.TEST ? n - 1 : 1 + (rowInUser % half);
        int historyEnd = kind == SequenceStore.RowKind.TEST ? n - 1 : target;
        int h = Math.min(historyEnd, maxHistory);
        int from = userStart + historyEnd - h;
        // Each row has its own stream, so skipping the draws nobody asked for changes no other row.
        boolean wantNegatives = c[6] != null || c[7] != null;
        boolean wantTarget = c[2] != null || c[3] != null;
        Negatives.Draws draws = negatives.forRow(kind, row);
        int targetItem = 0;
        int targetCat = 0;
        if (positive) {
            targetItem = store.items()[userStart + target];
            targetCat = store.cats()[userStart + target];
        } else if (wantTarget || wantNegatives) {
            targetItem = draws.nextItem();
            targetCat = itemCategory[targetItem];
        }
        int pad = maxHistory - h;
        set(c[0], r, positive ? 1 : 0);
        set(c[1], r, user + 1);
        set(c[2], r, targetItem);
        set(c[3], r, targetCat);
        history(c[4], r, pad, store.items(), from, h);
        history(c[5], r, pad, store.cats(), from, h);
        if (!wantNegatives) {
            return;
        }
        for (int k = 0; k < h; k++) {
            int item = draws.nextItem();
            scratchItems[k] = item;
            scratchCats[k] = itemCategory[item];
        }
        history(c[6], r, pad, scratchItems, 0, h);
        history(c[7], r, pad, scratchCats, 0, h);
    }

    private static void set(int[] col, int r, int v) {
        if (col != null) {
            col[r] = v;
        }
    }

    private void history(int[] col, int r, int pad, int[] src, int from, int h) {
        if (col == null) {
            return;
        }
        int at = r * maxHistory;
        Arrays.fill(col, at, at + pad, 0);
        System.arraycopy(src, from, col, at + pad, h);
    }

    /** Rows handed out so far. */
    public long row() {
        return row;
    }

    @Override
    public String positionHint() {
        return "user " + (user + 1);
    }

    @Override
    public void close() {
        // The store lives in memory; nothing to release.
    }
}
