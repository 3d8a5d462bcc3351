// GoldenRunner: runs one golden case (forward, extra checks, backward) and collects every mismatch.
package dev.kindling.golden;

import dev.kindling.ops.Elementwise;
import dev.kindling.ops.Reductions;
import dev.kindling.tensor.DType;
import dev.kindling.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs a case and reports its largest output/gradient errors and its failures (empty when it passes). */
final class GoldenRunner {
    private GoldenRunner() {}

    /** The result of one case; {@code cause} is the exception the op threw, if any. */
    record Outcome(String id, String op, double outErr, double gradErr, List<String> failures, Throwable cause) {
        boolean passed() {
            return failures.isEmpty();
        }
    }

    /** Runs {@code c} with {@code op} (null: the op is missing, which is a failure). */
    static Outcome run(GoldenCase c, GoldenOp op, Map<String, Tensor> store) {
        List<String> failures = new ArrayList<>();
        if (op == null) {
            failures.add("case '" + c.id() + "': op '" + c.op() + "' is not implemented in Kindling (or not wired "
                    + "into the golden harness)");
            return new Outcome(c.id(), c.op(), Double.NaN, Double.NaN, failures, null);
        }
        List<GoldenCompare.Result> outResults = new ArrayList<>();
        List<GoldenCompare.Result> gradResults = new ArrayList<>();
        Throwable error = null;
        try {
            GoldenRun run = new GoldenRun(c, store);
            Tensor[] outs = op.run(run);
            if (outs.length != c.outputs().size()) {
                failures.add("case '" + c.id() + "': op returned " + outs.length + " outputs, expected "
                        + c.outputs().size() + " " + c.outputs());
            }
            for (int i = 0; i < Math.min(outs.length, c.outputs().size()); i++) {
                String key = c.outputs().get(i);
                outResults.add(GoldenCompare.compare(c.id(), "output " + i + " (" + key + ")", outs[i],
                        run.stored(key)));
            }
            run.extraChecks.forEach((key, actual) ->
                    outResults.add(GoldenCompare.compare(c.id(), "extra " + key, actual, run.stored(key))));
            if (!c.grads().isEmpty()) backwardAndCompare(c, run, outs, gradResults, failures);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            error = e;
            failures.add("case '" + c.id() + "': " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        for (var r : outResults) if (!r.ok()) failures.add(r.failure());
        for (var r : gradResults) if (!r.ok()) failures.add(r.failure());
        return new Outcome(c.id(), c.op(), maxErr(outResults), maxErr(gradResults), failures, error);
    }

    /** Backward of {@code sum_i sum(out_i * gradOut_i)} over the float outputs, then compare input gradients. */
    private static void backwardAndCompare(GoldenCase c, GoldenRun run, Tensor[] outs,
            List<GoldenCompare.Result> gradResults, List<String> failures) {
        Tensor loss = null;
        int g = 0;
        for (Tensor out : outs) {
            if (out.dtype() != DType.FLOAT32) continue;                  // indices carry no gradient
            if (g >= c.gradOutputs().size()) break;
            Tensor term = Reductions.sum(Elementwise.mul(out, GoldenRun.copy(run.stored(c.gradOutputs().get(g++)))));
            loss = loss == null ? term : Elementwise.add(loss, term);
        }
        if (g != c.gradOutputs().size()) {
            failures.add("case '" + c.id() + "': " + g + " float outputs for " + c.gradOutputs().size()
                    + " grad_outputs");
            return;
        }
        if (loss == null || !loss.requiresGrad()) {
            failures.add("case '" + c.id() + "': no output is connected to an input that requires grad "
                    + "(op not recorded by autograd?)");
            return;
        }
        loss.backward();
        c.grads().forEach((name, key) -> {
            Tensor expected = run.stored(key);
            Tensor actual = run.in(name).grad();
            // A gradient that never arrived equals zero, which is right only if PyTorch's is zero too.
            if (actual == null && allZero(expected)) actual = Tensor.zeros(expected.shape());
            gradResults.add(GoldenCompare.compare(c.id(), "grad of input '" + name + "' (" + key + ")", actual,
                    expected));
        });
    }

    private static boolean allZero(Tensor t) {
        for (float v : t.toFloatArray()) if (v != 0f) return false;
        return true;
    }

    private static double maxErr(List<GoldenCompare.Result> rs) {
        if (rs.isEmpty()) return Double.NaN;
        double m = 0;
        for (var r : rs) m = Double.isNaN(r.maxAbsErr()) || Double.isNaN(m) ? Double.NaN : Math.max(m, r.maxAbsErr());
        return m;
    }
}
