package dev.sim4j.data.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import dev.sim4j.data.format.ChunkFormats;
import dev.sim4j.data.spec.ChunkType;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values outside a feature's range (id above the cardinality, negative id, label other than 0/1) are refused in every
 * format, naming the file, the 1-based row in that file and the feature; the boundary values 0 and cardinality pass.
 */
class ValueRangeTest {
    static final int ROWS = 30;
    static final int ROWS_PER_FILE = 10;
    /** Row 15 of the mapping: row 5 of the second file. */
    static final int BAD_ROW = 14;
    static final int L = 10;

    static Stream<Arguments> formats() {
        return Stream.of(Arguments.of(ChunkType.SIM4J, 1), Arguments.of(ChunkType.TFRECORD, 1),
                Arguments.of(ChunkType.TFRECORD, 4), Arguments.of(ChunkType.CSV, 1));
    }

    @TempDir
    Path dir;

    private Path write(ChunkType type, int prebatch, int feature, int position, int value) {
        int[][] cols = FormatRoundTripTest.randomColumns(ROWS, FormatRoundTripTest.SEED);
        int w = FormatRoundTripTest.features().get(feature).width();
        cols[feature][BAD_ROW * w + position] = value;
        FormatRoundTripTest.write(dir, cols, ROWS, type, ROWS_PER_FILE, prebatch);
        return dir.resolve("train/part_00001" + ChunkFormats.of(type).extension());
    }

    private void assertRejected(Path file, String message) {
        assertThatThrownBy(() -> FormatRoundTripTest.readAll(dir, "train"))
                .isInstanceOf(DataException.class)
                .hasMessage(file + ": row 5, " + message);
    }

    @ParameterizedTest(name = "{0} prebatch {1}")
    @MethodSource("formats")
    void idAboveTheCardinality(ChunkType type, int prebatch) {
        Path file = write(type, prebatch, 2, 0, 301);
        assertRejected(file, "feature item_feat_0_trgt: value 301 is out of range; ids run from 1 to the cardinality 300, "
                + "0 is padding");
    }

    @ParameterizedTest(name = "{0} prebatch {1}")
    @MethodSource("formats")
    void negativeIdInAHistory(ChunkType type, int prebatch) {
        Path file = write(type, prebatch, 5, 3, -1);
        assertRejected(file, "feature item_feat_1_pos (position 4 of " + L + "): value -1 is out of range; ids run from 1 "
                + "to the cardinality 7, 0 is padding");
    }

    @ParameterizedTest(name = "{0} prebatch {1}")
    @MethodSource("formats")
    void labelTwo(ChunkType type, int prebatch) {
        Path file = write(type, prebatch, 0, 0, 2);
        assertRejected(file, "feature label: value 2 is out of range; a label must be 0 or 1");
    }

    @ParameterizedTest(name = "{0} prebatch {1}")
    @MethodSource("formats")
    void zeroAndTheCardinalityItselfAreValid(ChunkType type, int prebatch) {
        int[][] cols = FormatRoundTripTest.randomColumns(ROWS, FormatRoundTripTest.SEED);
        cols[1][3] = 50;
        cols[2][4] = 300;
        cols[3][5] = 0;
        cols[7][6 * L + 9] = 7;
        FormatRoundTripTest.write(dir, cols, ROWS, type, ROWS_PER_FILE, prebatch);
        assertThat(FormatRoundTripTest.readAll(dir, "train"))
                .containsExactlyEntriesOf(FormatRoundTripTest.byName(FormatRoundTripTest.features(), cols));
    }
}
