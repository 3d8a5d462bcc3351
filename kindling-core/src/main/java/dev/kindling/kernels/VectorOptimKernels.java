// VectorOptimKernels: Vector API bodies of OptimKernels (loaded only when VectorSupport.enabled()). Each lane does
// exactly the scalar loop's float operations, in its order, without FMA, so the results are bit-identical.
package dev.kindling.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

final class VectorOptimKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private VectorOptimKernels() {}

    /** Adam without AMSGrad over elements [lo, hi); see optim.Adam#update for the scalar spec. */
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
        for (; i < hi; i++) {
            float pi = p[pOff + i];
            if (decay != 1f) pi *= decay;
            float d = maximize ? -g[gOff + i] : g[gOff + i];
            if (wd != 0) d += wd * pi;
            float mi = m[i];
            mi = lerpLow ? mi + w1 * (d - mi) : d - (d - mi) * w1c;
            m[i] = mi;
            float vi = v[i] * beta2;
            vi = vi + w2 * d * d;
            v[i] = vi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + eps;
            p[pOff + i] = pi - stepSize * (mi / denom);
        }
    }
}
