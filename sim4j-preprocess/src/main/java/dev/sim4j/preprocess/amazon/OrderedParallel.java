package dev.sim4j.preprocess.amazon;

import dev.sim4j.data.DataException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Parses blocks on a few threads and hands the results back in block order, so that the outcome (ids, skipped
 * line numbers) is the same whatever the thread count. At most {@code 2 x threads} blocks are in flight.
 */
final class OrderedParallel {
    private OrderedParallel() {
    }

    static <T> void run(LineBlocks blocks, int threads, Function<LineBlocks.Block, T> parse, Consumer<T> merge) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> Thread.ofPlatform().daemon().name("sim4j-parse").unstarted(r));
        Deque<Future<T>> inFlight = new ArrayDeque<>();
        try {
            LineBlocks.Block b;
            while ((b = blocks.next()) != null) {
                LineBlocks.Block block = b;
                inFlight.add(pool.submit(() -> parse.apply(block)));
                if (inFlight.size() >= 2 * threads) {
                    merge.accept(take(inFlight));
                }
            }
            while (!inFlight.isEmpty()) {
                merge.accept(take(inFlight));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static <T> T take(Deque<Future<T>> inFlight) {
        try {
            return inFlight.removeFirst().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while parsing", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
