// GradientOwnershipTest: the engine keeps a fresh backward result as a leaf's .grad without copying it
// (Autograd.freshGradient); these check that doing so never aliases: accumulation, reuse of one input,
// a tensor used on both sides of a product, and the fused linear's gradients against the unfused ops.
package dev.kindling.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.ops.Linalg;
import org.junit.jupiter.api.Test;

class GradientOwnershipTest {
    private static Tensor rnd(Generator g, int... shape) {
        return Tensor.randn(g, shape).requiresGrad(true);
    }

    @Test
    void secondBackwardAccumulatesWithoutTouchingTheFirstGradient() {
        Generator g = new Generator(1);
        Tensor x = Tensor.randn(g, 5, 3), w = rnd(g, 4, 3), b = rnd(g, 4);
        Linalg.linear(x, w, b).sum().backward();
        Tensor first = w.grad();
        float[] firstValues = first.toFloatArray();
        Linalg.linear(x, w, b).sum().backward();
        assertThat(first.toFloatArray()).containsExactly(firstValues);          // not updated in place
        float[] twice = w.grad().toFloatArray();
        for (int i = 0; i < twice.length; i++) assertThat(twice[i]).isEqualTo(2 * firstValues[i]);
        assertThat(w.grad()).isNotSameAs(first);
    }

    @Test
    void weightUsedTwiceInOneGraphGetsTheSumOfBothPaths() {
        Generator g = new Generator(2);
        Tensor x1 = Tensor.randn(g, 6, 3), x2 = Tensor.randn(g, 2, 3), w = rnd(g, 4, 3);
        Linalg.linear(x1, w, null).sum().add(Linalg.linear(x2, w, null).sum()).backward();
        // d/dw sum(x w^T) = column sums of x, per output row.
        float[] gw = w.grad().toFloatArray();
        float[] a = x1.toFloatArray(), c = x2.toFloatArray();
        for (int o = 0; o < 4; o++)
            for (int i = 0; i < 3; i++) {
                float expect = 0;
                for (int r = 0; r < 6; r++) expect += a[r * 3 + i];
                for (int r = 0; r < 2; r++) expect += c[r * 3 + i];
                assertThat(gw[o * 3 + i]).isCloseTo(expect, org.assertj.core.api.Assertions.within(1e-5f));
            }
    }

    @Test
    void sameTensorOnBothSidesOfAProduct() {
        Generator g = new Generator(3);
        Tensor a = rnd(g, 3, 3);
        Tensor up = Tensor.randn(g, 3, 3);
        a.matmul(a).backward(up);
        // d(a a) = up a^T + a^T up
        Tensor ad = a.detach();
        float[] expect = up.matmul(ad.t()).add(ad.t().matmul(up)).toFloatArray();
        float[] got = a.grad().toFloatArray();
        for (int i = 0; i < 9; i++) assertThat(got[i]).isCloseTo(expect[i], org.assertj.core.api.Assertions.within(1e-5f));
    }

    @Test
    void fusedLinearMatchesMatmulPlusBiasInValueAndGradient() {
        Generator g = new Generator(4);
        Tensor x = rnd(g, 2, 7, 5), w = rnd(g, 6, 5), b = rnd(g, 6);
        Tensor x2 = x.detach().requiresGrad(true), w2 = w.detach().requiresGrad(true), b2 = b.detach().requiresGrad(true);
        Tensor up = Tensor.randn(g, 2, 7, 6);
        Tensor y = Linalg.linear(x, w, b);
        Tensor y2 = x2.matmul(w2.t()).add(b2);
        assertThat(y.toFloatArray()).containsExactly(y2.toFloatArray());   // bias added after the product: same bits
        y.backward(up);
        y2.backward(up);
        assertThat(x.grad().toFloatArray()).containsExactly(x2.grad().toFloatArray());
        assertThat(b.grad().toFloatArray()).containsExactly(b2.grad().toFloatArray());
        float[] gw = w.grad().toFloatArray(), gw2 = w2.grad().toFloatArray();
        for (int i = 0; i < gw.length; i++) assertThat(gw[i]).isCloseTo(gw2[i], org.assertj.core.api.Assertions.within(1e-5f));
        assertThat(w.grad().isContiguous()).isTrue();
    }

    @Test
    void retainedIntermediateGradientIsACopy() {
        Generator g = new Generator(5);
        Tensor x = Tensor.randn(g, 4, 3), w = rnd(g, 2, 3);
        Tensor h = Linalg.linear(x, w, null);
        h.retainGrad();
        h.mul(2f).sum().backward();
        float[] hg = h.grad().toFloatArray();
        h.grad().storage().floats()[0] = 1e9f;                 // scribbling on one gradient leaves the other alone
        for (float v : w.grad().toFloatArray()) assertThat(Math.abs(v)).isLessThan(1e8f);
        assertThat(hg).containsOnly(2f);
    }
}
