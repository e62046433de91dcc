package dev.sim4j.engine.cpu;

import dev.sim4j.engine.TensorScope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Recycles the float arrays of a step's temporaries. A training step allocates the same few hundred arrays (about a
 * gigabyte at batch 2048) every time; fresh Java arrays cost page faults, zeroing and garbage collection, which was a
 * fifth of the step. Arrays taken while a scope is open return to free lists (by exact length) when that scope closes,
 * and are zeroed again when handed out. Synchronised: the caller's thread allocates, but nothing forbids another.
 */
final class FloatArrayPool {
    private final Map<Integer, ArrayDeque<float[]>> free = new HashMap<>();
    /** Arrays handed out while a scope is open, oldest first; each open scope owns a suffix of it. */
    private final List<float[]> taken = new ArrayList<>();
    private int depth;

    /**
     * Opens a scope; its close returns every array taken since it opened (scopes close innermost first, so a nested
     * scope, such as one micro-batch's, frees its arrays for the next one while the outer step's stay taken).
     */
    synchronized TensorScope open() {
        depth++;
        int start = taken.size();
        int level = depth;
        boolean[] closed = {false};
        return () -> {
            synchronized (this) {
                if (closed[0]) {
                    return;
                }
                if (level != depth) {
                    throw new IllegalStateException("tensor scopes must close innermost first");
                }
                closed[0] = true;
                depth--;
                for (int k = taken.size() - 1; k >= start; k--) {
                    float[] a = taken.remove(k);
                    free.computeIfAbsent(a.length, n -> new ArrayDeque<>()).push(a);
                }
            }
        };
    }

    /**
     * An array of {@code length}: recycled when a scope is open and one is free, else new. Zeroed when {@code zero},
     * else holding whatever it held ({@code poison}: NaN, so a kernel reading what it should overwrite shows in tests).
     */
    synchronized float[] take(int length, boolean zero, boolean poison) {
        float[] a = null;
        if (depth > 0) {
            ArrayDeque<float[]> q = free.get(length);
            if (q != null && !q.isEmpty()) {
                a = q.pop();
                if (zero) {
                    Arrays.fill(a, 0f);
                }
            }
        }
        if (a == null) {
            a = new float[length];
        }
        if (!zero && poison) {
            Arrays.fill(a, Float.NaN);
        }
        if (depth > 0) {
            taken.add(a);
        }
        return a;
    }

    /** Drops every free array (memory goes back to the garbage collector). */
    synchronized void trim() {
        free.clear();
    }
}
