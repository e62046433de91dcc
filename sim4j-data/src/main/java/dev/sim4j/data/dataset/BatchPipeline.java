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
 * Yields a mapping's rows as {@link Batch}es, in file order, prepared ahead on background threads. Row i of the
 * mapping belongs to rank {@code i mod worldSize} (the reference shards its record stream the same way); each rank
 * batches its own rows. With {@link BatchOptions#readers()} threads, thread t reads batches t, t + readers, ... with a
 * reader of its own (skipping the rows in between) into a queue of its own, and the consumer takes batch k from queue
 * k mod readers: the batches come out in order and are the same for any number of readers. Batch buffers are
 * recycled: a batch stays valid until the next {@link #hasNext()} or {@link #next()} call. A data error on a
 * background thread is rethrown, unchanged, by the consumer's call that reaches its batch (and every call after it).
 * After {@link #close()} there are no more batches.
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
        final int owner;
        long index;
        int size;

        Buffers(int rows, int owner) {
            this.owner = owner;
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
    /** Per reader thread: its batches in order, and its free buffers. */
    private final List<BlockingQueue<Object>> ready = new ArrayList<>();
    private final List<BlockingQueue<Buffers>> free = new ArrayList<>();
    private final int[] buffersMade;
    private final int maxBuffers;
    private final List<Thread> producers = new ArrayList<>();
    /** The index of the batch the consumer takes next. */
    private long nextIndex;
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
        int readers = options.readers();
        // One reader keeps `prefetch` batches queued; several share the prefetch between them.
        this.maxBuffers = (options.prefetch() + readers - 1) / readers + 2;
        this.buffersMade = new int[readers];
        List<MappingReader> opened = new ArrayList<>();
        try {
            for (int t = 0; t < readers; t++) {
                // Open eagerly so a missing mapping or unreadable spec fails here, on the caller's thread.
                opened.add(dataset.reader(mapping, wanted));
                ready.add(new ArrayBlockingQueue<>(maxBuffers + 1));
                free.add(new ArrayBlockingQueue<>(maxBuffers));
            }
        } catch (RuntimeException e) {
            opened.forEach(MappingReader::close);
            throw e;
        }
        for (int t = 0; t < readers; t++) {
            int thread = t;
            MappingReader reader = opened.get(t);
            String name = "sim4j-batches-" + mapping + (readers > 1 ? "-" + t : "");
            producers.add(Thread.ofPlatform().daemon().name(name).unstarted(() -> produce(thread, reader)));
        }
        producers.forEach(Thread::start);
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

    private Buffers takeFree(int thread) throws InterruptedException {
        Buffers b = free.get(thread).poll();
        if (b != null) {
            return b;
        }
        synchronized (this) {
            if (buffersMade[thread] < maxBuffers) {
                buffersMade[thread]++;
                return new Buffers(options.batchSize(), thread);
            }
        }
        return free.get(thread).take();
    }

    /** Reader thread {@code thread}: batches thread, thread + readers, ..., skipping the rows of the others'. */
    private void produce(int thread, MappingReader reader) {
        int world = options.worldSize();
        int batchSize = options.batchSize();
        int readers = options.readers();
        long span = (long) batchSize * world;
        BlockingQueue<Object> out = ready.get(thread);
        int[][] spanColumns = null;
        if (world > 1) {
            spanColumns = new int[wanted.size()][];
            for (int f = 0; f < wanted.size(); f++) {
                spanColumns[f] = new int[batchSize * world * wanted.get(f).width()];
            }
        }
        int[][] none = new int[wanted.size()][];
        try (reader) {
            long position = 0;
            for (long index = thread; !stopped; index += readers) {
                // The rows of the other readers' batches: read with no columns, which skips their decoding where
                // the format allows.
                long skip = index * span - position;
                while (skip > 0) {
                    int got = reader.read(none, 0, (int) Math.min(skip, 1 << 16));
                    if (got == 0) {
                        break;
                    }
                    skip -= got;
                    position += got;
                }
                Buffers b = takeFree(thread);
                int n;
                if (world == 1) {
                    n = reader.read(b.columns, 0, batchSize);
                    position += n;
                } else {
                    int m = reader.read(spanColumns, 0, batchSize * world);
                    position += m;
                    n = keepRank(spanColumns, m, b.columns);
                }
                if (n == 0 || (n < batchSize && options.dropRemainder())) {
                    break;
                }
                b.index = index;
                b.size = n;
                out.put(b);
                if (n < batchSize) {
                    break;
                }
            }
            out.put(END);
        } catch (InterruptedException e) {
            // Closed: wake a consumer blocked in hasNext() (ready always has room for one marker).
            out.offer(END);
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            out.offer(new Failure(t));
        }
    }

    /** This rank's rows of a span of m rows (span starts are multiples of world), into dst; their number. */
    private int keepRank(int[][] span, int m, int[][] dst) {
        int world = options.worldSize();
        int rank = options.rank();
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
                free.get(handedOut.owner).offer(handedOut);
                handedOut = null;
            }
            try {
                peeked = ready.get((int) (nextIndex % options.readers())).take();
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
        nextIndex++;
        return handedOut.batch();
    }

    /** The dataset this pipeline reads. */
    public Dataset dataset() {
        return dataset;
    }

    @Override
    public void close() {
        stopped = true;
        producers.forEach(Thread::interrupt);
        for (Thread t : producers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
