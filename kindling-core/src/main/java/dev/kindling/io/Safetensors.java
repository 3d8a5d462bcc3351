// Safetensors: reads and writes Hugging Face's .safetensors format (8-byte little-endian header length,
// a JSON header naming each tensor's dtype/shape/byte range, then one raw little-endian data buffer).
// Every header field is validated before any tensor memory is allocated, so hostile files fail cleanly.
// load() reads through a FileChannel; map() memory-maps the file (java.lang.foreign: no 2 GB limit) and converts
// one tensor at a time straight into its destination; mapRetained() also lets F32 tensors read the file in place.
package dev.kindling.io;

import dev.kindling.tensor.DType;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loading and saving tensors in the <a href="https://github.com/huggingface/safetensors">safetensors</a> format.
 *
 * <p>Floating dtypes (F32, F16, BF16, F64) load as float32 (F16/BF16 exactly, F64 rounded to nearest);
 * integer dtypes (I64, I32, I16, I8, U32, U16, U8) load as int64; BOOL loads as bool. Files written by
 * {@link #save} use F32, I64 and BOOL and load in Hugging Face's {@code safetensors} library.
 *
 * <p>Example:
 * <pre>{@code
 * Map<String, Tensor> sd = Safetensors.load(Path.of("model.safetensors"));   // name -> tensor, file order
 * Tensor wte = sd.get("transformer.wte.weight");                            // [vocab, d_model]
 * Safetensors.save(Path.of("out.safetensors"), sd, Map.of("format", "pt"));
 * }</pre>
 *
 * <p>For large checkpoints, {@link #map} memory-maps the file and converts tensors one at a time, on demand,
 * straight into their destinations ({@link MappedFile#readInto}).
 */
public final class Safetensors {
    /** Largest JSON header accepted (the limit Hugging Face's reader uses). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    /** Bytes converted per read/write, so large tensors need no second full-size buffer. */
    private static final int CHUNK_BYTES = 1 << 23;

    private Safetensors() {}

    /** One tensor's header entry: safetensors dtype name, shape and byte range within the data buffer. */
    public record TensorInfo(String name, String dtype, int[] shape, long begin, long end) {
        /** Number of elements. */
        public long numel() {
            long n = 1;
            for (int d : shape) n *= d;
            return n;
        }

        @Override
        public String toString() {
            return name + ": " + dtype + " " + Shape.str(shape) + " bytes [" + begin + ", " + end + ")";
        }
    }

    /** A parsed, validated header; {@code dataStart} is the file position of the data buffer. */
    private record Header(LinkedHashMap<String, TensorInfo> tensors, Map<String, String> metadata, long dataStart) {}

    // ---------------------------------------------------------------- reading

    /**
     * Loads every tensor of {@code file}, in header order.
     *
     * @throws SafetensorsException when the file is malformed, truncated or uses an unsupported dtype
     * @throws IOException when the file cannot be read
     */
    public static LinkedHashMap<String, Tensor> load(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = readHeader(file, ch);
            LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
            long maxBytes = 0;
            for (TensorInfo t : h.tensors.values()) maxBytes = Math.max(maxBytes, t.end - t.begin);
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, maxBytes)).order(ByteOrder.LITTLE_ENDIAN);
            for (TensorInfo t : h.tensors.values()) out.put(t.name, readTensor(file, ch, h.dataStart, t, buf));
            return out;
        }
    }

    /** The {@code __metadata__} string map of {@code file} (empty when absent); reads only the header. */
    public static Map<String, String> metadata(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, ch).metadata;
        }
    }

    /** The validated header entries of {@code file} (name → dtype, shape, byte range) without loading data. */
    public static LinkedHashMap<String, TensorInfo> describe(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(file, ch).tensors;
        }
    }

    /**
     * Opens {@code file} through a read-only memory map: only the header is read now; each tensor's bytes are paged
     * in by the OS when {@link MappedFile#load} or {@link MappedFile#readInto} converts it. Close it to unmap.
     *
     * <p>Example (filling a model's parameters without a whole-file copy on the heap):
     * <pre>{@code
     * try (var f = Safetensors.map(Path.of("model.safetensors"))) {
     *     for (var e : model.namedParameters().entrySet()) f.readInto(e.getKey(), e.getValue());
     * }
     * }</pre>
     *
     * @throws SafetensorsException when the header is malformed, the file truncated or a dtype unsupported
     */
    public static MappedFile map(Path file) throws IOException {
        return map(file, Arena.ofShared(), false);
    }

    /**
     * Like {@link #map}, but the mapping stays valid as long as anything uses it: tensors made by
     * {@link MappedFile#loadMapped} or {@link MappedFile#mapInto} read the file in place, and the garbage collector
     * unmaps it once neither they nor the MappedFile are reachable; {@link MappedFile#close} does nothing.
     *
     * <p>Example (a model whose large weights stay in the file, not on the heap):
     * <pre>{@code
     * var f = Safetensors.mapRetained(Path.of("model.safetensors"));
     * f.mapInto("lm_head.weight", model.lmHead());       // the parameter's storage now reads the mapping
     * }</pre>
     */
    public static MappedFile mapRetained(Path file) throws IOException {
        return map(file, Arena.ofAuto(), true);
    }

    private static MappedFile map(Path file, Arena arena, boolean retained) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = readHeader(file, ch);
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            return new MappedFile(file, retained ? null : arena, seg, h);
        } catch (IOException | RuntimeException e) {
            if (!retained) arena.close();
            throw e;
        }
    }

    /**
     * A memory-mapped safetensors file (see {@link #map} and {@link #mapRetained}). Reads may run from several
     * threads; {@link #close} unmaps a file opened by {@link #map}, after which reads (and tensors it mapped) fail.
     */
    public static final class MappedFile implements AutoCloseable {
        /** Elements converted per slice: keeps each ByteBuffer view well under 2 GB whatever the dtype. */
        private static final int SLICE_ELEMS = 1 << 24;
        private final Path file;
        private final Arena arena;   // null when retained: an automatic arena, unmapped by the garbage collector
        private final MemorySegment segment;
        private final Header header;

        private MappedFile(Path file, Arena arena, MemorySegment segment, Header header) {
            this.file = file;
            this.arena = arena;
            this.segment = segment;
            this.header = header;
        }

        /** The mapped file. */
        public Path file() {
            return file;
        }

        /** Header entries in file order (name → dtype, shape, byte range). */
        public Map<String, TensorInfo> tensors() {
            return Collections.unmodifiableMap(header.tensors);
        }

        /** The {@code __metadata__} string map (empty when absent). */
        public Map<String, String> metadata() {
            return header.metadata;
        }

        /** The entry named {@code name}, or null when the file has no such tensor. */
        public TensorInfo info(String name) {
            return header.tensors.get(name);
        }

        /** Converts one tensor into a fresh tensor (float dtypes → float32, integers → int64, BOOL → bool). */
        public Tensor load(String name) throws SafetensorsException {
            TensorInfo t = require(name);
            DType kind = switch (t.dtype) {
                case "F32", "F16", "BF16", "F64" -> DType.FLOAT32;
                case "BOOL" -> DType.BOOL;
                default -> DType.INT64;
            };
            Tensor out = Tensor.empty(kind, t.shape);
            decodeInto(t, out, SLICE_ELEMS);
            return out;
        }

        /**
         * Converts tensor {@code name} straight into {@code dst}'s storage (no intermediate copy), e.g. a model
         * parameter. {@code dst} must be contiguous with exactly the stored shape, float32 for float dtypes (F32,
         * F16, BF16, F64) and int64 for integer ones.
         *
         * @throws SafetensorsException naming the tensor when it is absent
         * @throws IllegalArgumentException naming the tensor, the expected and the stored shape/dtype on mismatch
         */
        public void readInto(String name, Tensor dst) throws SafetensorsException {
            readInto(name, dst, SLICE_ELEMS);
        }

        /** {@link #readInto(String, Tensor)} converting {@code sliceElems} elements per mapped slice (tests). */
        void readInto(String name, Tensor dst, int sliceElems) throws SafetensorsException {
            TensorInfo t = require(name);
            if (!Shape.same(t.shape, dst.shape())) throw new IllegalArgumentException("safetensors file " + file
                    + ": tensor '" + name + "' has shape " + Shape.str(t.shape) + " but the destination expects "
                    + Shape.str(dst.shape()));
            DType want = switch (t.dtype) {
                case "F32", "F16", "BF16", "F64" -> DType.FLOAT32;
                case "BOOL" -> DType.BOOL;
                default -> DType.INT64;
            };
            if (dst.dtype() != want) throw new IllegalArgumentException("safetensors file " + file + ": tensor '"
                    + name + "' is " + t.dtype + ", which loads as " + want + ", but the destination is "
                    + dst.dtype());
            if (!dst.isContiguous()) throw new IllegalArgumentException("safetensors file " + file + ": destination "
                    + "of tensor '" + name + "' must be contiguous");
            decodeInto(t, dst, sliceElems);
            dst.storage().markModified();
        }

        /** True when tensor {@code name} is stored as F32, the only dtype that {@link #mapInto} can use in place. */
        public boolean canMap(String name) {
            TensorInfo t = header.tensors.get(name);
            return t != null && t.dtype.equals("F32");
        }

        /**
         * An F32 tensor as a read-only tensor over the mapping (nothing copied; see {@link Tensor#mapped}). It is
         * valid while the mapping is: until {@link #close} for {@link #map}, as long as it is reachable for
         * {@link #mapRetained}.
         *
         * @throws SafetensorsException when the tensor is absent
         * @throws IllegalArgumentException when it is not F32 (use {@link #load} to convert other dtypes)
         */
        public Tensor loadMapped(String name) throws SafetensorsException {
            TensorInfo t = require(name);
            return Tensor.mapped(slice(t), t.shape);
        }

        /**
         * Makes {@code dst} (e.g. a freshly built model's parameter) read tensor {@code name} in place from the
         * mapping: its storage is switched to the mapped bytes and any heap array it had is dropped. {@code dst}
         * must have exactly the stored shape and span its whole storage (contiguous, offset 0), and the tensor must
         * be F32. Writers of the storage later get a heap copy (see {@link dev.kindling.tensor.Storage}).
         *
         * @throws SafetensorsException naming the tensor when it is absent
         * @throws IllegalArgumentException naming the tensor and what differs otherwise
         */
        public void mapInto(String name, Tensor dst) throws SafetensorsException {
            TensorInfo t = require(name);
            if (!Shape.same(t.shape, dst.shape())) throw new IllegalArgumentException("safetensors file " + file
                    + ": tensor '" + name + "' has shape " + Shape.str(t.shape) + " but the destination expects "
                    + Shape.str(dst.shape()));
            if (dst.dtype() != DType.FLOAT32 || !dst.isContiguous() || dst.offset() != 0
                    || dst.storage().capacity() != dst.numel()) throw new IllegalArgumentException("safetensors file "
                    + file + ": tensor '" + name + "' can only be mapped into a float32 tensor that spans its whole "
                    + "storage (contiguous, offset 0)");
            dst.storage().attachMapped(slice(t));
        }

        /** The F32 bytes of {@code t}. */
        private MemorySegment slice(TensorInfo t) {
            if (!t.dtype.equals("F32")) throw new IllegalArgumentException("safetensors file " + file + ": tensor '"
                    + t.name + "' is " + t.dtype + "; only F32 tensors can be used in place (load() converts it)");
            return segment.asSlice(header.dataStart + t.begin, t.end - t.begin);
        }

        private TensorInfo require(String name) throws SafetensorsException {
            TensorInfo t = header.tensors.get(name);
            if (t == null) throw fail(file, "no tensor named '" + name + "' (the file has " + header.tensors.size()
                    + " tensors)");
            return t;
        }

        private void decodeInto(TensorInfo t, Tensor dst, int sliceElems) throws SafetensorsException {
            int total = (int) t.numel();
            if (total == 0) return;
            int elem = (int) ((t.end - t.begin) / total);
            long base = header.dataStart + t.begin;
            for (int done = 0; done < total; ) {
                int n = Math.min(sliceElems, total - done);
                ByteBuffer view = segment.asSlice(base + (long) done * elem, (long) n * elem).asByteBuffer()
                        .order(ByteOrder.LITTLE_ENDIAN);
                decode(file, t, view, n, dst, dst.offset() + done);
                done += n;
            }
        }

        /** Unmaps a file opened by {@link #map}; does nothing for {@link #mapRetained} (the GC unmaps it). */
        @Override
        public void close() {
            if (arena != null) arena.close();
        }
    }

    private static Header readHeader(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 8) throw fail(file, "file is " + size + " bytes, too short to hold the 8-byte header length");
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, ch, lenBuf, 0, "the header length");
        long n = lenBuf.getLong(0);
        // Checked before allocating: a hostile length must not turn into a huge buffer.
        if (n < 0 || n > MAX_HEADER_BYTES) throw fail(file, "header length " + Long.toUnsignedString(n)
                + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes (not a safetensors file?)");
        if (n > size - 8) throw fail(file, "header length " + n + " runs past the end of the file ("
                + size + " bytes; truncated or not a safetensors file?)");
        if (n < 2) throw fail(file, "header length " + n + " is too small for a JSON object");
        ByteBuffer hb = ByteBuffer.allocate((int) n);
        readFully(file, ch, hb, 8, "the header");
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(hb.flip()).toString();
        } catch (CharacterCodingException e) {
            throw fail(file, "header is not valid UTF-8", e);
        }
        if (json.charAt(0) != '{') throw fail(file, "header does not start with '{' (not a safetensors file?)");
        LinkedHashMap<String, Object> root;
        try {
            root = Json.parseObject(json);
        } catch (Json.JsonException e) {
            throw fail(file, "header is not valid JSON: " + e.getMessage(), e);
        }
        long dataStart = 8 + n;
        long dataLen = size - dataStart;
        Map<String, String> metadata = Collections.emptyMap();
        LinkedHashMap<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : root.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, e.getValue());
            } else {
                tensors.put(e.getKey(), parseEntry(file, e.getKey(), e.getValue(), dataLen));
            }
        }
        checkCoverage(file, tensors, dataLen);
        return new Header(tensors, metadata, dataStart);
    }

    private static Map<String, String> parseMetadata(Path file, Object v) throws SafetensorsException {
        if (!(v instanceof Map<?, ?> m)) throw fail(file, METADATA_KEY + " must be a JSON object of strings, got "
                + Json.typeName(v));
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) throw fail(file, METADATA_KEY + " entry \"" + e.getKey()
                    + "\" must be a string, got " + Json.typeName(e.getValue()));
            out.put((String) e.getKey(), s);
        }
        return Collections.unmodifiableMap(out);
    }

    private static TensorInfo parseEntry(Path file, String name, Object v, long dataLen) throws SafetensorsException {
        if (!(v instanceof Map<?, ?> m)) throw fail(file, name, "entry must be a JSON object, got " + Json.typeName(v));
        if (!(m.get("dtype") instanceof String dtype)) throw fail(file, name, "\"dtype\" must be a string, got "
                + Json.typeName(m.get("dtype")));
        int elemSize = elementSize(file, name, dtype);
        if (!(m.get("shape") instanceof List<?> shapeList)) throw fail(file, name, "\"shape\" must be an array, got "
                + Json.typeName(m.get("shape")));
        int[] shape = new int[shapeList.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            Object d = shapeList.get(i);
            if (!(d instanceof Long dl) || dl < 0) throw fail(file, name, "shape " + shapeList
                    + " must hold non-negative integers");
            if (dl > Integer.MAX_VALUE) throw fail(file, name, "dimension " + dl + " of shape " + shapeList
                    + " is too large for a Kindling tensor");
            shape[i] = (int) (long) dl;
            numel = Math.min(numel * dl, 1L << 32);   // saturates: never overflows (dl < 2^31)
        }
        // Java arrays hold at most ~2^31 elements.
        if (numel > Integer.MAX_VALUE - 8) throw fail(file, name, "shape " + Shape.str(shape) + " has " + numel
                + " elements, more than a Kindling tensor can hold");
        if (!(m.get("data_offsets") instanceof List<?> offs) || offs.size() != 2
                || !(offs.get(0) instanceof Long begin) || !(offs.get(1) instanceof Long end)) {
            throw fail(file, name, "\"data_offsets\" must be [begin, end] integers, got " + m.get("data_offsets"));
        }
        if (begin < 0 || end < begin) throw fail(file, name, "invalid data_offsets [" + begin + ", " + end + "]");
        if (end > dataLen) throw fail(file, name, "data_offsets [" + begin + ", " + end + "] run past the end of the "
                + dataLen + "-byte data buffer (truncated file?)");
        long expected = numel * elemSize;
        if (end - begin != expected) throw fail(file, name, "data_offsets [" + begin + ", " + end + "] span "
                + (end - begin) + " bytes but " + dtype + " " + Shape.str(shape) + " needs " + expected);
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** The format requires the tensors to tile the data buffer exactly: no overlaps, holes or trailing bytes. */
    private static void checkCoverage(Path file, Map<String, TensorInfo> tensors, long dataLen)
            throws SafetensorsException {
        List<TensorInfo> sorted = new ArrayList<>(tensors.values());
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long at = 0;
        TensorInfo prev = null;
        for (TensorInfo t : sorted) {
            if (t.begin < at) throw fail(file, t.name, "data_offsets [" + t.begin + ", " + t.end
                    + ") overlap tensor '" + prev.name + "' [" + prev.begin + ", " + prev.end + ")");
            if (t.begin > at) throw fail(file, t.name, "data_offsets [" + t.begin + ", " + t.end + ") leave a hole of "
                    + (t.begin - at) + " bytes at offset " + at + " of the data buffer");
            at = t.end;
            prev = t;
        }
        if (at != dataLen) throw fail(file, "data buffer is " + dataLen + " bytes but the tensors cover " + at
                + " (truncated or trailing data)");
    }

    private static int elementSize(Path file, String name, String dtype) throws SafetensorsException {
        return switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL" -> 1;
            case "U64", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64" -> throw fail(file, name,
                    "dtype " + dtype + " is not supported (supported: F32, F16, BF16, F64, I64, I32, I16, I8, U32, "
                            + "U16, U8, BOOL)");
            default -> throw fail(file, name, "unknown dtype \"" + dtype + "\"");
        };
    }

    private static Tensor readTensor(Path file, FileChannel ch, long dataStart, TensorInfo t, ByteBuffer buf)
            throws IOException {
        DType kind = switch (t.dtype) {
            case "F32", "F16", "BF16", "F64" -> DType.FLOAT32;
            case "BOOL" -> DType.BOOL;
            default -> DType.INT64;
        };
        Tensor out = Tensor.empty(kind, t.shape);   // fresh contiguous storage, offset 0
        int total = (int) t.numel();
        if (total == 0) return out;
        int elem = (int) ((t.end - t.begin) / total);
        int perChunk = buf.capacity() / elem;
        for (int done = 0; done < total; ) {
            int n = Math.min(perChunk, total - done);
            buf.clear().limit(n * elem);
            readFully(file, ch, buf, dataStart + t.begin + (long) done * elem, "tensor '" + t.name + "'");
            buf.flip();
            decode(file, t, buf, n, out, done);
            done += n;
        }
        return out;
    }

    /** Converts {@code n} little-endian elements from {@code buf} into {@code out} starting at element {@code at}. */
    private static void decode(Path file, TensorInfo t, ByteBuffer buf, int n, Tensor out, int at)
            throws SafetensorsException {
        float[] f = out.storage().floats();
        long[] l = out.storage().longs();
        boolean[] b = out.storage().bools();
        switch (t.dtype) {
            case "F32" -> buf.asFloatBuffer().get(f, at, n);
            case "F64" -> {
                for (int i = 0; i < n; i++) f[at + i] = (float) buf.getDouble();
            }
            case "F16" -> {
                for (int i = 0; i < n; i++) f[at + i] = Float.float16ToFloat(buf.getShort());
            }
            case "BF16" -> {
                for (int i = 0; i < n; i++) f[at + i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
            }
            case "I64" -> buf.asLongBuffer().get(l, at, n);
            case "I32" -> {
                for (int i = 0; i < n; i++) l[at + i] = buf.getInt();
            }
            case "U32" -> {
                for (int i = 0; i < n; i++) l[at + i] = buf.getInt() & 0xffffffffL;
            }
            case "I16" -> {
                for (int i = 0; i < n; i++) l[at + i] = buf.getShort();
            }
            case "U16" -> {
                for (int i = 0; i < n; i++) l[at + i] = buf.getShort() & 0xffff;
            }
            case "I8" -> {
                for (int i = 0; i < n; i++) l[at + i] = buf.get();
            }
            case "U8" -> {
                for (int i = 0; i < n; i++) l[at + i] = buf.get() & 0xff;
            }
            case "BOOL" -> {
                for (int i = 0; i < n; i++) {
                    byte v = buf.get();
                    if (v != 0 && v != 1) throw fail(file, t.name, "BOOL element " + (at + i) + " has byte value "
                            + (v & 0xff) + ", expected 0 or 1");
                    b[at + i] = v == 1;
                }
            }
            default -> throw new IllegalStateException("unreachable dtype " + t.dtype);
        }
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long position, String what)
            throws IOException {
        long p = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, p);
            if (r < 0) throw fail(file, "unexpected end of file while reading " + what + " at byte " + p);
            p += r;
        }
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes {@code tensors} (float32 as F32, int64 as I64, bool as BOOL) to {@code file}, replacing it atomically:
     * the data goes to a temporary file in the same directory that is then moved over {@code file}.
     * Header keys follow the map's order; the data is laid out by decreasing element size (as Hugging Face
     * does) so every tensor is aligned. Values are read without autograd; views are written as their values.
     *
     * @param metadata written as {@code __metadata__} (string → string); null or empty writes none
     */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<Map.Entry<String, Tensor>> entries = new ArrayList<>(tensors.entrySet());
        for (Map.Entry<String, Tensor> e : entries) {
            if (e.getKey() == null) throw new IllegalArgumentException("Safetensors.save: null tensor name");
            if (e.getKey().equals(METADATA_KEY)) throw new IllegalArgumentException("Safetensors.save: '"
                    + METADATA_KEY + "' is reserved and cannot name a tensor");
            if (e.getValue() == null) throw new IllegalArgumentException("Safetensors.save: tensor '" + e.getKey()
                    + "' is null");
        }
        // Data layout: widest elements first (stable), so each tensor starts on a multiple of its element size.
        List<Map.Entry<String, Tensor>> dataOrder = new ArrayList<>(entries);
        dataOrder.sort(Comparator.comparingInt((Map.Entry<String, Tensor> e) -> -byteSize(e.getValue().dtype())));
        Map<String, long[]> offsets = new LinkedHashMap<>();
        long at = 0;
        for (Map.Entry<String, Tensor> e : dataOrder) {
            long nbytes = (long) e.getValue().numel() * byteSize(e.getValue().dtype());
            offsets.put(e.getKey(), new long[] {at, at + nbytes});
            at += nbytes;
        }
        LinkedHashMap<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            LinkedHashMap<String, Object> meta = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) throw new IllegalArgumentException(
                        "Safetensors.save: metadata keys and values must be non-null, got " + e);
                meta.put(e.getKey(), e.getValue());
            }
            header.put(METADATA_KEY, meta);
        }
        for (Map.Entry<String, Tensor> e : entries) {
            Tensor t = e.getValue();
            LinkedHashMap<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", switch (t.dtype()) {
                case FLOAT32 -> "F32";
                case INT64 -> "I64";
                case BOOL -> "BOOL";
            });
            info.put("shape", t.shape());
            info.put("data_offsets", offsets.get(e.getKey()));
            header.put(e.getKey(), info);
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;   // spaces up to a multiple of 8, as Hugging Face pads
        byte[] head = Arrays.copyOf(json, padded);
        Arrays.fill(head, json.length, padded, (byte) ' ');

        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                buf.putLong(padded);
                writeBytes(ch, buf, head);
                for (Map.Entry<String, Tensor> e : dataOrder) writeTensor(ch, buf, e.getValue());
                flush(ch, buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
    }

    private static int byteSize(DType d) {
        return switch (d) {
            case FLOAT32 -> 4;
            case INT64 -> 8;
            case BOOL -> 1;
        };
    }

    private static void writeBytes(FileChannel ch, ByteBuffer buf, byte[] bytes) throws IOException {
        for (int i = 0; i < bytes.length; ) {
            if (!buf.hasRemaining()) flush(ch, buf);
            int n = Math.min(buf.remaining(), bytes.length - i);
            buf.put(bytes, i, n);
            i += n;
        }
    }

    private static void writeTensor(FileChannel ch, ByteBuffer buf, Tensor t) throws IOException {
        int total = t.numel();
        int elem = byteSize(t.dtype());
        // Contiguous tensors are written straight from their storage; views are copied out first.
        boolean direct = t.isContiguous();
        if (direct && t.dtype() == DType.FLOAT32 && t.storage().isMapped()) {   // stream it: no heap copy of the whole
            float[] tmp = new float[Math.min(total, 1 << 16)];
            for (int done = 0; done < total; ) {
                if (buf.remaining() < elem) flush(ch, buf);
                int n = Math.min(Math.min(tmp.length, buf.remaining() / elem), total - done);
                t.storage().readFloats((long) t.offset() + done, tmp, 0, n);
                buf.asFloatBuffer().put(tmp, 0, n);
                buf.position(buf.position() + n * 4);
                done += n;
            }
            return;
        }
        int base = direct ? t.offset() : 0;
        Object data = switch (t.dtype()) {
            case FLOAT32 -> direct ? t.storage().floats() : t.toFloatArray();
            case INT64 -> direct ? t.storage().longs() : t.toLongArray();
            case BOOL -> direct ? t.storage().bools() : t.toBoolArray();
        };
        for (int done = 0; done < total; ) {
            if (buf.remaining() < elem) flush(ch, buf);
            int n = Math.min(buf.remaining() / elem, total - done);
            switch (data) {
                case float[] f -> {
                    buf.asFloatBuffer().put(f, base + done, n);
                    buf.position(buf.position() + n * 4);
                }
                case long[] l -> {
                    buf.asLongBuffer().put(l, base + done, n);
                    buf.position(buf.position() + n * 8);
                }
                case boolean[] b -> {
                    for (int i = 0; i < n; i++) buf.put(b[base + done + i] ? (byte) 1 : (byte) 0);
                }
                default -> throw new IllegalStateException("unreachable");
            }
            done += n;
        }
    }

    private static void flush(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
        buf.clear();
    }

    // ---------------------------------------------------------------- errors

    private static SafetensorsException fail(Path file, String what) {
        return new SafetensorsException("safetensors file " + file + ": " + what);
    }

    private static SafetensorsException fail(Path file, String what, Throwable cause) {
        return new SafetensorsException("safetensors file " + file + ": " + what, cause);
    }

    private static SafetensorsException fail(Path file, String tensor, String what) {
        return new SafetensorsException("safetensors file " + file + ": tensor '" + tensor + "': " + what);
    }
}
