package dev.sim4j.serve.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The store's key layout (ADR 0009), in byte order so that RocksDB's sorted keys are the User Behavior Tree:
 * <pre>
 *   events:      user 0x00 time seq            -> item-length(2) item category
 *   by_category: user 0x00 category 0x00 time seq -> item
 *   users:       user                          -> events(8) next-seq(8)
 * </pre>
 * time is 8 bytes big-endian with the sign bit flipped (so negative times sort first), seq 8 bytes big-endian (the
 * user's append counter: equal times keep their order). Ids hold no 0x00 byte, so "user 0x00" is a prefix no other
 * user's keys share.
 */
final class StoreKeys {
    private static final int SUFFIX = 16;

    private StoreKeys() {
    }

    static void requireId(String id, String what) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("the " + what + " id is empty");
        }
        byte[] b = id.getBytes(StandardCharsets.UTF_8);
        if (b.length > BehaviourEvent.MAX_ID_BYTES) {
            throw new IllegalArgumentException("the " + what + " id is " + b.length + " bytes long, more than "
                    + BehaviourEvent.MAX_ID_BYTES);
        }
        if (id.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the " + what + " id holds a NUL character");
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** user 0x00: every events key of the user starts so. */
    static byte[] userPrefix(byte[] user) {
        byte[] k = Arrays.copyOf(user, user.length + 1);
        return k;
    }

    /** user 0x00 category 0x00: every by_category key of the pair starts so. */
    static byte[] categoryPrefix(byte[] user, byte[] category) {
        byte[] k = new byte[user.length + 1 + category.length + 1];
        System.arraycopy(user, 0, k, 0, user.length);
        System.arraycopy(category, 0, k, user.length + 1, category.length);
        return k;
    }

    /** prefix time seq. */
    static byte[] withSuffix(byte[] prefix, long time, long seq) {
        return ByteBuffer.allocate(prefix.length + SUFFIX).put(prefix).putLong(time ^ Long.MIN_VALUE).putLong(seq)
                .array();
    }

    /** The greatest key with this prefix (prefix then 0xFF for the time and seq), to iterate backwards from. */
    static byte[] last(byte[] prefix) {
        byte[] k = Arrays.copyOf(prefix, prefix.length + SUFFIX);
        Arrays.fill(k, prefix.length, k.length, (byte) 0xFF);
        return k;
    }

    static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    static long timeOf(byte[] key) {
        return ByteBuffer.wrap(key, key.length - SUFFIX, 8).getLong() ^ Long.MIN_VALUE;
    }

    static byte[] eventValue(byte[] item, byte[] category) {
        return ByteBuffer.allocate(2 + item.length + category.length).putShort((short) item.length).put(item)
                .put(category).array();
    }

    static BehaviourEvent eventOf(byte[] key, byte[] value) {
        int n = Short.toUnsignedInt(ByteBuffer.wrap(value, 0, 2).getShort());
        String item = new String(value, 2, n, StandardCharsets.UTF_8);
        String category = new String(value, 2 + n, value.length - 2 - n, StandardCharsets.UTF_8);
        return new BehaviourEvent(item, category, timeOf(key));
    }

    static byte[] userValue(long events, long nextSeq) {
        return ByteBuffer.allocate(16).putLong(events).putLong(nextSeq).array();
    }
}
