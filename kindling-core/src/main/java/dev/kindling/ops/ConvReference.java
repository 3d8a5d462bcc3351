// ConvReference: the scalar specification of 2-D convolution and of both its gradients: direct loops over
// batch, output channel, output position, input channel and kernel taps; no threads, no GEMM. Slow. The fast
// kernels in ConvKernels are tested against it.
package dev.kindling.ops;

import dev.kindling.ops.ConvKernels.Geometry;

/** Direct (7-loop) convolution over flat row-major arrays, same layouts and arguments as {@link ConvKernels}. */
public final class ConvReference {
    private ConvReference() {}

    /** {@code out[n, co, oh, ow] = bias[co] + sum x[n, ci, ih, iw] * w[co, ci - g0, ki, kj]}; bias may be null. */
    public static void forward(Geometry g, float[] x, float[] w, float[] bias, float[] out) {
        int inCg = g.inCg(), outCg = g.outCg();
        for (int n = 0; n < g.batch(); n++)
            for (int co = 0; co < g.outC(); co++) {
                int grp = co / outCg;
                for (int oh = 0; oh < g.outH(); oh++)
                    for (int ow = 0; ow < g.outW(); ow++) {
                        float acc = bias == null ? 0f : bias[co];
                        for (int c = 0; c < inCg; c++)
                            for (int ki = 0; ki < g.kH(); ki++) {
                                int ih = oh * g.strideH() - g.padH() + ki * g.dilH();
                                if (ih < 0 || ih >= g.inH()) continue;
                                for (int kj = 0; kj < g.kW(); kj++) {
                                    int iw = ow * g.strideW() - g.padW() + kj * g.dilW();
                                    if (iw < 0 || iw >= g.inW()) continue;
                                    acc += x[xIndex(g, n, grp * inCg + c, ih, iw)] * w[wIndex(g, co, c, ki, kj)];
                                }
                            }
                        out[((n * g.outC() + co) * g.outH() + oh) * g.outW() + ow] = acc;
                    }
            }
    }

    /** {@code gx[n, ci, ih, iw] = sum over the outputs it feeds of gOut * w}; {@code gx} is overwritten. */
    public static void backwardInput(Geometry g, float[] gOut, float[] w, float[] gx) {
        java.util.Arrays.fill(gx, 0, g.batch() * g.inC() * g.inHW(), 0f);
        int inCg = g.inCg(), outCg = g.outCg();
        for (int n = 0; n < g.batch(); n++)
            for (int co = 0; co < g.outC(); co++) {
                int grp = co / outCg;
                for (int oh = 0; oh < g.outH(); oh++)
                    for (int ow = 0; ow < g.outW(); ow++) {
                        float go = gOut[((n * g.outC() + co) * g.outH() + oh) * g.outW() + ow];
                        for (int c = 0; c < inCg; c++)
                            for (int ki = 0; ki < g.kH(); ki++) {
                                int ih = oh * g.strideH() - g.padH() + ki * g.dilH();
                                if (ih < 0 || ih >= g.inH()) continue;
                                for (int kj = 0; kj < g.kW(); kj++) {
                                    int iw = ow * g.strideW() - g.padW() + kj * g.dilW();
                                    if (iw < 0 || iw >= g.inW()) continue;
                                    gx[xIndex(g, n, grp * inCg + c, ih, iw)] += go * w[wIndex(g, co, c, ki, kj)];
                                }
                            }
                    }
            }
    }

    /** {@code gw[co, c, ki, kj] = sum over images and outputs of gOut * x}; {@code gw} is overwritten. */
    public static void backwardWeight(Geometry g, float[] x, float[] gOut, float[] gw) {
        java.util.Arrays.fill(gw, 0, g.weightSize(), 0f);
        int inCg = g.inCg(), outCg = g.outCg();
        for (int n = 0; n < g.batch(); n++)
            for (int co = 0; co < g.outC(); co++) {
                int grp = co / outCg;
                for (int oh = 0; oh < g.outH(); oh++)
                    for (int ow = 0; ow < g.outW(); ow++) {
                        float go = gOut[((n * g.outC() + co) * g.outH() + oh) * g.outW() + ow];
                        for (int c = 0; c < inCg; c++)
                            for (int ki = 0; ki < g.kH(); ki++) {
                                int ih = oh * g.strideH() - g.padH() + ki * g.dilH();
                                if (ih < 0 || ih >= g.inH()) continue;
                                for (int kj = 0; kj < g.kW(); kj++) {
                                    int iw = ow * g.strideW() - g.padW() + kj * g.dilW();
                                    if (iw < 0 || iw >= g.inW()) continue;
                                    gw[wIndex(g, co, c, ki, kj)] += go * x[xIndex(g, n, grp * inCg + c, ih, iw)];
                                }
                            }
                    }
            }
    }

    private static int xIndex(Geometry g, int n, int c, int h, int w) {
        return ((n * g.inC() + c) * g.inH() + h) * g.inW() + w;
    }

    private static int wIndex(Geometry g, int co, int c, int ki, int kj) {
        return ((co * g.inCg() + c) * g.kH() + ki) * g.kW() + kj;
    }
}
