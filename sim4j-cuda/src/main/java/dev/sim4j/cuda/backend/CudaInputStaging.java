package dev.sim4j.cuda.backend;

import dev.sim4j.cuda.driver.CudaDriver;
import dev.sim4j.cuda.driver.Event;
import dev.sim4j.cuda.driver.PinnedBuffer;
import dev.sim4j.cuda.driver.Stream;
import dev.sim4j.engine.InputStaging;
import dev.sim4j.engine.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CUDA backend's {@link InputStaging}: a group's arrays are copied into one of two pinned host buffers (used in
 * turn), then copied to the device on a copy stream of their own, so the upload of batch i + 1 runs while the compute
 * stream still works on batch i, and the host never waits for the device except to reuse a pinned buffer whose copy
 * of two groups ago has not finished.
 *
 * <p>Ordering, all through events: the compute stream waits for a group's copies before any kernel queued after
 * {@link #submit()}; the copies wait for a mark recorded on the compute stream, the previous submit's when every
 * target was last written by this staging two or more groups ago (its readers were queued before the previous submit,
 * the caller's side of the contract), else one recorded now. That also covers the caching allocator: a target whose
 * storage this staging has not seen may hold memory that queued kernels still use as temporaries.
 */
final class CudaInputStaging implements InputStaging, AutoCloseable {
    /** Storages remembered for the two-groups-ago rule; older ones are forgotten (then treated as unseen). */
    private static final int REMEMBERED_GROUPS = 8;

    private final CudaDriver driver;
    private final Stream compute;
    private final Stream copy;
    private final PinnedBuffer[] pinned = new PinnedBuffer[2];
    /** Per pinned buffer: the copy-stream event after its last group's copies (null: never used). */
    private final Event[] copied = new Event[2];
    /** Compute-stream marks, recorded in turn at each submit; marks[g & 1] is group g's. */
    private final Event[] marks = new Event[2];
    /** The group that last wrote each storage (by identity; the key keeps that storage alive). */
    private final Map<DevicePool.Storage, Long> lastGroup = new IdentityHashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private long group;
    private long used;
    private boolean closed;

    private record Pending(CudaTensor target, long offset, long bytes) {
    }

    CudaInputStaging(CudaDriver driver, Stream compute) {
        this.driver = driver;
        this.compute = compute;
        this.copy = Stream.create(driver);
        for (int k = 0; k < 2; k++) {
            copied[k] = Event.create(driver, false);
            marks[k] = Event.create(driver, false);
        }
    }

    @Override
    public void write(Tensor t, int[] values) {
        CudaTensor c = target(t, values.length, "int");
        stage(c, MemorySegment.ofArray(values), 4L * c.size());
    }

    @Override
    public void write(Tensor t, float[] values) {
        CudaTensor c = target(t, values.length, "float");
        stage(c, MemorySegment.ofArray(values), 4L * c.size());
    }

    private CudaTensor target(Tensor t, long n, String kind) {
        if (closed) {
            throw new IllegalStateException("input staging used after its backend closed");
        }
        CudaTensor c = CudaBackend.cuda(t);
        if (n < c.size()) {
            throw new IllegalArgumentException("stage: " + n + " " + kind + " values for a tensor of shape "
                    + Tensor.describe(c.shape()));
        }
        return c;
    }

    private void stage(CudaTensor target, MemorySegment values, long bytes) {
        int slot = (int) (group & 1);
        if (pending.isEmpty() && pinned[slot] != null) {
            // This buffer's copies of two groups ago must be done before the host overwrites it.
            copied[slot].synchronize();
        }
        // 256-byte alignment keeps every copy's source on a DMA-friendly boundary.
        long offset = (used + 255) & ~255L;
        ensureCapacity(slot, offset + bytes);
        MemorySegment.copy(values, 0, pinned[slot].segment(), offset, bytes);
        pending.add(new Pending(target, offset, bytes));
        used = offset + bytes;
    }

    /** Grows pinned buffer {@code slot}, keeping what this group already staged in it. */
    private void ensureCapacity(int slot, long bytes) {
        PinnedBuffer old = pinned[slot];
        if (old != null && old.bytes() >= bytes) {
            return;
        }
        long size = Math.max(bytes, old == null ? 1 << 20 : old.bytes() + old.bytes() / 2);
        PinnedBuffer grown = PinnedBuffer.allocate(driver, size);
        if (old != null) {
            copied[slot].synchronize();
            MemorySegment.copy(old.segment(), 0, grown.segment(), 0, used);
            old.close();
        }
        pinned[slot] = grown;
    }

    @Override
    public void submit() {
        if (closed) {
            throw new IllegalStateException("input staging used after its backend closed");
        }
        int slot = (int) (group & 1);
        Event mark = marks[slot];
        boolean seenLongEnough = group > 0;
        for (Pending p : pending) {
            Long last = lastGroup.get(p.target().storage());
            seenLongEnough &= last != null && last <= group - 2;
        }
        if (seenLongEnough) {
            copy.waitFor(marks[(int) ((group - 1) & 1)]);
            mark.record(compute);
        } else {
            mark.record(compute);
            copy.waitFor(mark);
        }
        MemorySegment host = pending.isEmpty() ? null : pinned[slot].segment();
        for (Pending p : pending) {
            driver.copyHostToDevice(p.target().address(), host.asSlice(p.offset(), p.bytes()), p.bytes(),
                    copy.handle());
            lastGroup.put(p.target().storage(), group);
        }
        copied[slot].record(copy);
        compute.waitFor(copied[slot]);
        long forget = group - REMEMBERED_GROUPS;
        lastGroup.values().removeIf(g -> g < forget);
        pending.clear();
        used = 0;
        group++;
    }

    /** Waits for every copy, then frees the pinned buffers, events and the copy stream. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        copy.synchronize();
        for (int k = 0; k < 2; k++) {
            if (pinned[k] != null) {
                pinned[k].close();
            }
            copied[k].close();
            marks[k].close();
        }
        copy.close();
        lastGroup.clear();
    }
}
