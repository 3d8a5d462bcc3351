// GoldenCasesTest: runs every op case of golden/cases.json (PyTorch 2.11 references) through Kindling and
// compares outputs and input gradients. One dynamic test per case; a summary table goes to stdout at the end.
package dev.kindling.golden;

import dev.kindling.io.Json;
import dev.kindling.io.Safetensors;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

class GoldenCasesTest {
    /** Op families wired into the harness; each maps cases.json op names to Kindling calls. */
    static final List<GoldenOp.Family> FAMILIES = List.of(new GoldenOpsElementwise(), new GoldenOpsReductions(),
            new GoldenOpsShape(), new GoldenOpsConvPool(), new GoldenOpsLosses(),
            new GoldenOpsNormsAttention(), new GoldenOpsRecurrent(), new GoldenOpsTransformer());

    private static final List<GoldenRunner.Outcome> OUTCOMES = Collections.synchronizedList(new ArrayList<>());
    private static final AtomicInteger MODULE_SKIPPED = new AtomicInteger();

    static Path resource(String name) {
        try {
            var url = GoldenCasesTest.class.getResource("/" + name);
            if (url == null) throw new IllegalStateException("missing test resource " + name);
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** All tensors of golden/cases.safetensors. */
    static Map<String, Tensor> loadStore() throws IOException {
        return Safetensors.load(resource("golden/cases.safetensors"));
    }

    /** All cases of golden/cases.json, in file order. */
    @SuppressWarnings("unchecked")
    static List<GoldenCase> loadCases() throws IOException {
        Map<String, Object> root = Json.parseObject(Files.readString(resource("golden/cases.json")));
        List<GoldenCase> cases = new ArrayList<>();
        for (Object o : (List<?>) root.get("cases")) cases.add(GoldenCase.fromJson((Map<String, Object>) o));
        return cases;
    }

    static Map<String, GoldenOp> registry() {
        Map<String, GoldenOp> ops = new HashMap<>();
        for (GoldenOp.Family f : FAMILIES) f.register(ops);
        return ops;
    }

    @TestFactory
    Stream<DynamicTest> goldenCases() throws IOException {
        Map<String, Tensor> store = loadStore();
        Map<String, GoldenOp> ops = registry();
        return loadCases().stream().map(c -> DynamicTest.dynamicTest(c.id() + " (" + c.op() + ")", () -> {
            if (c.isModuleCase() && !ops.containsKey(c.op())) {
                MODULE_SKIPPED.incrementAndGet();
                Assumptions.abort("module case '" + c.id() + "' (" + c.op() + ") is not wired into the harness yet");
            }
            GoldenRunner.Outcome o = GoldenRunner.run(c, ops.get(c.op()), store);
            OUTCOMES.add(o);
            if (!o.passed()) {
                AssertionError e = new AssertionError(String.join("\n", o.failures()));
                if (o.cause() != null) e.initCause(o.cause());
                throw e;
            }
        }));
    }

    @AfterAll
    static void printSummary() {
        if (OUTCOMES.isEmpty()) return;
        StringBuilder sb = new StringBuilder();
        String row = "%-24s %-34s %13s %13s  %s%n";
        sb.append(String.format("%n" + row, "case", "op", "max|err| out", "max|err| grad", "result"));
        int passed = 0;
        for (GoldenRunner.Outcome o : OUTCOMES) {
            if (o.passed()) passed++;
            String result = o.passed() ? "pass" : "FAIL  " + truncate(firstLine(o.failures().get(0)), 200);
            sb.append(String.format(row, o.id(), o.op(), GoldenCompare.fmt(o.outErr()), GoldenCompare.fmt(o.gradErr()),
                    result));
        }
        sb.append(String.format("golden: %d cases ran, %d passed, %d failed, %d module cases skipped%n",
                OUTCOMES.size(), passed, OUTCOMES.size() - passed, MODULE_SKIPPED.get()));
        System.out.print(sb);
    }

    private static String firstLine(String s) {
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n) + "...";
    }
}
