// LinearRegression: the seed's first example, exactly: fit y = w x + b to five points with Linear(1, 1),
// MSELoss and plain SGD (lr 0.01) from weight 0.3, bias 0.1, printing the loss every 10 epochs. It then says
// where gradient descent ended and what the best line is (closed-form least squares, solved here).
package dev.kindling.app.examples;

import dev.kindling.nn.Linear;
import dev.kindling.nn.MSELoss;
import dev.kindling.optim.SGD;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kindling example linear-regression}. */
@Command(
        name = "linear-regression",
        mixinStandardHelpOptions = true,
        description = "Fit a line to 5 points with Linear(1,1), MSELoss and SGD (the seed's example).")
public final class LinearRegression implements Callable<Integer> {
    /** The seed's data: x = 1..5, y = 2, 4, 5, 6, 7. */
    static final float[] X = {1, 2, 3, 4, 5};
    static final float[] Y = {2, 4, 5, 6, 7};
    static final float INIT_WEIGHT = 0.3f, INIT_BIAS = 0.1f;

    @Spec
    CommandSpec spec;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Epochs, one full-batch SGD step each (default: ${DEFAULT-VALUE}).")
    int epochs = 100;

    @Option(names = "--lr", paramLabel = "LR", description = "Learning rate (default: ${DEFAULT-VALUE}).")
    double lr = 0.01;

    @Override
    public Integer call() {
        if (epochs < 1) throw new ParameterException(spec.commandLine(), "--epochs must be >= 1, got " + epochs);
        run(System.out, epochs, lr);
        return 0;
    }

    /**
     * The outcome of {@link #train}: the loss of each epoch's forward pass (before that epoch's update), and the
     * parameters and predictions on {@link #X} after the last update.
     */
    public record Fit(float[] losses, float weight, float bias, float[] predictions) {}

    /** Trains Linear(1, 1) from weight 0.3, bias 0.1 for {@code epochs} full-batch SGD steps of {@code lr}. */
    public static Fit train(int epochs, double lr) {
        Tensor x = Tensor.of(X, 5, 1);   // [5, 1]
        Tensor y = Tensor.of(Y, 5, 1);   // [5, 1]
        var model = new Linear(1, 1, new Generator(0));
        try (var ng = Autograd.noGrad()) {
            model.weight().fill_(INIT_WEIGHT);
            model.bias().fill_(INIT_BIAS);
        }
        var criterion = new MSELoss();
        var optimizer = new SGD(model.parameters(), lr);
        float[] losses = new float[epochs];
        for (int epoch = 0; epoch < epochs; epoch++) {
            Tensor loss = criterion.forward(model.forward(x), y);
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            losses[epoch] = loss.item();
        }
        float[] pred;
        try (var ng = Autograd.noGrad()) {
            pred = model.forward(x).toFloatArray();
        }
        return new Fit(losses, model.weight().item(), model.bias().item(), pred);
    }

    /**
     * The ordinary least-squares line through ({@code x}, {@code y}) in double: {weight, bias, mean squared error}.
     */
    public static double[] leastSquares(float[] x, float[] y) {
        int n = x.length;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        double w = sxy / sxx, b = my - w * mx, mse = 0;
        for (int i = 0; i < n; i++) mse += Math.pow(w * x[i] + b - y[i], 2);
        return new double[] {w, b, mse / n};
    }

    /** Runs the example, printing progress, predictions, the least-squares comparison and the RESULT line. */
    public static Fit run(PrintStream out, int epochs, double lr) {
        out.printf(Locale.ROOT, "linear-regression: x = [1, 2, 3, 4, 5], y = [2, 4, 5, 6, 7]; Linear(1, 1) from "
                + "weight %.1f, bias %.1f; MSELoss; SGD lr %s; %d epochs (one full-batch step each)%n",
                INIT_WEIGHT, INIT_BIAS, lr, epochs);
        Fit fit = train(epochs, lr);
        int every = Math.max(1, epochs / 10);
        for (int e = every; e <= epochs; e += every)
            out.printf(Locale.ROOT, "Epoch [%d/%d], Loss: %.4f%n", e, epochs, fit.losses()[e - 1]);
        out.println();
        out.println("Predictions after training:");
        for (int i = 0; i < X.length; i++)
            out.printf(Locale.ROOT, "  x = %.0f  predicted %.4f  (true %.0f)%n", X[i], fit.predictions()[i], Y[i]);

        double[] ls = leastSquares(X, Y);
        double finalMse = 0;
        for (int i = 0; i < X.length; i++) finalMse += Math.pow(fit.predictions()[i] - Y[i], 2);
        finalMse /= X.length;
        out.println();
        out.printf(Locale.ROOT, "Where it ends: weight %.4f, bias %.4f; MSE of this line %.4f (loss of the last "
                + "epoch's forward pass, before its update: %.4f).%n", fit.weight(), fit.bias(), finalMse,
                fit.losses()[epochs - 1]);
        out.printf(Locale.ROOT, "The best any line can do on this data (closed-form least squares, solved by this example): "
                + "weight %.4f, bias %.4f, MSE %.4f.%n", ls[0], ls[1], ls[2]);
        double gap = finalMse - ls[2];
        if (gap > 1e-4) {
            out.printf(Locale.ROOT, "Gradient descent has not converged: it is %.4f above that minimum. With lr %s the "
                    + "bias moves slowly (x is not centred, so the loss surface is a long, narrow valley); more epochs "
                    + "close the gap, e.g. --epochs 1000.%n", gap, lr);
        } else {
            out.printf(Locale.ROOT, "Gradient descent has reached the least-squares line (within %.1e in MSE).%n",
                    Math.max(gap, 0));
        }
        out.printf(Locale.ROOT, "RESULT linear-regression loss=%.4f weight=%.4f bias=%.4f mse=%.4f lstsq_mse=%.4f "
                + "epochs=%d%n", fit.losses()[epochs - 1], fit.weight(), fit.bias(), finalMse, ls[2], epochs);
        return fit;
    }
}
