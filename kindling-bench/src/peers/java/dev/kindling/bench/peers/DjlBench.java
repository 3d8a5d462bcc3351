// DjlBench: DJL 0.36 with its PyTorch engine (libtorch 2.7.1 CPU + MKL) on the peer workloads. Compiled only in the
// `peers` Maven profile. Training uses DJL's Trainer with no listeners or metrics; a fresh input NDArray is made from
// a Java array each step (what a DJL user does), inside a sub-manager that frees the step's arrays.
package dev.kindling.bench.peers;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.kindling.bench.peers.PeerHarness.Bench;

/**
 * {@code DjlBench sgemm|mlp|lenet|mlp-infer|lenet-infer [reps]}; threads come from {@code -Dai.djl.pytorch.num_threads}
 * (the orchestrator passes 2, interop 1).
 */
public final class DjlBench {
    private DjlBench() {}

    public static void main(String[] args) {
        int reps = PeerHarness.reps(args, 1);
        String label = "t" + System.getProperty("ai.djl.pytorch.num_threads", "default");
        String system = "djl-pytorch";
        try (NDManager manager = NDManager.newBaseManager()) {
            if (args[0].equals("sgemm")) {
                for (int n : PeerHarness.SGEMM_SIZES) {
                    NDArray a = manager.randomUniform(0, 1, new Shape(n, n)), b = manager.randomUniform(0, 1, new Shape(n, n));
                    PeerHarness.sgemm(system, n, reps, label, () -> a.matMul(b).close());   // DJL has no out= matmul
                }
                return;
            }
            Bench bench = Bench.of(args[0]);
            if (bench == Bench.MINILM) throw new IllegalArgumentException("DjlBench: no '" + bench + "' here");
            boolean lenet = bench == Bench.LENET || bench == Bench.LENET_INFER;
            Block net = lenet ? lenet() : mlp();
            int features = lenet ? 28 * 28 : 784;
            Shape inputShape = lenet ? new Shape(PeerHarness.BATCH, 1, 28, 28) : new Shape(PeerHarness.BATCH, features);
            try (Model model = Model.newInstance(bench.id)) {
                model.setBlock(net);
                DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build());
                try (Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(inputShape);
                    float[][] x = new float[PeerHarness.DATA_BATCHES][];
                    float[][] y = new float[PeerHarness.DATA_BATCHES][];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = PeerHarness.uniform(100 + i, PeerHarness.BATCH * features);
                        long[] l = PeerHarness.labels(200 + i, PeerHarness.BATCH, 10);
                        y[i] = new float[l.length];
                        for (int j = 0; j < l.length; j++) y[i][j] = l[j];
                    }
                    int[] step = {0};
                    Runnable run;
                    if (bench == Bench.MLP || bench == Bench.LENET) {
                        run = () -> {
                            int k = step[0]++ % x.length;
                            try (NDManager sub = trainer.getManager().newSubManager()) {
                                NDArray in = sub.create(x[k], inputShape), label2 = sub.create(y[k], new Shape(PeerHarness.BATCH));
                                try (GradientCollector gc = trainer.newGradientCollector()) {
                                    NDList pred = trainer.forward(new NDList(in));
                                    gc.backward(trainer.getLoss().evaluate(new NDList(label2), pred));
                                }
                                trainer.step();
                            }
                        };
                    } else {
                        ParameterStore ps = new ParameterStore(trainer.getManager(), false);
                        run = () -> {
                            int k = step[0]++ % x.length;
                            try (NDManager sub = trainer.getManager().newSubManager()) {
                                net.forward(ps, new NDList(sub.create(x[k], inputShape)), false);
                            }
                        };
                    }
                    PeerHarness.run(system, bench, reps, label, run);
                }
            }
        }
    }

    static Block mlp() {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(256).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(128).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(10).build());
    }

    static Block lenet() {
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(6).build()).add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(16).build()).add(Activation::relu)
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(120).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(84).build()).add(Activation::relu)
                .add(Linear.builder().setUnits(10).build());
    }
}
