package dev.sim4j.cli.serve;

import dev.sim4j.cli.MissingLibraryException;
import dev.sim4j.serve.store.BehaviourStore;
import java.nio.file.Path;

/** Opens a behaviour store for a command, turning a missing RocksDB (a GPU bundle ships none) into one clear line. */
final class StoreOpener {
    private StoreOpener() {
    }

    static BehaviourStore open(Path dir) {
        try {
            return BehaviourStore.open(dir);
        } catch (NoClassDefFoundError | UnsatisfiedLinkError e) {
            throw new MissingLibraryException("the behaviour store needs RocksDB (rocksdbjni), which this "
                    + "installation lacks (a GPU bundle leaves it out): run 'sim4j store' and 'sim4j serve' from a build, "
                    + "bin/sim4j");
        }
    }
}
