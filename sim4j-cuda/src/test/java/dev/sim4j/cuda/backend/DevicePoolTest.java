package dev.sim4j.cuda.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sim4j.cuda.CudaLibraries;
import dev.sim4j.cuda.GpuTests;
import dev.sim4j.cuda.driver.CudaDevice;
import dev.sim4j.engine.TensorScope;
import org.junit.jupiter.api.Test;

/** The caching allocator's rules: reuse by size class, scopes, and a block returned at most once by its owner. */
class DevicePoolTest {
    @Test
    void blocksAreReusedAndNeverReturnedTwice() {
        try (CudaLibraries libs = GpuTests.librariesOrSkip();
             CudaDevice device = CudaDevice.open(libs.driver(), 0);
             DevicePool pool = new DevicePool(libs.driver())) {
            DevicePool.Storage a = pool.allocate(1000);
            long address = a.address();
            pool.release(a);
            DevicePool.Storage b = pool.allocate(900); // same 1,024-byte class: the freed block comes back
            assertThat(b.address()).isEqualTo(address);
            pool.release(a); // a stale owner: must not free b's block
            DevicePool.Storage c = pool.allocate(1000);
            assertThat(c.address()).isNotEqualTo(address);

            TensorScope scope = pool.openScope();
            DevicePool.Storage s = pool.allocate(1 << 21);
            long scoped = s.address();
            pool.release(s); // closed early, then reused inside the scope...
            DevicePool.Storage t = pool.allocate(1 << 21);
            assertThat(t.address()).isEqualTo(scoped);
            scope.close(); // ...the scope returns t's lease, not s's twice
            DevicePool.Storage u = pool.allocate(1 << 21);
            DevicePool.Storage v = pool.allocate(1 << 21);
            assertThat(u.address()).isEqualTo(scoped);
            assertThat(v.address()).isNotEqualTo(scoped);
            assertThat(DevicePool.sizeClass(1)).isEqualTo(512);
            assertThat(DevicePool.sizeClass((1 << 20) + 1)).isEqualTo(2L << 20);
            assertThat(pool.reservedBytes()).isEqualTo(2 * 1024 + 2 * (2L << 20)); // a, c and two 2 MiB blocks
        }
    }

    @Test
    void blocksOfARecordingGoToOtherRecordingsOnlyUntilItsHoldCloses() throws Exception {
        try (CudaLibraries libs = GpuTests.librariesOrSkip();
             CudaDevice device = CudaDevice.open(libs.driver(), 0);
             DevicePool pool = new DevicePool(libs.driver())) {
            pool.beginRecording();
            DevicePool.Storage a = pool.allocate(4096);
            long address = a.address();
            pool.release(a);
            DevicePool.Storage b = pool.allocate(4096); // within the recording: reused as usual
            assertThat(b.address()).isEqualTo(address);
            pool.release(b);
            AutoCloseable first = pool.endRecording();
            DevicePool.Storage c = pool.allocate(4096); // an ordinary tensor: never a recording's block
            assertThat(c.address()).isNotEqualTo(address);

            pool.beginRecording();
            DevicePool.Storage d = pool.allocate(4096); // another recording may share it
            assertThat(d.address()).isEqualTo(address);
            pool.release(d);
            AutoCloseable second = pool.endRecording();
            first.close();
            assertThat(pool.allocate(4096).address()).as("still held by the second").isNotEqualTo(address);
            second.close();
            second.close(); // idempotent
            assertThat(pool.allocate(4096).address()).as("free again").isEqualTo(address);
        }
    }
}
