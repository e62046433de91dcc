package dev.sim4j.data.dataset;

import dev.sim4j.data.DataException;
import dev.sim4j.data.spec.FeatureDef;
import dev.sim4j.data.spec.ModelChannels;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Yields a mapping's rows as {@link Batch}es, in file order, prepared ahead on a background thread. Row i of the
 * mapping belongs to rank {@code i mod worldSize} (the reference shards its record stream the same way); each rank
 * batches its own rows. Batch buffers are recycled: a batch stays valid until the next {@link #hasNext()} or
 * {@link #next()} call. A data error on the background thread is rethrown, unchanged, by the consumer's next call
 * (and every call after it). After {@link #close()} there are no more batches.
 */
public final class BatchPipeline implements Iterator<Batch>, AutoCloseable {
    private static final Object END = new Object();

    private record Failure(Throwable error) {
    }

    /** Column buffers for one batch, indexed like {@link #wanted}, plus the channel views over them. */
    private final class Buffers {
        final int[][] columns = new int[wanted.size()][];
        final int[] label;
        final int[][] user;
        final int[][] target;
        final int[][] positive;
        final int[][] negative;
        long index;
        int size;

        Buffers(int rows) {
            for (int f = 0; f < wanted.size(); f++) {
                columns[f] = new int[rows * wanted.get(f).width()];
            }
            label = columns[slot(channels.label())];
            user = views(channels.user());
            target = views(channels.targetItem());
            positive = views(channels.positiveHistory());
            negative = views(channels.negativeHistory());
        }

        private int[][] views(List<FeatureDef> fs) {
            return fs.stream().map(f -> columns[slot(f)]).toArray(int[][]::new);
        }

        Batch batch() {
            return new Batch(index, size, channels.historyLength(), label, user, target, positive, negative);
        }
    }

    private final Dataset dataset;
    private final String mapping;
    private final BatchOptions options;
    private final ModelChannels channels;
    private final List<FeatureDef> wanted = new ArrayList<>();
    private final BlockingQueue<Object> ready;
    private final BlockingQueue<Buffers> free;
    private final Thread producer;
    private int buffersMade;
    private final int maxBuffers;
    private Buffers handedOut;
    private Object peeked;
    private volatile boolean stopped;

    BatchPipeline(Dataset dataset, String mapping, BatchOptions options) {
        this.dataset = dataset;
        this.mapping = mapping;
        this.options = options;
        this.channels = dataset.channels();
        addWanted(List.of(channels.label()));
        addWanted(channels.user());
        addWanted(channels.targetItem());
        addWanted(channels.positiveHistory());
        addWanted(channels.negativeHistory());
        this.maxBuffers = options.prefetch() + 2;
        this.ready = new ArrayBlockingQueue<>(maxBuffers + 1);
        this.free = new ArrayBlockingQueue<>(maxBuffers);
        // Open eagerly so a missing mapping or unreadable spec fails here, on the caller's thread.
        MappingReader reader = dataset.reader(mapping, wanted);
        this.producer = Thread.ofPlatform().daemon().name("sim4j-batches-" + mapping).unstarted(() -> produce(reader));
        producer.start();
    }

    private void addWanted(List<FeatureDef> fs) {
        for (FeatureDef f : fs) {
            if (wanted.stream().noneMatch(w -> w.name().equals(f.name()))) {
                wanted.add(f);
            }
        }
    }

    private int slot(FeatureDef f) {
        for (int i = 0; i < wanted.size(); i++) {
            if (wanted.get(i).name().equals(f.name())) {
                return i;
            }
        }
        throw new IllegalStateException(f.name());
    }

    private Buffers takeFree() throws InterruptedException {
        Buffers b = free.poll();
        if (b != null) {
            return b;
        }
        synchronized (this) {
            if (buffersMade < maxBuffers) {
                buffersMade++;
                return new Buffers(options.batchSize());
            }
        }
        return free.take();
    }

    private void produce(MappingReader reader) {
        int world = options.worldSize();
        int batchSize = options.batchSize();
        int[][] span = null;
        if (world > 1) {
            span = new int[wanted.size()][];
            for (int f = 0; f < wanted.size(); f++) {
                span[f] = new int[batchSize * world * wanted.get(f).width()];
            }
        }
        try (reader) {
            long index = 0;
            while (!stopped) {
                Buffers b = takeFree();
                int n = world == 1 ? reader.read(b.columns, 0, batchSize) : readShard(reader, span, b.columns);
                if (n == 0 || (n < batchSize && options.dropRemainder())) {
                    break;
                }
                b.index = index++;
                b.size = n;
                ready.put(b);
                if (n < batchSize) {
                    break;
                }
            }
            ready.put(END);
        } catch (InterruptedException e) {
            // Closed: wake a consumer blocked in hasNext() (ready always has room for one marker).
            ready.offer(END);
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            ready.offer(new Failure(t));
        }
    }

    /** Reads one span of batchSize x world rows and keeps this rank's rows (span starts are multiples of world). */
    private int readShard(MappingReader reader, int[][] span, int[][] dst) {
        int world = options.worldSize();
        int rank = options.rank();
        int m = reader.read(span, 0, options.batchSize() * world);
        int n = 0;
        for (int j = rank; j < m; j += world) {
            for (int f = 0; f < wanted.size(); f++) {
                int w = wanted.get(f).width();
                System.arraycopy(span[f], j * w, dst[f], n * w, w);
            }
            n++;
        }
        return n;
    }

    @Override
    public boolean hasNext() {
        if (stopped && peeked == null) {
            // Closed: the reader is gone, and waiting on the queue could block forever. A batch already peeked was
            // promised by an earlier hasNext (close may come from another thread between hasNext and next): it is
            // still handed out.
            return false;
        }
        if (peeked == null) {
            if (handedOut != null) {
                free.offer(handedOut);
                handedOut = null;
            }
            try {
                peeked = ready.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataException("interrupted while waiting for the next batch of " + mapping, e);
            }
        }
        if (peeked instanceof Failure(Throwable error)) {
            // The failure stays peeked: every later call rethrows it, so it never reads as a clean end of the data.
            if (error instanceof RuntimeException re) {
                throw re;
            }
            if (error instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(error);
        }
        return peeked != END;
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more batches in " + mapping);
        }
        handedOut = (Buffers) peeked;
        peeked = null;
        return handedOut.batch();
    }

    /** The dataset this pipeline reads. */
    public Dataset dataset() {
        return dataset;
    }

    @Override
    public void close() {
        stopped = true;
        producer.interrupt();
        try {
            producer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
