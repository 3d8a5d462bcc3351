package dev.kindling.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path tmp;

    static Path resource(String name) {
        try {
            return Path.of(SafetensorsTest.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }

    static int[] bits(float[] f) {
        int[] out = new int[f.length];
        for (int i = 0; i < f.length; i++) out[i] = Float.floatToRawIntBits(f[i]);
        return out;
    }

    // ---------------------------------------------------------------- the Hugging Face dtypes file

    @Test
    void loadsEveryDtypeOfTheReferenceFile() throws IOException {
        // Expected values read from the file with python3 + numpy (BF16 widened by << 16).
        Map<String, Tensor> sd = Safetensors.load(resource("golden/models/dtypes/dtypes.safetensors"));
        assertThat(sd.keySet()).containsExactly("i64", "f64", "empty", "f32", "scalar", "i32", "bf16", "f16", "i8",
                "u8", "bool");

        Tensor f32 = sd.get("f32");
        assertThat(f32.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(f32.shape()).containsExactly(2, 3);
        assertThat(bits(f32.toFloatArray())).containsExactly(0x3f000000, 0xbfa00000, 0x40400000, 0x3a83126f,
                0xc6c35000, 0x40e00000);
        assertThat(f32.toFloatArray()).containsExactly(0.5f, -1.25f, 3f, 0.001f, -25000f, 7f);
        // F64 rounds to the same float32 values.
        assertThat(bits(sd.get("f64").toFloatArray())).containsExactly(bits(f32.toFloatArray()));
        assertThat(sd.get("f64").shape()).containsExactly(2, 3);
        // F16 and BF16 convert exactly.
        assertThat(bits(sd.get("f16").toFloatArray())).containsExactly(0x3f000000, 0xbfa00000, 0x40400000,
                0x3a832000, 0xc6c34000, 0x40e00000);
        assertThat(sd.get("f16").toFloatArray()[3]).isEqualTo(0.0010004043579101562f);
        assertThat(sd.get("f16").toFloatArray()[4]).isEqualTo(-24992f);
        assertThat(bits(sd.get("bf16").toFloatArray())).containsExactly(0x3f000000, 0xbfa00000, 0x40400000,
                0x3a830000, 0xc6c30000, 0x40e00000);
        assertThat(sd.get("bf16").toFloatArray()[3]).isEqualTo(0.00099945068359375f);
        assertThat(sd.get("bf16").toFloatArray()[4]).isEqualTo(-24960f);

        assertThat(sd.get("i64").dtype()).isEqualTo(DType.INT64);
        assertThat(sd.get("i64").toLongArray()).containsExactly(1L, -2L, 3_000_000_000L);
        assertThat(sd.get("i32").dtype()).isEqualTo(DType.INT64);
        assertThat(sd.get("i32").toLongArray()).containsExactly(1L, -2L, 3L);
        assertThat(sd.get("i8").toLongArray()).containsExactly(-128L, 0L, 127L);
        assertThat(sd.get("u8").toLongArray()).containsExactly(0L, 255L);
        assertThat(sd.get("bool").dtype()).isEqualTo(DType.BOOL);
        assertThat(sd.get("bool").toBoolArray()).containsExactly(true, false, true);

        Tensor scalar = sd.get("scalar");
        assertThat(scalar.dim()).isZero();
        assertThat(scalar.item()).isEqualTo(2.5f);
        Tensor empty = sd.get("empty");
        assertThat(empty.shape()).containsExactly(0, 3);
        assertThat(empty.numel()).isZero();
    }

    @Test
    void readsMetadataAndHeaderWithoutData() throws IOException {
        Path f = resource("golden/models/dtypes/dtypes.safetensors");
        assertThat(Safetensors.metadata(f))
                .containsExactly(Map.entry("format", "pt"), Map.entry("note", "loader test"));
        var info = Safetensors.describe(f);
        assertThat(info.get("bf16").dtype()).isEqualTo("BF16");
        assertThat(info.get("bf16").shape()).containsExactly(2, 3);
        assertThat(info.get("bf16").begin()).isEqualTo(112);
        assertThat(info.get("bf16").end()).isEqualTo(124);
    }

    // ---------------------------------------------------------------- round trip

    @Test
    void savedFilesLoadBackIdentically() throws IOException {
        Tensor base = Tensor.of(new float[] {1.5f, -2f, Float.MIN_VALUE, 1e30f, -0f, Float.NaN}, 2, 3);
        LinkedHashMap<String, Tensor> sd = new LinkedHashMap<>();
        sd.put("flag", Tensor.ofBools(new boolean[] {true, false, true}));
        sd.put("w.t", base.t());                                  // non-contiguous view: written as its values
        sd.put("ids", Tensor.ofLongs(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE, 7}, 2, 2));
        sd.put("s", Tensor.scalar(3.25f));
        sd.put("none", Tensor.zeros(0, 4));
        sd.put("row", base.slice(0, 1, 2));                       // contiguous view with an offset
        sd.put("ünï \"q\"", Tensor.scalarLong(-9));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "quote \" backslash \\ newline \n 漢字");
        Path f = tmp.resolve("model.safetensors");
        Safetensors.save(f, sd, meta);

        Map<String, Tensor> back = Safetensors.load(f);
        assertThat(back.keySet()).containsExactlyElementsOf(sd.keySet());
        for (var e : sd.entrySet()) {
            Tensor want = e.getValue(), got = back.get(e.getKey());
            assertThat(got.dtype()).as(e.getKey()).isEqualTo(want.dtype());
            assertThat(got.shape()).as(e.getKey()).containsExactly(want.shape());
            switch (want.dtype()) {
                case FLOAT32 -> assertThat(bits(got.toFloatArray())).as(e.getKey())
                        .containsExactly(bits(want.toFloatArray()));
                case INT64 -> assertThat(got.toLongArray()).as(e.getKey()).containsExactly(want.toLongArray());
                case BOOL -> assertThat(got.toBoolArray()).as(e.getKey()).containsExactly(want.toBoolArray());
            }
        }
        assertThat(Safetensors.metadata(f)).isEqualTo(meta);

        // Layout as Hugging Face writes it: header padded with spaces to a multiple of 8, data aligned by dtype.
        byte[] raw = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(raw, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
        String header = new String(raw, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":");
        assertThat(header.stripTrailing()).endsWith("}");
        for (var info : Safetensors.describe(f).values()) {
            int align = switch (info.dtype()) { case "I64" -> 8; case "F32" -> 4; default -> 1; };
            assertThat(info.begin() % align).as(info.name()).isZero();
        }
        // Atomic replace: saving again overwrites and leaves no temporary file behind.
        Safetensors.save(f, Map.of("x", Tensor.ones(2)), null);
        assertThat(Safetensors.load(f).keySet()).containsExactly("x");
        assertThat(Safetensors.metadata(f)).isEmpty();
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("model.safetensors");
        }
    }

    @Test
    void saveRejectsReservedAndNullNames() {
        Path f = tmp.resolve("bad.safetensors");
        assertThatThrownBy(() -> Safetensors.save(f, Map.of("__metadata__", Tensor.ones(1)), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
        assertThat(Files.exists(f)).isFalse();
    }

    // ---------------------------------------------------------------- hostile and truncated input

    /** A file of [8-byte length][header][data]; {@code length} overrides the header length when not null. */
    private Path file(String name, Long length, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(length != null ? length : h.length).put(h).put(data);
        Path f = tmp.resolve(name);
        Files.write(f, b.array());
        return f;
    }

    private Path file(String header, byte[] data) throws IOException {
        return file("hostile.safetensors", null, header, data);
    }

    private void rejects(Path f, String... fragments) {
        var err = assertThatThrownBy(() -> Safetensors.load(f)).isInstanceOf(SafetensorsException.class)
                .hasMessageContaining(f.toString());
        for (String s : fragments) err.hasMessageContaining(s);
    }

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin
                + "," + end + "]}";
    }

    @Test
    void rejectsHostileHeaderLengths() throws IOException {
        String ok = "{" + entry("a", "F32", "[2]", 0, 8) + "}";
        rejects(file("big.safetensors", 1000L, ok, new byte[8]), "header length 1000", "runs past the end");
        rejects(file("huge.safetensors", 1L << 62, ok, new byte[8]), "exceeds the limit");
        rejects(file("neg.safetensors", -1L, ok, new byte[8]), "18446744073709551615", "exceeds the limit");
        Path tiny = tmp.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 0, 0});
        rejects(tiny, "too short");
        rejects(file("zero.safetensors", 0L, "", new byte[0]), "too small");
    }

    @Test
    void rejectsMalformedHeaders() throws IOException {
        rejects(file("not json", new byte[0]), "does not start with '{'");
        rejects(file("{\"a\": }", new byte[0]), "not valid JSON", "offset");
        rejects(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},}", new byte[4]),
                "not valid JSON");
        rejects(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("a", "F32", "[1]", 4, 8) + "}", new byte[8]),
                "duplicate key");
        rejects(file("[1, 2]", new byte[0]), "does not start with '{'");
        byte[] badUtf8 = {'{', '"', (byte) 0xff, '"', ':', '1', '}'};
        Path f = tmp.resolve("utf8.safetensors");
        ByteBuffer b = ByteBuffer.allocate(8 + badUtf8.length).order(ByteOrder.LITTLE_ENDIAN);
        Files.write(f, b.putLong(badUtf8.length).put(badUtf8).array());
        rejects(f, "UTF-8");
        rejects(file("{\"__metadata__\":{\"k\":1}}", new byte[0]), "__metadata__", "must be a string");
        rejects(file("{\"a\":[1]}", new byte[0]), "tensor 'a'", "must be a JSON object");
    }

    @Test
    void rejectsInvalidEntries() throws IOException {
        rejects(file("{" + entry("w", "F33", "[1]", 0, 4) + "}", new byte[4]), "tensor 'w'", "unknown dtype \"F33\"");
        rejects(file("{" + entry("w", "F8_E4M3", "[1]", 0, 1) + "}", new byte[1]), "tensor 'w'", "not supported");
        rejects(file("{" + entry("w", "F32", "[-1]", 0, 4) + "}", new byte[4]), "tensor 'w'", "non-negative");
        rejects(file("{" + entry("w", "F32", "[1.5]", 0, 4) + "}", new byte[4]), "tensor 'w'", "non-negative integers");
        rejects(file("{" + entry("w", "F32", "[1]", -4, 0) + "}", new byte[4]), "tensor 'w'", "invalid data_offsets");
        rejects(file("{" + entry("w", "F32", "[1]", 4, 0) + "}", new byte[4]), "tensor 'w'", "invalid data_offsets");
        rejects(file("{" + entry("w", "F32", "[3]", 0, 8) + "}", new byte[8]), "tensor 'w'", "needs 12");
        rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0.0,4.0]}}", new byte[4]),
                "tensor 'w'", "data_offsets");
        rejects(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", new byte[4]), "tensor 'w'", "data_offsets");
        // 2^31 x 2^31 elements: rejected from the header alone, nothing allocated.
        rejects(file("{" + entry("w", "F32", "[2147483647,2147483647]", 0, 8) + "}", new byte[8]), "tensor 'w'",
                "more than a Kindling tensor can hold");
        rejects(file("{" + entry("w", "BOOL", "[2]", 0, 2) + "}", new byte[] {1, 2}), "tensor 'w'", "byte value 2");
    }

    @Test
    void rejectsOverlapsHolesAndTruncation() throws IOException {
        rejects(file("{" + entry("a", "F32", "[2]", 0, 8) + "," + entry("b", "F32", "[2]", 4, 12) + "}", new byte[12]),
                "tensor 'b'", "overlap tensor 'a'");
        rejects(file("{" + entry("a", "F32", "[1]", 0, 4) + "," + entry("b", "F32", "[1]", 8, 12) + "}", new byte[12]),
                "tensor 'b'", "hole of 4 bytes");
        rejects(file("{" + entry("a", "F32", "[1]", 4, 8) + "}", new byte[8]), "tensor 'a'", "hole");
        rejects(file("{" + entry("a", "F32", "[1]", 0, 4) + "}", new byte[9]), "trailing");
        // Truncated: the header promises 24 bytes of data, the file holds 12.
        rejects(file("{" + entry("a", "F32", "[6]", 0, 24) + "}", new byte[12]), "tensor 'a'", "run past the end");
    }

    @Test
    void acceptsPaddedHeaderAndEmptyFile() throws IOException {
        Path f = file("{" + entry("a", "I32", "[2]", 0, 8) + "}     ", new byte[] {5, 0, 0, 0, -1, -1, -1, -1});
        assertThat(Safetensors.load(f).get("a").toLongArray()).containsExactly(5L, -1L);
        assertThat(Safetensors.load(file("{}", new byte[0]))).isEmpty();
    }
}
