package dev.sim4j.cuda.backend;

import dev.sim4j.cuda.CudaException;
import dev.sim4j.cuda.driver.CudaDriver;
import dev.sim4j.engine.TensorScope;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The caching device allocator: cuMemAlloc per tensor costs far more than the kernels that use it, so blocks are kept
 * in free lists by rounded size and handed out again. Two ways back to the lists: a tensor allocated while a
 * {@link TensorScope} is open returns when the scope closes (the CPU backend's rule, ADR 0005); any other returns
 * when it is closed or when no tensor refers to its storage any more (a cleaner, as the garbage collector frees a CPU
 * array). Reuse is safe without events because all work runs in order on the backend's one compute stream: a kernel
 * that writes a recycled block is queued after every kernel that read it. When the device is full, the free blocks are
 * released and the allocation is tried once more.
 *
 * <p>Recordings (CUDA graphs): a replay writes the blocks its capture used, so from the end of a capture until its
 * hold closes those blocks are never handed to an ordinary allocation; the captures of other recordings may take
 * them (replays run one after another on the stream, so recordings share one set of temporaries).
 */
public final class DevicePool implements AutoCloseable {
    /** One allocation; {@code live} is false while it sits in a free list. */
    static final class Block {
        final long address;
        final long bytes;
        boolean live;
        /** Recordings (CUDA graphs) that use this block: while any does, it never goes back to a free list. */
        int holds;

        Block(long address, long bytes) {
            this.address = address;
            this.bytes = bytes;
        }
    }

    /**
     * The one way a {@link Storage}'s block goes back: at most once, whether by scope, explicit close or cleaner, so a
     * block handed to a new tensor can never be released again by an old owner. The cleaner holds this, not the
     * storage it watches.
     */
    private final class Lease implements Runnable {
        private final Block block;
        private boolean returned;

        Lease(Block block) {
            this.block = block;
        }

        @Override
        public void run() {
            synchronized (DevicePool.this) {
                if (!returned) {
                    returned = true;
                    release(block);
                }
            }
        }
    }

    /**
     * What tensors share: a block and the lease that returns it. Views of a tensor hold the same storage, so the
     * cleaner runs only when the last view is gone.
     */
    public static final class Storage {
        private final Block block;
        private final Runnable lease;

        Storage(Block block, Runnable lease) {
            this.block = block;
            this.lease = lease;
        }

        public long address() {
            return block.address;
        }

        public long bytes() {
            return block.bytes;
        }
    }

    private final CudaDriver driver;
    private final Cleaner cleaner = Cleaner.create();
    private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
    /**
     * Blocks held by recordings and not in use: only a recording's capture takes them. Recordings replay one after
     * another on the one stream, so they can share their temporaries; ordinary tensors never get these blocks.
     */
    private final Map<Long, ArrayDeque<Block>> graphFree = new HashMap<>();
    private final List<Block> all = new ArrayList<>();
    private final List<Lease> taken = new ArrayList<>();
    private int depth;
    /** Blocks handed out while a recording is open (null: none is). */
    private java.util.Set<Block> recorded;
    private long reservedBytes;
    private long peakReservedBytes;
    private boolean closed;

    public DevicePool(CudaDriver driver) {
        this.driver = driver;
    }

    /** Rounds a request to its size class: 512 B steps below 1 MiB, 2 MiB steps above (exact reuse for repeated shapes). */
    static long sizeClass(long bytes) {
        long b = Math.max(bytes, 1);
        long step = b < (1 << 20) ? 512 : 2L << 20;
        return (b + step - 1) / step * step;
    }

    /**
     * Storage of at least {@code bytes}; outside a scope it returns to the pool when no tensor refers to it any more
     * (or on an explicit release), inside one when the scope closes.
     */
    public synchronized Storage allocate(long bytes) {
        if (closed) {
            throw new IllegalStateException("the CUDA backend is closed");
        }
        long size = sizeClass(bytes);
        Block block = null;
        if (recorded != null) {
            ArrayDeque<Block> g = graphFree.get(size);
            block = g == null ? null : g.poll();
        }
        if (block == null) {
            ArrayDeque<Block> q = free.get(size);
            block = q == null ? null : q.poll();
        }
        if (block == null) {
            block = new Block(allocateFresh(size), size);
            all.add(block);
            reservedBytes += size;
            peakReservedBytes = Math.max(peakReservedBytes, reservedBytes);
        }
        block.live = true;
        if (recorded != null) {
            recorded.add(block);
        }
        Lease lease = new Lease(block);
        Storage s = new Storage(block, lease);
        if (depth > 0) {
            taken.add(lease);
        } else {
            cleaner.register(s, lease);
        }
        return s;
    }

    private long allocateFresh(long size) {
        try {
            return driver.memAlloc(size);
        } catch (CudaException e) {
            if (trim() == 0) {
                throw e;
            }
            return driver.memAlloc(size);
        }
    }

    /** Returns a block to its free list (only through its lease). */
    private synchronized void release(Block block) {
        if (!block.live || closed) {
            return;
        }
        block.live = false;
        (block.holds == 0 ? free : graphFree).computeIfAbsent(block.bytes, n -> new ArrayDeque<>()).push(block);
    }

    /**
     * Starts noting every block handed out, for a recording (a CUDA graph being captured): within it blocks are
     * recycled as usual (the captured work runs in stream order), other recordings' idle blocks first, and
     * {@link #endRecording()} then keeps them all.
     */
    public synchronized void beginRecording() {
        if (recorded != null) {
            throw new IllegalStateException("a recording is already open");
        }
        recorded = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    }

    /**
     * Ends the recording: every block handed out since {@link #beginRecording()} is held for the recording (taken out
     * of the free lists, and kept out when its tensors go) until the returned hold is closed, because a replay writes
     * them again.
     */
    public synchronized AutoCloseable endRecording() {
        java.util.Set<Block> blocks = recorded;
        recorded = null;
        if (blocks == null) {
            throw new IllegalStateException("no recording is open");
        }
        for (Block b : blocks) {
            b.holds++;
            if (!b.live && b.holds == 1) { // idle in an ordinary free list: now only recordings may take it
                ArrayDeque<Block> q = free.get(b.bytes);
                if (q != null) {
                    q.remove(b);
                }
                graphFree.computeIfAbsent(b.bytes, n -> new ArrayDeque<>()).push(b);
            }
        }
        boolean[] done = {false};
        return () -> {
            synchronized (DevicePool.this) {
                if (done[0]) {
                    return;
                }
                done[0] = true;
                for (Block b : blocks) {
                    b.holds--;
                    if (b.holds == 0 && !b.live && !closed) {
                        ArrayDeque<Block> g = graphFree.get(b.bytes);
                        if (g != null) {
                            g.remove(b);
                        }
                        free.computeIfAbsent(b.bytes, n -> new ArrayDeque<>()).push(b);
                    }
                }
            }
        };
    }

    /** Abandons an open recording (its capture failed): its blocks stay with the pool as they are. */
    public synchronized void abandonRecording() {
        recorded = null;
    }

    /** Gives the storage back now (an explicit {@code Tensor.close()}). */
    public void release(Storage storage) {
        storage.lease.run();
    }

    /** A scope: blocks allocated until it closes return to the free lists then (innermost scopes close first). */
    public synchronized TensorScope openScope() {
        depth++;
        int start = taken.size();
        int level = depth;
        boolean[] done = {false};
        return () -> {
            synchronized (this) {
                if (done[0]) {
                    return;
                }
                if (level != depth) {
                    throw new IllegalStateException("tensor scopes must close innermost first");
                }
                done[0] = true;
                depth--;
                for (int k = taken.size() - 1; k >= start; k--) {
                    taken.remove(k).run();
                }
            }
        };
    }

    /** Frees every cached free block on the device; returns the bytes freed. */
    public synchronized long trim() {
        long freed = 0;
        for (ArrayDeque<Block> q : free.values()) {
            for (java.util.Iterator<Block> it = q.iterator(); it.hasNext(); ) {
                Block b = it.next();
                if (recorded != null && recorded.contains(b)) {
                    continue; // an open recording's work refers to it
                }
                driver.memFree(b.address);
                all.remove(b);
                freed += b.bytes;
                it.remove();
            }
        }
        reservedBytes -= freed;
        return freed;
    }

    /** Device bytes held (in use or cached). */
    public synchronized long reservedBytes() {
        return reservedBytes;
    }

    public synchronized long peakReservedBytes() {
        return peakReservedBytes;
    }

    /** Frees everything; tensors of this pool must not be used afterwards. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        for (Block b : all) {
            driver.memFree(b.address);
        }
        all.clear();
        free.clear();
        graphFree.clear();
        taken.clear();
        closed = true;
    }
}
