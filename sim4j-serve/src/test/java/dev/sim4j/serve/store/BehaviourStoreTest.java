package dev.sim4j.serve.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.OutputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour store's reads, writes, category index, persistence and refusals. */
class BehaviourStoreTest {
    private static BehaviourEvent e(String item, String cat, long time) {
        return new BehaviourEvent(item, cat, time);
    }

    @Test
    void historiesComeBackMostRecentFirstWithTiesInAppendOrder(@TempDir Path tmp) {
        try (BehaviourStore store = BehaviourStore.open(tmp.resolve("s"))) {
            store.append("u1", List.of(e("a", "x", 10), e("b", "y", 30), e("c", "x", 20)));
            store.append("u1", List.of(e("d", "y", 30), e("e", "x", -5)));
            assertThat(store.history("u1", 100)).extracting(BehaviourEvent::item)
                    .containsExactly("d", "b", "c", "a", "e");
            assertThat(store.history("u1", 2)).extracting(BehaviourEvent::item).containsExactly("d", "b");
            assertThat(store.history("u1", 1).getFirst()).isEqualTo(e("d", "y", 30));
            assertThat(store.eventCount("u1")).isEqualTo(5);
            assertThat(store.history("nobody", 10)).isEmpty();
            assertThat(store.eventCount("nobody")).isZero();
        }
    }

    @Test
    void theCategoryIndexHoldsExactlyEachCategorysEvents(@TempDir Path tmp) {
        SplittableRandom rnd = new SplittableRandom(3);
        String[] users = {"A", "AB", "A B", "Ä"}; // one a prefix of another: their keys must not mix
        String[] cats = {"Books", "Books & Co", "B", "Kids"};
        try (BehaviourStore store = BehaviourStore.open(tmp.resolve("s"))) {
            for (String u : users) {
                List<BehaviourEvent> list = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    list.add(e("item" + rnd.nextInt(50), cats[rnd.nextInt(cats.length)], rnd.nextLong(-1000, 1000)));
                }
                store.append(u, list);
            }
            for (String u : users) {
                List<BehaviourEvent> all = store.history(u, Integer.MAX_VALUE);
                assertThat(all).hasSize(300);
                assertThat(all).isSortedAccordingTo(Comparator.comparingLong(BehaviourEvent::time).reversed());
                for (String c : cats) {
                    List<BehaviourEvent> want = all.stream().filter(x -> x.category().equals(c)).toList();
                    assertThat(store.categoryHistory(u, c, Integer.MAX_VALUE)).as(u + " / " + c).isEqualTo(want);
                    assertThat(store.categoryHistory(u, c, 3)).isEqualTo(want.subList(0, Math.min(3, want.size())));
                }
                assertThat(store.categoryHistory(u, "none", 10)).isEmpty();
            }
            StoreStats stats = store.stats();
            assertThat(stats.users()).isEqualTo(4);
            assertThat(stats.events()).isEqualTo(1200);
            assertThat(stats.bytes()).isPositive();
        }
    }

    @Test
    void eventsSurviveAReopenAndLaterAppendsKeepTheirOrder(@TempDir Path tmp) {
        Path dir = tmp.resolve("s");
        try (BehaviourStore store = BehaviourStore.open(dir)) {
            store.append("u", List.of(e("a", "x", 7), e("b", "x", 7)));
        }
        try (BehaviourStore store = BehaviourStore.open(dir)) {
            store.append("u", List.of(e("c", "x", 7)));
            assertThat(store.history("u", 10)).extracting(BehaviourEvent::item).containsExactly("c", "b", "a");
            assertThat(store.categoryHistory("u", "x", 10)).extracting(BehaviourEvent::item)
                    .containsExactly("c", "b", "a");
        }
    }

    @Test
    void badIdsAndASecondOpenAreRefusedWithTheReason(@TempDir Path tmp) {
        assertThatThrownBy(() -> e("", "x", 1)).hasMessageContaining("item id is empty");
        assertThatThrownBy(() -> e("a\0b", "x", 1)).hasMessageContaining("NUL");
        assertThatThrownBy(() -> e("a", "x".repeat(1025), 1)).hasMessageContaining("1025 bytes");
        try (BehaviourStore store = BehaviourStore.open(tmp.resolve("s"))) {
            assertThatThrownBy(() -> store.append("", List.of(e("a", "x", 1)))).hasMessageContaining("user id");
            assertThatThrownBy(() -> BehaviourStore.open(tmp.resolve("s"))).isInstanceOf(OutputException.class)
                    .hasMessageContaining(tmp.resolve("s").toString()).hasMessageContaining("lock");
        }
    }

    @Test
    void theHardWindowIsTheRecentEventsThenTheCategorysOlderOnes(@TempDir Path tmp) {
        SplittableRandom rnd = new SplittableRandom(8);
        String[] cats = {"x", "y", "z"};
        try (BehaviourStore store = BehaviourStore.open(tmp.resolve("s"))) {
            List<BehaviourEvent> list = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                list.add(e("i" + i, cats[rnd.nextInt(3)], rnd.nextLong(0, 300))); // many equal times
            }
            store.append("u", list);
            List<BehaviourEvent> all = store.history("u", Integer.MAX_VALUE);
            for (String c : cats) {
                List<BehaviourEvent> want = new ArrayList<>(all.subList(0, 10));
                all.subList(10, all.size()).stream().filter(x -> x.category().equals(c)).limit(90).forEach(want::add);
                assertThat(store.hardWindow("u", c, 10, 90)).as(c).isEqualTo(want);
            }
            assertThat(store.hardWindow("u", "none", 10, 90)).isEqualTo(all.subList(0, 10));
            store.append("v", List.of(e("a", "x", 1), e("b", "x", 2)));
            assertThat(store.hardWindow("v", "x", 10, 90)).extracting(BehaviourEvent::item).containsExactly("b", "a");
        }
    }
}
