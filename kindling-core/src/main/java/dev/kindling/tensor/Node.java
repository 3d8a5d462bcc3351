// Node: one recorded operation in the autograd graph: its inputs, the tensors it saved for backward
// (with their storage versions at save time), and the function that maps the output gradient to
// input gradients. Forward and backward of each op live together in the op's own file.
package dev.kindling.tensor;

/** A recorded op in the autograd graph. Created by {@link Autograd#record}. */
public final class Node {
    /** Maps the gradient of the op's output to the gradients of its inputs (null where none is needed). */
    @FunctionalInterface
    public interface BackwardFn {
        Tensor[] apply(Tensor gradOutput);
    }

    final String op;
    final Tensor[] inputs;
    private Tensor[] saved;
    private int[] savedVersions;
    private BackwardFn fn;
    private boolean released;
    final int[] outShape;

    Node(String op, Tensor[] inputs, BackwardFn fn, Tensor[] saved, int[] outShape) {
        this.op = op;
        this.inputs = inputs;
        this.fn = fn;
        this.saved = saved;
        this.outShape = outShape;
        this.savedVersions = new int[saved.length];
        for (int i = 0; i < saved.length; i++) savedVersions[i] = saved[i].storage().version();
    }

    /** Name of the op, e.g. {@code "mul"}. */
    public String op() {
        return op;
    }

    /** The op's inputs, in call order. */
    public Tensor[] inputs() {
        return inputs.clone();
    }

    Tensor[] runBackward(Tensor grad) {
        if (released) throw new IllegalStateException("backward: trying to backward through the graph a second time "
                + "(op '" + op + "'): its saved tensors were freed after the first backward. Call "
                + "backward(grad, true) (retainGraph) the first time if you need to backward twice.");
        for (int i = 0; i < saved.length; i++) {
            int now = saved[i].storage().version();
            if (now != savedVersions[i]) throw new IllegalStateException("backward: a tensor of shape "
                    + Shape.str(saved[i].shape()) + " saved by op '" + op + "' for its gradient was modified by an "
                    + "in-place operation (version " + savedVersions[i] + " at save, now " + now + "). Use an "
                    + "out-of-place op (e.g. x.add(y) instead of x.add_(y)) or clone() the tensor first.");
        }
        return fn.apply(grad);
    }

    void release() {
        released = true;
        fn = null;
        saved = new Tensor[0];
        savedVersions = new int[0];
    }

    @Override
    public String toString() {
        return op + "Backward";
    }
}
