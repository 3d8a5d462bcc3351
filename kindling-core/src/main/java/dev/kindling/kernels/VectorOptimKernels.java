// VectorOptimKernels: Vector API bodies of OptimKernels (loaded only when VectorSupport.enabled()). Each lane does
// exactly OptimKernels.adamScalar's float operations, in its order, without FMA, so the results are bit-identical.
package dev.kindling.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

final class VectorOptimKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorOptimKernels() {}

    /** Adam without AMSGrad over elements [lo, hi); the spec is OptimKernels#adamScalar. */
    static void adam(OptimKernels.AdamStep s, float[] p, int pOff, float[] g, int gOff, float[] m, float[] v,
            int lo, int hi) {
        float decay = s.decay(), wd = s.weightDecay(), w1 = s.w1(), w1c = s.w1c(), beta2 = s.beta2(), w2 = s.w2();
        float stepSize = s.stepSize(), bc2Sqrt = s.bc2Sqrt(), eps = s.eps();
        boolean maximize = s.maximize(), lerpLow = s.lerpLow();
        int i = lo;
        for (int bound = lo + S.loopBound(hi - lo); i < bound; i += S.length()) {
            FloatVector pi = FloatVector.fromArray(S, p, pOff + i);
            if (decay != 1f) pi = pi.mul(decay);
            FloatVector d = FloatVector.fromArray(S, g, gOff + i);
            if (maximize) d = d.neg();
            if (wd != 0) d = d.add(pi.mul(wd));
            FloatVector mi = FloatVector.fromArray(S, m, i);
            mi = lerpLow ? mi.add(d.sub(mi).mul(w1)) : d.sub(d.sub(mi).mul(w1c));
            mi.intoArray(m, i);
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(beta2);
            vi = vi.add(d.mul(w2).mul(d));
            vi.intoArray(v, i);
            FloatVector denom = vi.sqrt().div(bc2Sqrt).add(eps);
            pi.sub(mi.div(denom).mul(stepSize)).intoArray(p, pOff + i);
        }
        OptimKernels.adamScalar(s, p, pOff, g, gOff, m, v, null, i, hi);   // the tail, by the spec
    }
}
