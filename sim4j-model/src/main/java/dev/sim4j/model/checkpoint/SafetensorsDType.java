package dev.sim4j.model.checkpoint;

import java.nio.ByteBuffer;

/**
 * The element types of the safetensors format, under their header names. The reader accepts all of them; the float
 * conversions ({@link #decodeFloats}, {@link #decodeDoubles}) cover F64, F32, F16 and BF16, the integer ones
 * ({@link #decodeLongs}) cover the integer types and BOOL.
 */
public enum SafetensorsDType {
    BOOL(1), U8(1), I8(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

    private final int bytes;

    SafetensorsDType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** F64, F32, F16 or BF16. */
    public boolean floating() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /** The type named {@code name} in a header ("F32"), or null if there is none. */
    public static SafetensorsDType byHeaderName(String name) {
        for (SafetensorsDType d : values()) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /**
     * Decodes {@code count} elements from {@code src} (little-endian, from its position, which advances) into
     * {@code dst[offset..]}, rounding F64 to the nearest float.
     */
    void decodeFloats(ByteBuffer src, float[] dst, int offset, int count) {
        switch (this) {
            case F32 -> {
                src.asFloatBuffer().get(dst, offset, count);
                src.position(src.position() + 4 * count);
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = (float) src.getDouble();
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = Float.float16ToFloat(src.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = Float.intBitsToFloat((src.getShort() & 0xffff) << 16);
                }
            }
            default -> throw notA("float");
        }
    }

    /** As {@link #decodeFloats}, into doubles (exact for every float type). */
    void decodeDoubles(ByteBuffer src, double[] dst, int offset, int count) {
        switch (this) {
            case F64 -> {
                src.asDoubleBuffer().get(dst, offset, count);
                src.position(src.position() + 8 * count);
            }
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = src.getFloat();
                }
            }
            case F16, BF16 -> {
                float[] tmp = new float[count];
                decodeFloats(src, tmp, 0, count);
                for (int i = 0; i < count; i++) {
                    dst[offset + i] = tmp[i];
                }
            }
            default -> throw notA("float");
        }
    }

    /** Decodes integer (and BOOL, as 0 or 1) elements into longs; U64 values above Long.MAX_VALUE wrap. */
    void decodeLongs(ByteBuffer src, long[] dst, int offset, int count) {
        for (int i = 0; i < count; i++) {
            dst[offset + i] = switch (this) {
                case BOOL -> src.get() != 0 ? 1 : 0;
                case U8 -> src.get() & 0xffL;
                case I8 -> src.get();
                case I16 -> src.getShort();
                case U16 -> src.getShort() & 0xffffL;
                case I32 -> src.getInt();
                case U32 -> src.getInt() & 0xffffffffL;
                case I64, U64 -> src.getLong();
                default -> throw notA("integer");
            };
        }
    }

    private IllegalArgumentException notA(String kind) {
        return new IllegalArgumentException(name() + " is not a " + kind + " type");
    }
}
