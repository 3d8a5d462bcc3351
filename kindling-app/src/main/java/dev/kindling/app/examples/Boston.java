// Boston: regression on real data (Boston house prices, 506 rows x 13 features, target medv in $1000s).
// Features and target are standardised with statistics of the training split only; a linear model and an
// MLP are trained on the same seeded 80/20 split and scored on the held-out 20% (MSE, MAE, R², in $1000s).
package dev.kindling.app.examples;

import dev.kindling.app.Home;
import dev.kindling.data.Csv;
import dev.kindling.data.DataLoader;
import dev.kindling.data.Splits;
import dev.kindling.data.StandardScaler;
import dev.kindling.data.TensorDataset;
import dev.kindling.metrics.Metrics;
import dev.kindling.nn.Dropout;
import dev.kindling.nn.Linear;
import dev.kindling.nn.MSELoss;
import dev.kindling.nn.Module;
import dev.kindling.nn.ReLU;
import dev.kindling.nn.Sequential;
import dev.kindling.ops.Indexing;
import dev.kindling.optim.Adam;
import dev.kindling.optim.AdamW;
import dev.kindling.optim.Optimizer;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kindling example boston}. */
@Command(
        name = "boston",
        mixinStandardHelpOptions = true,
        description = "Boston house prices: linear and MLP regressors, held-out MSE, MAE and R².")
public final class Boston implements Callable<Integer> {
    static final List<String> FEATURES = List.of("crim", "zn", "indus", "chas", "nox", "rm", "age", "dis", "rad", "tax",
            "ptratio", "b", "lstat");
    static final String TARGET = "medv";

    @Option(names = "--seed", paramLabel = "SEED",
            description = "Seed of the split, initialisation and shuffling (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--epochs", paramLabel = "N", description = "MLP training epochs (default: ${DEFAULT-VALUE}).")
    int epochs = 300;

    @Option(names = "--data", paramLabel = "CSV",
            description = "Boston CSV (default: data/boston/boston.csv of the checkout).")
    Path data;

    @Override
    public Integer call() throws IOException {
        run(System.out, data != null ? data : Home.resolve("data/boston/boston.csv"), seed, epochs);
        return 0;
    }

    /** Held-out scores of one model, in the target's units ($1000s). */
    public record Scores(double mse, double mae, double r2) {}

    /** Both models' held-out scores. */
    public record Result(Scores linear, Scores mlp, int trainRows, int testRows, double seconds) {}

    /** Loads the CSV, splits 80/20 with {@code seed}, trains both models and prints their scores and a RESULT line. */
    public static Result run(PrintStream out, Path csv, long seed, int epochs) throws IOException {
        long start = System.nanoTime();
        Csv.Table table = Csv.read(csv);
        Tensor x = table.toTensor(FEATURES.toArray(String[]::new));               // [506, 13]
        Tensor y = Tensor.of(table.floatColumn(TARGET), table.numRows(), 1);      // [506, 1]
        int[][] parts = Splits.randomSplit(table.numRows(), new double[] {0.8, 0.2}, seed);
        Tensor xTrain = rows(x, parts[0]), xTest = rows(x, parts[1]);
        Tensor yTrain = rows(y, parts[0]), yTest = rows(y, parts[1]);
        // Statistics of the training rows only, so nothing about the test set leaks into training.
        var xScaler = new StandardScaler().fit(xTrain);
        var yScaler = new StandardScaler().fit(yTrain);
        Tensor zxTrain = xScaler.transform(xTrain), zxTest = xScaler.transform(xTest);
        Tensor zyTrain = yScaler.transform(yTrain);
        out.printf(Locale.ROOT, "boston: %d rows x %d features from %s; seeded split %d train / %d test (seed %d); "
                + "features and target standardised with the training split's mean and std%n", table.numRows(),
                FEATURES.size(), csv.getFileName(), parts[0].length, parts[1].length, seed);

        Generator g = new Generator(seed);
        Module linear = new Linear(FEATURES.size(), 1, g);
        Scores lin = fitAndScore(out, "linear", linear, new Adam(linear.parameters(), 1e-2), 200, zxTrain, zyTrain,
                zxTest, yTest, yScaler, seed);
        Module mlp = new Sequential(new Linear(FEATURES.size(), 64, g), new ReLU(), new Dropout(0.1f, g),
                new Linear(64, 64, g), new ReLU(), new Linear(64, 1, g));
        Optimizer opt = new AdamW(mlp.parameters(), AdamW.Options.builder().lr(1e-3).weightDecay(1e-2).build());
        Scores net = fitAndScore(out, "MLP 13-64-64-1", mlp, opt, epochs, zxTrain, zyTrain, zxTest, yTest, yScaler,
                seed);
        Scores ols = leastSquares(zxTrain, yTrain, zxTest, yTest);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf(Locale.ROOT, "%nHeld-out test set (%d houses), prices in $1000s:%n", parts[1].length);
        out.printf(Locale.ROOT, "  %-16s %8s %8s %8s%n", "model", "MSE", "MAE", "R²");
        out.printf(Locale.ROOT, "  %-16s %8.3f %8.3f %8.4f%n", "linear", lin.mse(), lin.mae(), lin.r2());
        out.printf(Locale.ROOT, "  %-16s %8.3f %8.3f %8.4f%n", "MLP 13-64-64-1", net.mse(), net.mae(), net.r2());
        out.printf(Locale.ROOT, "  %-16s %8.3f %8.3f %8.4f   (closed-form fit of the linear model, for reference)%n",
                "least squares", ols.mse(), ols.mae(), ols.r2());
        out.printf(Locale.ROOT, "RESULT boston r2=%.4f mse=%.3f mae=%.3f linear_r2=%.4f linear_mse=%.3f linear_mae=%.3f "
                + "lstsq_r2=%.4f seconds=%.1f%n", net.r2(), net.mse(), net.mae(), lin.r2(), lin.mse(), lin.mae(), ols.r2(),
                seconds);
        return new Result(lin, net, parts[0].length, parts[1].length, seconds);
    }

