// Autograd: grad mode, anomaly mode, op recording and the reverse-mode backward engine.
// Backward walks the graph in reverse topological order, sums gradients that reach a tensor along
// several paths, accumulates into leaves' .grad, and frees saved tensors unless retainGraph is set.
package dev.kindling.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode automatic differentiation.
 *
 * <p>Example:
 * <pre>{@code
 * try (var g = Autograd.noGrad()) { ... }            // no graph recorded inside
 * try (var a = Autograd.detectAnomaly()) { ... }     // first NaN/Inf reported with its op
 * }</pre>
 */
public final class Autograd {
    private static final ThreadLocal<boolean[]> GRAD_ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});
    private static final ThreadLocal<boolean[]> ANOMALY = ThreadLocal.withInitial(() -> new boolean[] {false});

    private Autograd() {}

    /** A scope that restores the previous mode when closed. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** True when ops record the graph on this thread. */
    public static boolean isGradEnabled() {
        return GRAD_ENABLED.get()[0];
    }

    /** Disables graph recording until the returned scope is closed. */
    public static Scope noGrad() {
        return setGradEnabled(false);
    }

    /** Enables graph recording until the returned scope is closed (e.g. inside a noGrad block). */
    public static Scope enableGrad() {
        return setGradEnabled(true);
    }

    private static Scope setGradEnabled(boolean on) {
        boolean[] flag = GRAD_ENABLED.get();
        boolean prev = flag[0];
        flag[0] = on;
        return () -> flag[0] = prev;
    }

    /** True when anomaly detection is on for this thread. */
    public static boolean isAnomalyEnabled() {
        return ANOMALY.get()[0];
    }

    /**
     * Turns anomaly detection on until the scope is closed: every op output and every gradient is checked,
     * and the first NaN/Inf throws an {@link AnomalyException} naming the op that produced it.
     */
    public static Scope detectAnomaly() {
        boolean[] flag = ANOMALY.get();
        boolean prev = flag[0];
        flag[0] = true;
        return () -> flag[0] = prev;
    }

    /**
     * Records {@code out} as the result of {@code op} applied to {@code inputs}. When grad mode is on and any
     * input requires grad, {@code out} gets a grad function; {@code saved} are the tensors the backward reads
     * (checked for in-place modification). Returns {@code out}.
     */
    public static Tensor record(String op, Tensor out, Tensor[] inputs, Node.BackwardFn fn, Tensor... saved) {
        if (isAnomalyEnabled()) checkFinite(out, "forward of op '" + op + "'");
        if (!isGradEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad) { any = true; break; }
        if (!any) return out;
        out.requiresGrad = true;
        out.gradFn = new Node(op, inputs, fn, saved, out.shape());
        return out;
    }

    static void checkFinite(Tensor t, String where) {
        if (t.dtype() != DType.FLOAT32) return;
        Tensor c = t.contiguous();
        float[] d = c.storage().floats();
        int off = c.offset(), n = c.numel();
        for (int i = 0; i < n; i++) {
            float v = d[off + i];
            if (Float.isNaN(v) || Float.isInfinite(v)) throw new AnomalyException("anomaly: " + where + " produced "
                    + (Float.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf") + " at flat index " + i + " of a tensor of shape "
                    + Shape.str(t.shape()));
        }
    }

    /** Runs backward from {@code root} with upstream gradient {@code grad} (null means ones for a scalar). */
    static void backward(Tensor root, Tensor grad, boolean retainGraph) {
        if (!root.requiresGrad) throw new IllegalStateException("backward: the tensor of shape " + Shape.str(root.shape())
                + " does not require grad and has no grad function; call requiresGrad(true) on a leaf it depends on");
        if (grad == null) {
            if (root.numel() != 1) throw new IllegalArgumentException("backward: grad can be implicitly created only for "
                    + "scalar outputs, but the output has shape " + Shape.str(root.shape())
                    + "; pass an explicit gradient of that shape");
            grad = Tensor.onesLike(root);
        } else if (!Shape.same(grad.shape(), root.shape())) {
            throw new IllegalArgumentException("backward: gradient shape " + Shape.str(grad.shape())
                    + " does not match output shape " + Shape.str(root.shape()));
        }
        try (Scope s = noGrad()) {
            if (root.gradFn == null) {
                accumulateLeaf(root, grad);
                return;
            }
            List<Node> order = topoOrder(root.gradFn);
            Map<Node, Tensor> grads = new IdentityHashMap<>();
            grads.put(root.gradFn, grad);
            boolean anomaly = isAnomalyEnabled();
            for (Node node : order) {
                Tensor g = grads.remove(node);
                if (g == null) continue;
                Tensor[] ins = node.runBackward(g);
                if (!retainGraph) node.release();
                for (int i = 0; i < node.inputs.length; i++) {
                    Tensor in = node.inputs[i];
                    if (in == null || !in.requiresGrad || ins[i] == null) continue;
                    Tensor gi = ins[i];
                    if (!Shape.same(gi.shape(), in.shape())) throw new IllegalStateException("internal error: backward of '"
                            + node.op + "' produced a gradient of shape " + Shape.str(gi.shape()) + " for input " + i
                            + " of shape " + Shape.str(in.shape()));
                    if (anomaly) checkFinite(gi, "backward of op '" + node.op + "' (gradient for input " + i + ")");
                    if (in.gradFn == null && !in.retainsGrad && in.grad == null && owned(gi, ins, i)) {
                        in.grad = gi;   // a fresh gradient only this leaf will reference: no copy needed
                        continue;
                    }
                    if (in.retainsGrad || in.gradFn == null) accumulateLeaf(in, gi);
                    if (in.gradFn != null) {
                        Tensor prev = grads.get(in.gradFn);
                        grads.put(in.gradFn, prev == null ? gi : prev.add(gi));
                    }
                }
                for (Tensor gi : ins) if (gi != null) gi.freshGradient = false;   // the promise holds only until here
            }
        }
    }

    /**
     * For backward functions: declares that {@code g} was allocated by this backward, is contiguous with storage of
     * its own, and is referenced nowhere else (not saved, not a view, not returned for another input). The engine
     * may then make it a leaf's {@code .grad} without the defensive copy. Returns {@code g} (null allowed).
     */
    public static Tensor freshGradient(Tensor g) {
        if (g != null) g.freshGradient = true;
        return g;
    }

    /** True when {@code ins[i]} was declared fresh, really owns its storage, and is not also returned for another input. */
    private static boolean owned(Tensor gi, Tensor[] ins, int i) {
        if (!gi.freshGradient || gi.gradFn != null || gi.dtype() != DType.FLOAT32 || !gi.isContiguous()
                || gi.offset() != 0 || gi.storage().floats().length != gi.numel()) {
            return false;
        }
        for (int j = 0; j < ins.length; j++) if (j != i && ins[j] == gi) return false;
        gi.freshGradient = false;
        return true;
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        // A fresh copy: the gradient must never alias a tensor the graph or the user still holds.
        if (leaf.grad == null) leaf.grad = g.clone();
        else leaf.grad = leaf.grad.add(g);
    }

    /** Nodes reachable from {@code root}, each after every node that feeds it a gradient. */
    private static List<Node> topoOrder(Node root) {
        Map<Node, Integer> pending = new HashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(root);
        pending.put(root, 0);
        List<Node> seen = new ArrayList<>();
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            seen.add(n);
            for (Tensor in : n.inputs) {
                if (in == null || in.gradFn == null) continue;
                Node c = in.gradFn;
                Integer cnt = pending.get(c);
                if (cnt == null) {
                    pending.put(c, 1);
                    stack.push(c);
                } else pending.put(c, cnt + 1);
            }
        }
        List<Node> order = new ArrayList<>(seen.size());
        ArrayDeque<Node> ready = new ArrayDeque<>();
        ready.add(root);
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            order.add(n);
            for (Tensor in : n.inputs) {
                if (in == null || in.gradFn == null) continue;
                int c = pending.merge(in.gradFn, -1, Integer::sum);
                if (c == 0) ready.add(in.gradFn);
            }
        }
        return order;
    }
}
