// DType: the element types a Tensor can hold.
package dev.kindling.tensor;

/** Element type of a {@link Tensor}: float32 for values, int64 for indices and labels, bool for masks. */
public enum DType {
    FLOAT32("float32"),
    INT64("int64"),
    BOOL("bool");

    private final String pyName;

    DType(String pyName) {
        this.pyName = pyName;
    }

    @Override
    public String toString() {
        return pyName;
    }
}
