package dev.sim4j.data.format.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import dev.sim4j.data.dataset.FormatRoundTripTest;
import dev.sim4j.data.spec.ChunkSpec;
import dev.sim4j.data.spec.FeatureSpec;
import dev.sim4j.data.spec.FeatureSpecYaml;
import dev.sim4j.data.spec.ReferenceSpecs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSV chunks written by hand: the model card's layout (several chunks per mapping, a chunk over several files) reads
 * rows in order, and every malformed line is a {@link DataException} naming the file, the line and the feature.
 */
class CsvBadInputTest {
    static final String HEADER = "label,user_feat_0,item_feat_0_trgt,item_feat_1_trgt,item_feat_0_pos,item_feat_1_pos,"
            + "item_feat_0_neg,item_feat_1_neg";
    static final String ROW_1 = "1,5,100,3,0 1 2,0 4 5,7 8 9,1 1 1";
    static final String ROW_2 = "0,50,300,7,0 0 300,0 0 7,1 2 3,4 5 6";

    @TempDir
    Path dir;

    /** Histories of 3. train: two chunks, the first over two files (the model card's layout); test: one chunk. */
    @BeforeEach
    void writeSpec() throws IOException {
        FeatureSpec spec = ReferenceSpecs.amazon(50, 300, 7, 3).withSources(Map.of(
                "train", List.of(
                        new ChunkSpec("csv", List.of("label", "user_feat_0", "item_feat_0_trgt", "item_feat_1_trgt"),
                                List.of("train_data_0_0.csv", "train_data_0_1.csv")),
                        // Not the feature_spec order: the file's column order is the chunk's.
                        new ChunkSpec("csv", List.of("item_feat_1_pos", "item_feat_0_pos", "item_feat_1_neg", "item_feat_0_neg"),
                                List.of("train_data_1.csv"))),
                "test", List.of(new ChunkSpec("csv", List.of(HEADER.split(",")), List.of("test.csv")))));
        FeatureSpecYaml.write(spec, dir);
        writeTrain(5);
    }

    private void write(String file, String... lines) throws IOException {
        Files.writeString(dir.resolve(file), String.join("\n", lines) + "\n");
    }

    private void writeTrain(int chunk1Rows) throws IOException {
        write("train_data_0_0.csv", "label,user_feat_0,item_feat_0_trgt,item_feat_1_trgt", "1,11,101,1", "0,12,102,2");
        // A file without a header line is read too.
        write("train_data_0_1.csv", "1,13,103,3", "0,14,104,4", "1,15,105,5");
        String[] lines = new String[chunk1Rows + 1];
        lines[0] = "item_feat_1_pos,item_feat_0_pos,item_feat_1_neg,item_feat_0_neg";
        for (int r = 1; r <= chunk1Rows; r++) {
            lines[r] = "0 0 " + r + ",0 " + r + " " + (200 + r) + "," + r + " " + r + " " + r + ",1 2 " + (10 + r);
        }
        write("train_data_1.csv", lines);
        write("test.csv", HEADER, ROW_1);
    }

