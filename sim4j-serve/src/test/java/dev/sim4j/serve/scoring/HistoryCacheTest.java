package dev.sim4j.serve.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.engine.cpu.CpuBackend;
import dev.sim4j.model.sim.ModelConfig;
import dev.sim4j.model.sim.ModelType;
import dev.sim4j.model.sim.Models;
import dev.sim4j.serve.store.BehaviourEvent;
import dev.sim4j.serve.store.BehaviourStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history cache gives what the store holds now (an append is seen by the next request), answers repeated
 * requests from memory, stays within its bound (least recently used out first), and under concurrent appends never
 * gives a history the store did not hold.
 */
class HistoryCacheTest {
    static final int ITEMS = 40;
    static final int CATS = 4;
    @TempDir
    static Path tmp;
    static CpuBackend cpu;
    static CandidateScorer scorer;

    @BeforeAll
    static void model() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("vocab"));
        StringBuilder items = new StringBuilder("item\tasin\tcategory\n");
        for (int i = 1; i <= ITEMS; i++) {
            items.append(i).append("\tI").append(i).append('\t').append(1 + i % CATS).append('\n');
        }
        StringBuilder cats = new StringBuilder("category\tname\n");
        for (int c = 1; c <= CATS; c++) {
            cats.append(c).append("\tC").append(c).append('\n');
        }
        Files.writeString(dir.resolve("users.tsv"), "uid\treviewerID\n1\tU1\n");
        Files.writeString(dir.resolve("items.tsv"), items);
        Files.writeString(dir.resolve("categories.tsv"), cats);
        cpu = new CpuBackend(1);
        scorer = new CandidateScorer(Models.create(ModelConfig.defaults(ModelType.SIM, 1, ITEMS, CATS), cpu, 4),
                Vocabularies.read(dir));
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    private static BehaviourEvent event(int k) {
        // Unknown items and categories too: they encode as padding, as the store's own read does.
        String item = k % 13 == 0 ? "new" + k : "I" + (1 + k % ITEMS);
        return new BehaviourEvent(item, k % 17 == 0 ? "Cx" : "C" + (1 + k % CATS), 1000 + k);
    }

    private static void assertSame(EncodedHistory got, EncodedHistory want) {
        assertThat(got.items()).containsExactly(want.items());
        assertThat(got.categories()).containsExactly(want.categories());
    }

    @Test
    void givesWhatTheStoreHoldsNowAndRepeatsFromMemory() {
        try (BehaviourStore store = BehaviourStore.open(tmp.resolve("s1"))) {
            HistoryCache cache = new HistoryCache(store, scorer, 50, 1000);
            List<BehaviourEvent> first = new ArrayList<>();
            for (int k = 0; k < 30; k++) {
                first.add(event(k));
            }
            store.append("U1", first);
            assertSame(cache.history("U1"), scorer.encode(store.history("U1", 50)));
            assertSame(cache.history("U1"), scorer.encode(store.history("U1", 50)));
            assertThat(cache.misses()).isEqualTo(1);
            assertThat(cache.hits()).isEqualTo(1);
            // An append, then the next request sees it: newest first, and older events at the limit drop off.
            store.append("U1", List.of(new BehaviourEvent("I7", "C3", 5000)));
            EncodedHistory after = cache.history("U1");
            assertThat(after.size()).isEqualTo(31);
            assertThat(after.items()[0]).isEqualTo(7);
            assertSame(after, scorer.encode(store.history("U1", 50)));
            assertThat(cache.misses()).isEqualTo(2);
            // An event older than all the others lands at the end, not the front: a reread, not a prepend.
            store.append("U1", List.of(new BehaviourEvent("I9", "C1", 1)));
            assertSame(cache.history("U1"), scorer.encode(store.history("U1", 50)));
            assertThat(cache.history("U1").items()[31]).isEqualTo(9);
            // A user with no events is empty, and kept.
            assertThat(cache.history("nobody").size()).isZero();
            assertThat(cache.history("nobody").size()).isZero();
            assertThat(cache.hits()).isEqualTo(3);
            assertThat(cache.weight()).isEqualTo(32 + 1 + 1);
        }
    }

    @Test
    void staysWithinItsBoundLeastRecentlyUsedOutFirst() {
        try (BehaviourStore store = BehaviourStore.open(tmp.resolve("s2"))) {
            for (String u : List.of("a", "b", "c", "big")) {
                List<BehaviourEvent> list = new ArrayList<>();
                for (int k = 0; k < (u.equals("big") ? 40 : 10); k++) {
                    list.add(event(k));
                }
                store.append(u, list);
            }
            HistoryCache cache = new HistoryCache(store, scorer, 100, 25); // two users of 10 events (11 each)
            cache.history("a");
            cache.history("b");
            cache.history("a"); // b is now the least recently used
            cache.history("c");
            assertThat(cache.versions().keySet()).containsExactly("a", "c");
            assertThat(cache.weight()).isEqualTo(22);
            assertThat(cache.history("big").size()).isEqualTo(40); // larger than the bound: answered, not kept
            assertThat(cache.versions().keySet()).containsExactly("a", "c");
            assertThat(cache.users()).isEqualTo(2);
            HistoryCache off = new HistoryCache(store, scorer, 100, 0);
            assertSame(off.history("a"), scorer.encode(store.history("a", 100)));
            off.history("a");
            assertThat(off.hits()).isZero();
            assertThat(off.users()).isZero();
        }
    }

    @Test
    void concurrentAppendsNeverGiveAHistoryTheStoreDidNotHold() throws Exception {
        long seed = new SplittableRandom().nextLong();
        System.out.println("[HistoryCacheTest] seed " + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        int appends = 300;
        // Event k at time k: after n appends the history is events n-1, ..., 0, so a history's size says which it is.
        List<EncodedHistory> expected = new ArrayList<>();
        List<BehaviourEvent> all = new ArrayList<>();
        for (int n = 0; n <= appends; n++) {
            expected.add(scorer.encode(all.reversed()));
            all.add(new BehaviourEvent("I" + (1 + rnd.nextInt(ITEMS)), "C" + (1 + rnd.nextInt(CATS)), n));
        }
        try (BehaviourStore store = BehaviourStore.open(tmp.resolve("s3"));
             ExecutorService pool = Executors.newFixedThreadPool(3)) {
            HistoryCache cache = new HistoryCache(store, scorer, 1000, 100_000);
            AtomicBoolean done = new AtomicBoolean();
            List<Future<Integer>> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                readers.add(pool.submit(() -> {
                    int reads = 0;
                    int last = 0;
                    while (!done.get()) {
                        EncodedHistory h = cache.history("U1");
                        assertThat(h.size()).as("never an older history than one seen before").isGreaterThanOrEqualTo(last);
                        assertSame(h, expected.get(h.size()));
                        last = h.size();
                        reads++;
                    }
                    return reads;
                }));
            }
            try {
                for (int n = 0; n < appends; n++) {
                    store.appendUnsynced("U1", List.of(all.get(n)));
                    // The writer's own next request sees its append.
                    assertSame(cache.history("U1"), expected.get(n + 1));
                }
            } finally {
                done.set(true); // also when an assertion failed: the readers stop and the pool closes
            }
            for (Future<Integer> r : readers) {
                assertThat(r.get()).isPositive();
            }
            assertThat(cache.misses()).isGreaterThanOrEqualTo(appends);
        }
    }

    @Test
    void hardWindowsFromMemoryAreTheCategoryIndexs() {
        long seed = new SplittableRandom().nextLong();
        System.out.println("[HistoryCacheTest] hard windows seed " + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        // Raw categories the vocabulary lacks (two of them, both id 0), unknown items, equal times.
        String[] cats = {"C1", "C2", "C3", "C4", "Cx", "Cy"};
        try (BehaviourStore store = BehaviourStore.open(tmp.resolve("s4"))) {
            for (int u = 0; u < 40; u++) {
                String user = "h" + u;
                List<BehaviourEvent> list = new ArrayList<>();
                for (int k = rnd.nextInt(u < 5 ? 12 : 400); k > 0; k--) {
                    String item = rnd.nextInt(8) == 0 ? "new" + rnd.nextInt(5) : "I" + (1 + rnd.nextInt(ITEMS));
                    list.add(new BehaviourEvent(item, cats[rnd.nextInt(cats.length)], rnd.nextInt(300)));
                }
                store.append(user, list);
                int limit = u % 7 == 0 ? Math.max(1, list.size()) : 10_000; // some reads stop at their limit
                CachedHistory h = new HistoryCache(store, scorer, limit, 100_000).cached(user);
                assertThat(h.complete()).isEqualTo(list.size() < limit);
                for (String cat : List.of("C1", "C3", "Cx", "Cy", "Cz")) {
                    int recent = 1 + rnd.nextInt(12);
                    int older = rnd.nextInt(95);
                    EncodedHistory w = h.hardWindow(cat, recent, older);
                    if (!h.complete()) {
                        assertThat(w).isNull();
                        continue;
                    }
                    assertSame(w, scorer.encode(store.hardWindow(user, cat, recent, older)));
                }
            }
        }
    }
}
