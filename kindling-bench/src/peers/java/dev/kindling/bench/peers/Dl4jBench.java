// Dl4jBench: Deeplearning4j 1.0.0-M2.1 (nd4j-native AVX-512 + OpenBLAS 0.3.19) on the peer workloads it can run
// (SGEMM, MLP and LeNet training via MultiLayerNetwork.fit). Compiled only in the `peers` Maven profile; runs with
// JavaCPP 1.5.7 jars (peers/dl4j-lib). Best setting: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OPENBLAS_CORETYPE=SkylakeX.
package dev.kindling.bench.peers;

import dev.kindling.bench.peers.PeerHarness.Bench;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** {@code Dl4jBench sgemm|mlp|lenet [reps]}. */
public final class Dl4jBench {
    private Dl4jBench() {}

    public static void main(String[] args) {
        int reps = PeerHarness.reps(args, 1);
        var env = System.getenv();
        String label = "omp" + env.getOrDefault("OMP_NUM_THREADS", "auto") + "-blas" + env.getOrDefault("OPENBLAS_NUM_THREADS", "auto")
                + (env.containsKey("OPENBLAS_CORETYPE") ? "-" + env.get("OPENBLAS_CORETYPE").toLowerCase() : "-autodetect");
        String system = "dl4j";
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        if (args[0].equals("sgemm")) {
            for (int n : PeerHarness.SGEMM_SIZES) {
                INDArray a = Nd4j.rand(DataType.FLOAT, n, n), b = Nd4j.rand(DataType.FLOAT, n, n);
                INDArray c = Nd4j.create(DataType.FLOAT, new long[] {n, n}, 'f');
                PeerHarness.sgemm(system, n, reps, label, () -> a.mmul(b, c));
            }
            return;
        }
        Bench bench = Bench.of(args[0]);
        if (bench != Bench.MLP && bench != Bench.LENET) throw new IllegalArgumentException("Dl4jBench: no '" + bench + "' here");
        MultiLayerNetwork net = new MultiLayerNetwork(bench == Bench.MLP ? mlp() : lenet());
        net.init();
        DataSet[] data = new DataSet[PeerHarness.DATA_BATCHES];
        for (int i = 0; i < data.length; i++) {
            INDArray x = Nd4j.create(PeerHarness.uniform(100 + i, PeerHarness.BATCH * 784), new long[] {PeerHarness.BATCH, 784});
            long[] l = PeerHarness.labels(200 + i, PeerHarness.BATCH, 10);
            INDArray y = Nd4j.zeros(DataType.FLOAT, PeerHarness.BATCH, 10);
            for (int j = 0; j < l.length; j++) y.putScalar(j, l[j], 1f);
            data[i] = new DataSet(x, y);
        }
        int[] step = {0};
        PeerHarness.run(system, bench, reps, label, () -> net.fit(data[step[0]++ % data.length]));
    }

    static MultiLayerConfiguration mlp() {
        return new NeuralNetConfiguration.Builder().seed(0).dataType(DataType.FLOAT).updater(new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(256).nOut(128).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    static MultiLayerConfiguration lenet() {
        return new NeuralNetConfiguration.Builder().seed(0).dataType(DataType.FLOAT).updater(new Adam(1e-3)).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nIn(1).nOut(6).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(120).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(84).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build();
    }
}