    private void assertTestFails(String... parts) {
        var thrown = assertThatThrownBy(() -> FormatRoundTripTest.readAll(dir, "test"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining(dir.resolve("test.csv").toString());
        for (String p : parts) {
            thrown.hasMessageContaining(p);
        }
    }

    @Test
    void modelCardLayoutReadsRowsInOrder() throws IOException {
        writeTrain(5);

        Map<String, int[]> read = FormatRoundTripTest.readAll(dir, "train");

        assertThat(read.get("label")).containsExactly(1, 0, 1, 0, 1);
        assertThat(read.get("user_feat_0")).containsExactly(11, 12, 13, 14, 15);
        assertThat(read.get("item_feat_0_trgt")).containsExactly(101, 102, 103, 104, 105);
        assertThat(read.get("item_feat_1_trgt")).containsExactly(1, 2, 3, 4, 5);
        assertThat(read.get("item_feat_1_pos")).containsExactly(0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0, 5);
        assertThat(read.get("item_feat_0_pos")).containsExactly(0, 1, 201, 0, 2, 202, 0, 3, 203, 0, 4, 204, 0, 5, 205);
        assertThat(read.get("item_feat_1_neg")).containsExactly(1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5);
        assertThat(read.get("item_feat_0_neg")).containsExactly(1, 2, 11, 1, 2, 12, 1, 2, 13, 1, 2, 14, 1, 2, 15);
    }

    @Test
    void chunkWithFewerRowsIsRejected() throws IOException {
        writeTrain(4);
        assertThatThrownBy(() -> FormatRoundTripTest.readAll(dir, "train"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("mapping train: chunk 1 ends after 4 rows but chunk 0 has more")
                .hasMessageContaining("train_data_1.csv");
    }

    @Test
    void chunkWithMoreRowsIsRejected() throws IOException {
        writeTrain(6);
        assertThatThrownBy(() -> FormatRoundTripTest.readAll(dir, "train"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("mapping train: chunk 1 has more rows than chunk 0 (5)");
    }

    @Test
    void validTestFileReads() throws IOException {
        write("test.csv", HEADER, ROW_1, ROW_2);
        Map<String, int[]> read = FormatRoundTripTest.readAll(dir, "test");
        assertThat(read.get("user_feat_0")).containsExactly(5, 50);
        assertThat(read.get("item_feat_0_pos")).containsExactly(0, 1, 2, 0, 0, 300);
        assertThat(read.get("item_feat_1_neg")).containsExactly(1, 1, 1, 4, 5, 6);
    }

    @Test
    void windowsLineEndsAndNoFinalNewlineRead() throws IOException {
        Files.writeString(dir.resolve("test.csv"), HEADER + "\r\n" + ROW_1 + "\r\n" + ROW_2);
        assertThat(FormatRoundTripTest.readAll(dir, "test").get("label")).containsExactly(1, 0);
    }

    @Test
    void sequenceWithTooFewValues() throws IOException {
        write("test.csv", HEADER, ROW_1, "1,5,100,3,0 1 2,4 5,7 8 9,1 1 1");
        assertTestFails("line 3: feature item_feat_1_pos holds 2 values; expected 3 (its dimensions [3])");
    }

    @Test
    void sequenceWithTooManyValues() throws IOException {
        write("test.csv", HEADER, ROW_1, ROW_2, "1,5,100,3,0 1 2,0 4 5,7 8 9,1 1 1 1");
        assertTestFails("line 4: feature item_feat_1_neg holds more than 3 values");
    }

    @Test
    void nonNumericValue() throws IOException {
        write("test.csv", HEADER, ROW_2, "1,5,x100,3,0 1 2,0 4 5,7 8 9,1 1 1");
        assertTestFails("line 3: feature item_feat_0_trgt: expected a whole number at value 1 of 1, found 'x100'");
    }

    @Test
    void nonNumericValueInsideASequence() throws IOException {
        write("test.csv", HEADER, "1,5,100,3,0 1 2,0 4 5,7 8.5 9,1 1 1");
        assertTestFails("line 2: feature item_feat_0_neg holds 2 values; expected 3");
    }

    @Test
    void valueBeyondThe32BitRange() throws IOException {
        write("test.csv", HEADER, "1,2147483648,100,3,0 1 2,0 4 5,7 8 9,1 1 1");
        assertTestFails("line 2: feature user_feat_0: value is outside the 32-bit id range");
    }

    @Test
    void headerThatDoesNotMatchTheChunk() throws IOException {
        write("test.csv", HEADER.replace("item_feat_0_pos,item_feat_1_pos", "item_feat_1_pos,item_feat_0_pos"), ROW_1);
        assertTestFails("line 1: header 'label,user_feat_0,item_feat_0_trgt,item_feat_1_trgt,item_feat_1_pos,",
                "does not match the chunk's features '" + HEADER + "'");
    }

    @Test
    void tooFewFields() throws IOException {
        write("test.csv", HEADER, ROW_1, ROW_2, "1,5,100");
        assertTestFails("line 4: expected ',' after feature item_feat_0_trgt",
                "the line has fewer fields than the chunk's 8 features");
    }

    @Test
    void tooManyFields() throws IOException {
        write("test.csv", HEADER, ROW_1 + ",7");
        assertTestFails("line 2: the line has more fields than the chunk's 8 features");
    }

    @Test
    void emptyLineInTheMiddle() throws IOException {
        write("test.csv", HEADER, ROW_1, "", ROW_2);
        assertTestFails("line 3: empty line");
    }
}