    /** Mini-batch training (batch 32, MSE on the standardised target), then scores in the original units. */
    static Scores fitAndScore(PrintStream out, String name, Module model, Optimizer opt, int epochs, Tensor xTrain,
            Tensor yTrain, Tensor xTest, Tensor yTest, StandardScaler yScaler, long seed) {
        var loader = new DataLoader(new TensorDataset(xTrain, yTrain),
                DataLoader.Options.builder().batchSize(32).shuffle(true).seed(seed).build());
        var criterion = new MSELoss();
        double last = Double.NaN;
        model.train();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            double sum = 0;
            int seen = 0;
            for (Tensor[] b : loader) {
                Tensor loss = criterion.forward(model.forward(b[0]), b[1]);
                opt.zeroGrad();
                loss.backward();
                opt.step();
                sum += loss.item() * b[0].size(0);
                seen += b[0].size(0);
            }
            last = sum / seen;
            if (epoch % Math.max(1, epochs / 5) == 0)
                out.printf(Locale.ROOT, "  %-16s epoch %3d/%d  train MSE (standardised) %.4f%n", name, epoch, epochs, last);
        }
        model.eval();
        Tensor pred;
        try (var ng = Autograd.noGrad()) {
            pred = yScaler.inverseTransform(model.forward(xTest));   // [N_test, 1] in $1000s
        }
        return new Scores(Metrics.mse(pred, yTest), Metrics.mae(pred, yTest), Metrics.r2(pred, yTest));
    }

    /** Ordinary least squares with intercept on the training rows (normal equations in double), scored on test. */
    static Scores leastSquares(Tensor xTrain, Tensor yTrain, Tensor xTest, Tensor yTest) {
        int n = xTrain.size(0), d = xTrain.size(1) + 1;
        float[] x = xTrain.contiguous().toFloatArray(), y = yTrain.toFloatArray();
        double[][] a = new double[d][d + 1];   // [X^T X | X^T y] with a leading column of ones
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < d; i++) {
                double xi = i == 0 ? 1 : x[r * (d - 1) + i - 1];
                for (int j = 0; j < d; j++) a[i][j] += xi * (j == 0 ? 1 : x[r * (d - 1) + j - 1]);
                a[i][d] += xi * y[r];
            }
        }
        for (int col = 0; col < d; col++) {   // Gauss-Jordan with partial pivoting
            int piv = col;
            for (int r = col + 1; r < d; r++) if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) piv = r;
            double[] t = a[col];
            a[col] = a[piv];
            a[piv] = t;
            for (int r = 0; r < d; r++) {
                if (r == col) continue;
                double f = a[r][col] / a[col][col];
                for (int j = col; j <= d; j++) a[r][j] -= f * a[col][j];
            }
        }
        int m = xTest.size(0);
        float[] xt = xTest.contiguous().toFloatArray(), pred = new float[m];
        for (int r = 0; r < m; r++) {
            double v = a[0][d] / a[0][0];
            for (int j = 1; j < d; j++) v += a[j][d] / a[j][j] * xt[r * (d - 1) + j - 1];
            pred[r] = (float) v;
        }
        Tensor p = Tensor.of(pred, m, 1);   // [N_test, 1]
        return new Scores(Metrics.mse(p, yTest), Metrics.mae(p, yTest), Metrics.r2(p, yTest));
    }

    /** Rows {@code ids} of {@code t} (a copy). */
    static Tensor rows(Tensor t, int[] ids) {
        long[] idx = new long[ids.length];
        for (int i = 0; i < ids.length; i++) idx[i] = ids[i];
        return Indexing.indexSelect(t, 0, Tensor.ofLongs(idx));
    }
}
