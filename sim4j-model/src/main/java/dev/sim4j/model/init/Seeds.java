package dev.sim4j.model.init;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Reproducible random streams derived from one model seed and a name: {@code stream(seed, name)} depends only on
 * the two, so adding or removing a parameter never changes the values of the others.
 */
public final class Seeds {
    private Seeds() {
    }

    /** A 64-bit seed mixed from the model seed and the FNV-1a hash of {@code name} (UTF-8). */
    public static long derive(long seed, String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(seed ^ mix(h + 0x9e3779b97f4a7c15L));
    }

    /** A fresh stream for {@code name} under {@code seed}. */
    public static SplittableRandom stream(long seed, String name) {
        return new SplittableRandom(derive(seed, name));
    }

    /** The SplitMix64 finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
