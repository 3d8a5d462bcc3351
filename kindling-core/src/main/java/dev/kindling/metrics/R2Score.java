// R2Score: streaming coefficient of determination. Keeps, per output column, the target's running mean and
// sum of squared deviations (Welford, in double) and the residual sum of squares, so batches merge exactly.
package dev.kindling.metrics;

import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * R² = {@code 1 - SS_res / SS_tot}, like {@code sklearn.metrics.r2_score}: outputs {@code [N, K]} with
 * {@code K > 1} score each column and average them ({@code "uniform_average"}); any other shape is flattened.
 * A constant target gives 1 when predicted exactly and 0 otherwise ({@code force_finite=True}). Logs {@code "r2"}.
 */
public final class R2Score implements Metric {
    private int outputs;            // 0 until the first update fixes the column count
    private long n;
    private double[] mean, m2, ssRes;

    @Override
    public void update(Tensor output, Tensor target) {
        double[][] pt = Metrics.pairs("R2Score", output, target);
        int k = output.dim() == 2 && output.size(1) > 1 ? output.size(1) : 1;
        if (k > 1 && !Shape.same(output.shape(), target.shape())) throw new IllegalArgumentException("R2Score: output "
                + Shape.str(output.shape()) + " has " + k + " columns, so target must have the same shape, got "
                + Shape.str(target.shape()));
        if (outputs == 0) {
            outputs = k;
            mean = new double[k];
            m2 = new double[k];
            ssRes = new double[k];
        } else if (k != outputs) {
            throw new IllegalArgumentException("R2Score: earlier batches had " + outputs + " output column(s), this one "
                    + "has " + k + " (output " + Shape.str(output.shape()) + ")");
        }
        double[] p = pt[0], y = pt[1];
        int rows = p.length / k;
        for (int r = 0; r < rows; r++) {
            long count = n + r + 1;
            for (int c = 0; c < k; c++) {
                double yi = y[r * k + c];
                double d = yi - mean[c];
                mean[c] += d / count;
                m2[c] += d * (yi - mean[c]);
                double e = yi - p[r * k + c];
                ssRes[c] += e * e;
            }
        }
        n += rows;
    }

    @Override
    public double compute() {
        if (n == 0) return Double.NaN;
        double total = 0;
        for (int c = 0; c < outputs; c++) {
            if (m2[c] == 0) total += ssRes[c] == 0 ? 1.0 : 0.0;
            else total += 1.0 - ssRes[c] / m2[c];
        }
        return total / outputs;
    }

    @Override
    public void reset() {
        outputs = 0;
        n = 0;
        mean = m2 = ssRes = null;
    }

    @Override
    public String name() {
        return "r2";
    }
}
