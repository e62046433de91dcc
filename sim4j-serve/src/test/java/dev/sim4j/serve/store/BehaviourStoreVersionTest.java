package dev.sim4j.serve.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's version grows with every append and survives a reopen; a versioned read is the history with it. */
class BehaviourStoreVersionTest {
    @Test
    void growsWithEveryAppendAndComesWithItsHistory(@TempDir Path tmp) {
        long before;
        try (BehaviourStore store = BehaviourStore.open(tmp.resolve("s"))) {
            assertThat(store.version("u")).isZero();
            assertThat(store.versionedHistory("u", 10)).isEqualTo(new VersionedHistory(0, List.of()));
            store.append("u", List.of(new BehaviourEvent("a", "x", 5), new BehaviourEvent("b", "x", 3)));
            long one = store.version("u");
            assertThat(one).isPositive();
            store.append("u", List.of());
            assertThat(store.version("u")).as("nothing appended: the same version").isEqualTo(one);
            store.appendUnsynced("u", List.of(new BehaviourEvent("c", "y", 1)));
            long two = store.version("u");
            assertThat(two).isGreaterThan(one);
            store.append("v", List.of(new BehaviourEvent("d", "y", 1)));
            assertThat(store.version("u")).as("another user's append").isEqualTo(two);
            VersionedHistory h = store.versionedHistory("u", 2);
            assertThat(h.version()).isEqualTo(two);
            assertThat(h.newestFirst()).isEqualTo(store.history("u", 2));
            before = two;
        }
        try (BehaviourStore store = BehaviourStore.open(tmp.resolve("s"))) {
            assertThat(store.version("u")).as("after a reopen").isEqualTo(before);
            store.append("u", List.of(new BehaviourEvent("e", "y", 9)));
            assertThat(store.version("u")).isGreaterThan(before);
        }
    }
}
