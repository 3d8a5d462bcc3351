// PeersBenchTest: the orchestrator's bookkeeping without any peer installed: per-peer classpath split (libtorch and
// DL4J need different JavaCPP versions), pooling of rounds, best-peer choice (numpy is a ceiling, not a peer), and
// that Kindling's tiny GPT has exactly the parameter count of the peer definition.
package dev.kindling.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.bench.peers.PeersBench.Figure;
import dev.kindling.tensor.Generator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeersBenchTest {
    private static final String M2 = "/home/u/.m2/repository/";

    @Test
    void eachPeerGetsOnlyItsOwnNativeJars() {
        String torch = M2 + "org/bytedeco/pytorch/2.10.0-1.5.13/pytorch-2.10.0-1.5.13-linux-x86_64.jar";
        String javacpp113 = M2 + "org/bytedeco/javacpp/1.5.13/javacpp-1.5.13.jar";
        String nd4j = M2 + "org/nd4j/nd4j-native/1.0.0-M2.1/nd4j-native-1.0.0-M2.1.jar";
        String djl = M2 + "ai/djl/api/0.36.0/api-0.36.0.jar";
        String ort = M2 + "com/microsoft/onnxruntime/onnxruntime/1.23.2/onnxruntime-1.23.2.jar";
        String gson = M2 + "com/google/code/gson/gson/2.13.1/gson-2.13.1.jar";
        String kindling = "/work/kindling-core/target-x/kindling-core-0.1.0-SNAPSHOT.jar";

        assertThat(List.of(torch, javacpp113, nd4j, djl, ort, gson, kindling))
                .filteredOn(j -> PeersBench.Launcher.keep("libtorch-javacpp", j)).containsExactly(torch, javacpp113);
        assertThat(List.of(torch, javacpp113, nd4j, djl, ort, gson, kindling))
                .filteredOn(j -> PeersBench.Launcher.keep("dl4j", j)).containsExactly(nd4j, gson);
        assertThat(List.of(torch, javacpp113, nd4j, djl, ort, gson, kindling))
                .filteredOn(j -> PeersBench.Launcher.keep("djl-pytorch", j)).containsExactly(djl, gson);
        assertThat(List.of(torch, javacpp113, nd4j, djl, ort, gson, kindling))
                .filteredOn(j -> PeersBench.Launcher.keep("onnxruntime", j)).containsExactly(ort);
    }

    @Test
    void roundsArePooledAndNumpyIsNotThePeerToBeat() {
        List<Figure> raw = List.of(
                fig("kindling", "sgemm-256", 100, 110, 120),
                fig("kindling", "sgemm-256", 130, 140),
                fig("numpy", "sgemm-256", 300, 310),
                fig("dl4j", "sgemm-256", 90, 95),
                fig("libtorch-javacpp", "sgemm-256", 200, 210),
                fig("kindling", "mlp", 50));
        List<Figure> merged = PeersBench.merge(raw);
        Figure k = merged.stream().filter(f -> f.system().equals("kindling") && f.bench().equals("sgemm-256")).findFirst().orElseThrow();
        assertThat(k.values()).hasSize(5);
        assertThat(k.median()).isEqualTo(120);
        assertThat(k.min()).isEqualTo(100);
        assertThat(k.max()).isEqualTo(140);

        List<Report.Row> rows = Report.rows(merged);
        assertThat(rows).extracting(Report.Row::bench).containsExactly("sgemm-256", "mlp");
        assertThat(rows.getFirst().bestPeer().system()).isEqualTo("libtorch-javacpp");
        assertThat(rows.getFirst().ceiling().system()).isEqualTo("numpy");
        assertThat(rows.getFirst().ratio()).isCloseTo(120 / 205.0, within(1e-9));
        assertThat(rows.get(1).ratio()).isNaN();   // no peer ran the MLP: no ratio, not a win

        Report.Summary s = Report.summary(merged);
        assertThat(s.rows()).isEqualTo(2);
        assertThat(s.compared()).isEqualTo(1);
        assertThat(s.leads()).isZero();
        assertThat(Report.markdown(merged, Map.of("djl-pytorch gpt", "not implemented")))
                .contains("| sgemm-256 | GFLOPS |").contains("**0.59**").contains("djl-pytorch gpt: not implemented");
    }

    @Test
    void tinyGptMatchesThePeerDefinition() {
        TinyGpt gpt = new TinyGpt(PeerHarness.GPT_VOCAB, PeerHarness.GPT_CTX, PeerHarness.GPT_DIM, PeerHarness.GPT_LAYERS,
                PeerHarness.GPT_HEADS, new Generator(0));
        assertThat(gpt.numParameters()).isEqualTo(PeerHarness.GPT_PARAMS);
    }

    private static Figure fig(String system, String bench, double... values) {
        PeerHarness.Stats s = PeerHarness.Stats.of(values);
        return new Figure(system, bench, bench.startsWith("sgemm") ? "GFLOPS" : "samples/s", s.median(), s.min(), s.max(), "t2",
                java.util.Arrays.stream(values).boxed().toList(), 100);
    }
}
