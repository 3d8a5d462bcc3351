// DataLoaderException: a failure while loading a batch, carrying the original exception as its cause and saying
// which batch of which epoch failed. Thrown on the consumer's thread whether or not batches are prefetched.
package dev.kindling.data;

/** Loading a batch failed; {@link #getCause()} is the exception thrown by the dataset or the collation. */
public final class DataLoaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int epoch;
    private final int batch;

    /** A failure of batch {@code batch} of epoch {@code epoch}. */
    public DataLoaderException(int epoch, int batch, Throwable cause) {
        super("DataLoader: loading batch " + batch + " of epoch " + epoch + " failed: " + cause, cause);
        this.epoch = epoch;
        this.batch = batch;
    }

    /** The epoch whose batch failed. */
    public int epoch() {
        return epoch;
    }

    /** The index (0-based, within the epoch) of the batch that failed. */
    public int batch() {
        return batch;
    }
}
