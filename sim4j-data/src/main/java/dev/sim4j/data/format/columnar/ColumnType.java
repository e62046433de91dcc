package dev.sim4j.data.format.columnar;

import dev.sim4j.data.spec.Dtype;
import dev.sim4j.data.spec.FeatureDef;

/** How one column's values are stored on disk: little-endian signed integers of a fixed width. */
enum ColumnType {
    INT8(1, 1), INT16(2, 2), INT32(3, 4), INT64(4, 8);

    final int code;
    final int bytes;

    ColumnType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    static ColumnType ofCode(int code) {
        for (ColumnType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** The narrowest type the writer uses for a feature: one byte for flags, four bytes for ids. */
    static ColumnType forFeature(FeatureDef f) {
        Dtype d = f.parsedDtype();
        if (d == Dtype.BOOL || d == Dtype.INT8 || d == Dtype.UINT8) {
            return INT8;
        }
        return INT32;
    }
}
