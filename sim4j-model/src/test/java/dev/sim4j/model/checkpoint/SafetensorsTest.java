package dev.sim4j.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafetensorsTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- helpers

    /** A safetensors file: 8-byte little-endian length, the header (padded with spaces to 8 if asked), the data. */
    static byte[] file(String header, boolean pad, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int n = pad ? (h.length + 7) / 8 * 8 : h.length;
        ByteBuffer b = ByteBuffer.allocate(8 + n + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(n).put(h);
        for (int i = h.length; i < n; i++) {
            b.put((byte) ' ');
        }
        return b.put(data).array();
    }

    static byte[] floatsLE(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    static void assertBits(float[] expected, float[] actual) {
        assertThat(bits(actual)).isEqualTo(bits(expected));
    }

    // ---------------------------------------------------------------- round trip

    @Test
    void roundTripKeepsNamesShapesBitsAndMetadata() throws IOException {
        float[] awkward = {0f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.intBitsToFloat(0x7fc00123), 1.5e-42f, 3.1415927f};
        Map<String, NamedArray> tensors = new LinkedHashMap<>();
        tensors.put("stage_two_mlp.dense_0.kernel", NamedArray.ofFloats(awkward, 3, 3));
        tensors.put("embedding.user", NamedArray.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        tensors.put("scalar", NamedArray.ofFloats(new float[] {42f}));
        tensors.put("empty", NamedArray.ofFloats(new float[0], 0, 16));
        tensors.put("doubles", NamedArray.ofDoubles(new double[] {Math.PI, -1e300, Double.MIN_VALUE}, 3));
        tensors.put("ints", NamedArray.ofInts(new int[] {Integer.MIN_VALUE, -1, 0, 7}, 2, 2));
        tensors.put("longs", NamedArray.ofLongs(new long[] {Long.MAX_VALUE, -5}, 2));
        Map<String, String> metadata = Map.of("model_type", "sim", "embedding_dim", "16",
                "cardinalities", "user=3,item=7", "note", "ünïcödé \"quoted\" \\ /");
        SafetensorsFile original = new SafetensorsFile(metadata, tensors);

        Path f = dir.resolve("sub/dir/model.safetensors");
        SafetensorsWriter.write(f, original);
        SafetensorsFile back = SafetensorsReader.read(f);

        assertThat(back.metadata()).isEqualTo(metadata);
        assertThat(back.tensors()).isEqualTo(tensors);
        assertThat(back).isEqualTo(original);
        assertBits(awkward, back.tensors().get("stage_two_mlp.dense_0.kernel").toFloats());
        assertThat(back.tensors().get("scalar").shape()).isEmpty();
        assertThat(back.tensors().get("longs").toLongs()).containsExactly(Long.MAX_VALUE, -5);
        // only the file itself is left: the temporary file was renamed
        try (Stream<Path> files = Files.list(f.getParent())) {
            assertThat(files.toList()).containsExactly(f);
        }
    }

    @Test
    void writerLayoutMatchesTheReferenceImplementation() throws IOException {
        Map<String, NamedArray> tensors = new LinkedHashMap<>();
        tensors.put("b", NamedArray.ofFloats(new float[] {1, 2}, 2));
        tensors.put("a", NamedArray.ofFloats(new float[] {3}, 1));
        Path f = dir.resolve("layout.safetensors");
        SafetensorsWriter.write(f, Map.of("format", "pt"), tensors);

        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertThat(header.stripTrailing()).isEqualTo(json);
        assertThat(header.substring(json.length())).matches(" *");
        assertThat(Arrays.copyOfRange(bytes, 8 + (int) n, bytes.length)).isEqualTo(floatsLE(3, 1, 2));

        // deterministic, and replacing an existing file works
        SafetensorsWriter.write(f, Map.of("format", "pt"), tensors);
        assertThat(Files.readAllBytes(f)).isEqualTo(bytes);
    }

    @Test
    void tensorsLargerThanOneReadChunkStreamIntact() {
        long seed = System.nanoTime();
        System.out.println("SafetensorsTest.tensorsLargerThanOneReadChunkStreamIntact seed=" + seed);
        Random rnd = new Random(seed);
        float[] big = new float[300_007]; // 1.2 MB, more than one 1 MiB chunk, not a multiple of it
        for (int i = 0; i < big.length; i++) {
            big[i] = Float.intBitsToFloat(rnd.nextInt());
        }
        double[] wide = rnd.doubles(140_001).toArray();
        Path f = dir.resolve("big.safetensors");
        SafetensorsWriter.write(f, Map.of(), Map.of("big", NamedArray.ofFloats(big, 300_007),
                "wide", NamedArray.ofDoubles(wide, 140_001)));
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertBits(big, r.readFloats("big"));
            assertBits(big, r.read("big").toFloats());
            assertThat(r.readDoubles("wide")).isEqualTo(wide);
            float[] rounded = new float[wide.length];
            for (int i = 0; i < wide.length; i++) {
                rounded[i] = (float) wide[i];
            }
            assertBits(rounded, r.readFloats("wide"));
            assertThat(r.metadata()).isEmpty();
        }
    }

    // ---------------------------------------------------------------- files made by hand

    @Test
    void readsAHandWrittenFile() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[24,36]}}"; // unpadded, no metadata
        Path f = write("hand.safetensors",
                file(header, false, concat(floatsLE(1, 2, 3, 4, 5, 6), floatsLE(-0.5f, 0.25f, 8))));
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.tensors().keySet()).containsExactly("w", "b");
            assertThat(r.info("w").shape()).containsExactly(2, 3);
            assertThat(r.readFloats("w")).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(r.readFloats("b")).containsExactly(-0.5f, 0.25f, 8);
            assertThat(r.metadata()).isEmpty();
        }
    }

    /**
     * A file laid out as the reference implementation (safetensors' Rust core, behind the Python package) writes it:
     * compact JSON, {@code __metadata__} first, tensors ordered by dtype (descending: I64, F64, F32, BF16, F16) then
     * name, data contiguous in that order, header padded with spaces to a multiple of 8.
     */
    @Test
    void readsAFileLaidOutAsPythonSafetensorsWritesIt() throws IOException {
        String header = "{\"__metadata__\":{\"format\":\"pt\",\"model_type\":\"din\"},"
                + "\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"w64\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[16,32]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[32,48]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[48,52]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[52,58]}}";
        assertThat(header.length() % 8).as("the test needs padding").isNotZero();
        ByteBuffer data = ByteBuffer.allocate(58).order(ByteOrder.LITTLE_ENDIAN);
        data.putLong(7).putLong(-3);
        data.putDouble(0.1).putDouble(-2.5);
        data.putFloat(1).putFloat(2).putFloat(3).putFloat(4);
        data.putShort((short) 0x3F80).putShort((short) 0xC0C0); // bf16 1.0, -6.0
        data.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x7BFF); // f16 1, -2, 65504
        Path f = write("python.safetensors", file(header, true, data.array()));

        SafetensorsFile sf = SafetensorsReader.read(f);
        assertThat(sf.metadata()).containsExactly(Map.entry("format", "pt"), Map.entry("model_type", "din"));
        assertThat(sf.tensors().keySet()).containsExactly("ids", "w64", "a", "bf", "h");
        assertThat(sf.tensors().get("ids").toLongs()).containsExactly(7, -3);
        assertThat(sf.tensors().get("w64").toDoubles()).containsExactly(0.1, -2.5);
        assertThat(sf.tensors().get("w64").toFloats()).containsExactly(0.1f, -2.5f);
        assertThat(sf.tensors().get("a").shape()).containsExactly(2, 2);
        assertThat(sf.tensors().get("a").toFloats()).containsExactly(1, 2, 3, 4);
        assertThat(sf.tensors().get("bf").toFloats()).containsExactly(1f, -6f);
        assertThat(sf.tensors().get("h").toFloats()).containsExactly(1f, -2f, 65504f);
        try (SafetensorsReader r = SafetensorsReader.open(f)) {
            assertThat(r.readFloats("h")).containsExactly(1f, -2f, 65504f);
            assertThat(r.readDoubles("bf")).containsExactly(1.0, -6.0);
            assertThatThrownBy(() -> r.readFloats("ids")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("python.safetensors").hasMessageContaining("'ids'")
                    .hasMessageContaining("not a float type");
            assertThatThrownBy(() -> r.info("nope")).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("'nope'");
        }

        // and written back out by sim4j, it reads the same
        Path copy = dir.resolve("copy.safetensors");
        SafetensorsWriter.write(copy, sf);
        assertThat(SafetensorsReader.read(copy)).isEqualTo(sf);
    }

    // ---------------------------------------------------------------- corrupt files

    static final String AB = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}";
    static final byte[] AB_DATA = floatsLE(1, 2, 3, 4);

    static String one(String entry) {
        return "{\"a\":" + entry + "}";
    }

    static Stream<Arguments> corruptFiles() {
        byte[] good = file(AB, true, AB_DATA);
        ByteBuffer longLength = ByteBuffer.allocate(good.length).order(ByteOrder.LITTLE_ENDIAN).put(good);
        longLength.putLong(0, 1000);
        ByteBuffer hugeLength = ByteBuffer.allocate(good.length).order(ByteOrder.LITTLE_ENDIAN).put(good);
        hugeLength.putLong(0, -1);
        return Stream.of(
                Arguments.of("too short", new byte[] {1, 2, 3}, null, List.of("too short")),
                Arguments.of("header length beyond the file", longLength.array(), null,
                        List.of("header length 1000 runs past the end of the file")),
                Arguments.of("absurd header length", hugeLength.array(), null, List.of("exceeds the limit")),
                Arguments.of("truncated data", Arrays.copyOf(good, good.length - 4), "b",
                        List.of("run past the end of the data", "[8, 16]")),
                Arguments.of("bad JSON", file("{\"a\":{\"dtype\":\"F32\",", true, AB_DATA), null,
                        List.of("not valid JSON")),
                Arguments.of("trailing garbage", file(AB + "x", true, AB_DATA), null, List.of("not valid JSON")),
                Arguments.of("not an object", file("[1,2]", true, new byte[0]), null, List.of("start with '{'")),
                Arguments.of("duplicate key", file("{\"a\":{},\"a\":{}}", true, new byte[0]), null,
                        List.of("not valid JSON", "uplicate")),
                Arguments.of("offsets out of range",
                        file(one("{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]}"), true, AB_DATA),
                        "a", List.of("run past the end of the data")),
                Arguments.of("dtype and shape do not match the offsets",
                        file(one("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,16]}"), true, AB_DATA),
                        "a", List.of("F32", "[3]", "need 12 bytes", "hold 16")),
                Arguments.of("F64 where F32 was meant",
                        file(one("{\"dtype\":\"F64\",\"shape\":[4],\"data_offsets\":[0,16]}"), true, AB_DATA),
                        "a", List.of("need 32 bytes")),
                Arguments.of("unknown dtype",
                        file(one("{\"dtype\":\"F128\",\"shape\":[4],\"data_offsets\":[0,16]}"), true, AB_DATA),
                        "a", List.of("unknown dtype \"F128\"")),
                Arguments.of("negative dimension",
                        file(one("{\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]}"), true, AB_DATA),
                        "a", List.of("shape [-4]")),
                Arguments.of("offsets reversed",
                        file(one("{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,0]}"), true, AB_DATA),
                        "a", List.of("end before they begin")),
                Arguments.of("no offsets", file(one("{\"dtype\":\"F32\",\"shape\":[4]}"), true, AB_DATA),
                        "a", List.of("data_offsets")),
                Arguments.of("overlapping tensors",
                        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", true,
                                floatsLE(1, 2, 3)), "b", List.of("overlap", "'a'")),
                Arguments.of("gap between tensors",
                        file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}", true,
                                AB_DATA), "b", List.of("gap", "'a'")),
                Arguments.of("data not covered", file(AB, true, concat(AB_DATA, floatsLE(5))), null,
                        List.of("4 unaccounted bytes")),
                Arguments.of("metadata not strings",
                        file("{\"__metadata__\":{\"embedding_dim\":16}}", true, new byte[0]), null,
                        List.of("__metadata__", "embedding_dim", "not a string")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptFiles")
    void rejectsCorruptFilesNamingFileAndTensor(String what, byte[] bytes, String tensor, List<String> fragments)
            throws IOException {
        Path f = write("corrupt-" + what.replace(' ', '-') + ".safetensors", bytes);
        assertThatThrownBy(() -> SafetensorsReader.read(f))
                .isInstanceOf(CheckpointException.class)
                .satisfies(e -> {
                    CheckpointException c = (CheckpointException) e;
                    System.out.println(what + " -> " + c.getMessage());
                    assertThat(c.file()).isEqualTo(f);
                    assertThat(c.tensor()).isEqualTo(tensor);
                    assertThat(c.getMessage()).startsWith(f.toString());
                    if (tensor != null) {
                        assertThat(c.getMessage()).contains("tensor '" + tensor + "'");
                    }
                    for (String s : fragments) {
                        assertThat(c.getMessage()).contains(s);
                    }
                });
    }

    @Test
    void missingFileIsACheckpointException() {
        Path f = dir.resolve("absent.safetensors");
        assertThatThrownBy(() -> SafetensorsReader.read(f)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("absent.safetensors").hasMessageContaining("cannot open");
    }

    @Test
    void writerRejectsTheReservedName() {
        Path f = dir.resolve("reserved.safetensors");
        assertThatThrownBy(() -> SafetensorsWriter.write(f, Map.of(),
                Map.of("__metadata__", NamedArray.ofFloats(new float[] {1}, 1))))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("__metadata__");
        assertThat(f).doesNotExist();
    }

    @Test
    void namedArrayChecksItsSize() {
        assertThatThrownBy(() -> NamedArray.ofFloats(new float[5], 2, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NamedArray(SafetensorsDType.F32, new int[] {2}, ByteBuffer.allocate(7)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 8 bytes");
    }
}
