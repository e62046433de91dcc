package dev.sim4j.data.format.tfrecord;

import java.util.zip.CRC32C;

/**
 * TFRecord framing: {@code uint64 length, uint32 masked_crc32c(length), byte[length] data, uint32 masked_crc32c(data)},
 * all little-endian; the mask is TensorFlow's ({@code rotate right by 15, plus 0xa282ead8}).
 */
final class TfRecordFraming {
    static final int HEADER_BYTES = 12;
    static final int FOOTER_BYTES = 4;
    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecordFraming() {
    }

    static int maskedCrc(byte[] bytes, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, off, len);
        return mask((int) crc.getValue());
    }

    static int mask(int crc) {
        return ((crc >>> 15) | (crc << 17)) + MASK_DELTA;
    }
}
