package dev.sim4j.data.format.columnar;

/**
 * The on-disk layout of a sim4j columnar shard (version 1). All numbers little-endian.
 * <pre>
 *   0  magic "SIM4JCOL"            8 bytes
 *   8  version                     u32 (1)
 *  12  header length in bytes      u32, a multiple of 64, covers everything up to the first column
 *  16  rows                        u64
 *  24  columns                     u32
 *  28  per column: name length u16, name UTF-8, type code u8 (1 int8, 2 int16, 3 int32, 4 int64),
 *      rank u8, dims u32 x rank, data offset u64, data length u64, CRC32C of the data u32
 *      CRC32C of all header bytes before it  u32
 *      zero padding to the header length
 *      column data, each column starting on a 64-byte boundary, rows x width values
 * </pre>
 * A column's values for row r start at {@code offset + r * width * typeBytes}, so any row range is one contiguous
 * slice per column and reading a batch is a bulk copy out of the memory-mapped file.
 */
final class ShardLayout {
    static final byte[] MAGIC = {'S', 'I', 'M', '4', 'J', 'C', 'O', 'L'};
    static final int VERSION = 1;
    static final int ALIGN = 64;
    static final int FIXED_HEADER = 28;

    private ShardLayout() {
    }

    static long align(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }
}
