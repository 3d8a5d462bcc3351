// GoldenOp: how the harness runs one cases.json op through Kindling's functional API.
package dev.kindling.golden;

import dev.kindling.tensor.Tensor;
import java.util.Map;

/** Runs a case's op on its loaded inputs and returns the outputs in PyTorch's return order. */
@FunctionalInterface
interface GoldenOp {
    Tensor[] run(GoldenRun r);

    /** Registers the ops of one family under their cases.json {@code op} names. */
    interface Family {
        void register(Map<String, GoldenOp> ops);
    }

    static Tensor[] one(Tensor t) {
        return new Tensor[] {t};
    }
}
