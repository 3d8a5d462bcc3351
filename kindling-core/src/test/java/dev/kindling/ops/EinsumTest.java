package dev.kindling.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import dev.kindling.testing.GradCheck;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two-operand einsum against a naive loop-over-all-indices reference, plus errors and gradients. */
class EinsumTest {
    /** Naive einsum: sums a[..] * b[..] over every assignment of the indices. */
    private static float[] naive(String eq, Tensor a, Tensor b) {
        String[] io = eq.split("->", -1);
        String[] ops = io[0].split(",", -1);
        String out = io[1];
        Map<Character, Integer> size = new HashMap<>();
        for (int i = 0; i < ops[0].length(); i++) size.put(ops[0].charAt(i), a.size(i));
        for (int i = 0; i < ops[1].length(); i++) size.merge(ops[1].charAt(i), b.size(i), Math::max);
        char[] letters = new char[size.size()];
        int k = 0;
        for (char c : size.keySet()) letters[k++] = c;
        int[] val = new int[letters.length];
        int outN = 1;
        for (char c : out.toCharArray()) outN *= size.get(c);
        double[] acc = new double[outN];
        while (true) {
            Map<Character, Integer> at = new HashMap<>();
            for (int i = 0; i < letters.length; i++) at.put(letters[i], val[i]);
            acc[flat(out, at, size)] += get(a, ops[0], at) * get(b, ops[1], at);
            int d = letters.length - 1;
            for (; d >= 0; d--) {
                if (++val[d] < size.get(letters[d])) break;
                val[d] = 0;
            }
            if (d < 0) break;
        }
        float[] r = new float[outN];
        for (int i = 0; i < outN; i++) r[i] = (float) acc[i];
        return r;
    }

    private static int flat(String subs, Map<Character, Integer> at, Map<Character, Integer> size) {
        int p = 0;
        for (char c : subs.toCharArray()) p = p * size.get(c) + at.get(c);
        return p;
    }

    private static double get(Tensor t, String subs, Map<Character, Integer> at) {
        int[] idx = new int[subs.length()];
        for (int i = 0; i < idx.length; i++) idx[i] = t.size(i) == 1 ? 0 : at.get(subs.charAt(i));
        return t.get(idx);
    }

    private static void check(String eq, int[] as, int[] bs, int[] outShape) {
        Generator g = new Generator(eq.hashCode());
        Tensor a = Tensor.randn(g, as), b = Tensor.randn(g, bs);
        Tensor r = Linalg.einsum(eq, a, b);
        assertThat(r.shape()).as(eq).containsExactly(outShape);
        assertThat(r.toFloatArray()).as(eq).containsExactly(naive(eq, a, b), within(1e-4f));
    }

    @Test
    void commonPatternsMatchTheNaiveReference() {
        check("bij,bjk->bik", new int[] {2, 3, 4}, new int[] {2, 4, 5}, new int[] {2, 3, 5});
        check("ij,jk->ik", new int[] {3, 4}, new int[] {4, 2}, new int[] {3, 2});
        check("ik,jk->ij", new int[] {3, 4}, new int[] {5, 4}, new int[] {3, 5});
        check("bhqd,bhkd->bhqk", new int[] {2, 3, 4, 5}, new int[] {2, 3, 6, 5}, new int[] {2, 3, 4, 6});
        check("bhqk,bhkd->bhqd", new int[] {2, 3, 4, 6}, new int[] {2, 3, 6, 5}, new int[] {2, 3, 4, 5});
        check("i,i->", new int[] {5}, new int[] {5}, new int[] {});
        check("i,j->ij", new int[] {3}, new int[] {4}, new int[] {3, 4});
        check("bi,bi->b", new int[] {3, 4}, new int[] {3, 4}, new int[] {3});
    }

    @Test
    void generalEquations() {
        check("ij,jk->ki", new int[] {3, 4}, new int[] {4, 2}, new int[] {2, 3});                 // permuted output
        check("abc,cd->abd", new int[] {2, 3, 4}, new int[] {4, 5}, new int[] {2, 3, 5});        // merged rows
        check("ijk,jkl->il", new int[] {2, 3, 4}, new int[] {3, 4, 5}, new int[] {2, 5});        // two contracted
        check("ij,kl->ijkl", new int[] {2, 3}, new int[] {2, 2}, new int[] {2, 3, 2, 2});        // outer product
        check("ij,k->i", new int[] {2, 3}, new int[] {4}, new int[] {2});                        // private sums
        check("bij,jb->ib", new int[] {2, 3, 4}, new int[] {4, 2}, new int[] {3, 2});            // batch last
        check("ij,ij->ij", new int[] {2, 3}, new int[] {2, 3}, new int[] {2, 3});                // elementwise
        check("ij,j->i", new int[] {3, 4}, new int[] {1}, new int[] {3});                        // size-1 broadcast
    }

    @Test
    void implicitOutputIsSortedSingleIndices() {
        Generator g = new Generator(1);
        Tensor a = Tensor.randn(g, 3, 4), b = Tensor.randn(g, 4, 2);
        assertThat(Linalg.einsum("ij,jk", a, b).toFloatArray()).containsExactly(naive("ij,jk->ik", a, b), within(1e-5f));
        assertThat(Linalg.einsum("kj,ji", b.t(), a.t()).shape()).containsExactly(3, 2);    // -> "ik"
        assertThat(Linalg.einsum(" i j , j k -> i k ", a, b).shape()).containsExactly(3, 2);
    }

    @Test
    void malformedEquationsAreReported() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(3, 4);
        assertThatThrownBy(() -> Linalg.einsum("ij->ij", a, b)).hasMessageContaining("two operands");
        assertThatThrownBy(() -> Linalg.einsum("ij,jk,kl->il", a, b)).hasMessageContaining("two operands");
        assertThatThrownBy(() -> Linalg.einsum("ijk,jk->i", a, b)).hasMessageContaining("operand 0")
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> Linalg.einsum("ii,jk->i", Tensor.zeros(2, 2), b)).hasMessageContaining("repeats");
        assertThatThrownBy(() -> Linalg.einsum("ij,jk->iz", a, b)).hasMessageContaining("'z'");
        assertThatThrownBy(() -> Linalg.einsum("ij,kk->ik", a, b)).hasMessageContaining("repeats");
        assertThatThrownBy(() -> Linalg.einsum("ij,ik->jk", a, b)).hasMessageContaining("index 'i' has size 2")
                .hasMessageContaining("3");
        assertThatThrownBy(() -> Linalg.einsum("...ij,jk->ik", a, b)).hasMessageContaining("ellipsis");
        assertThatThrownBy(() -> Linalg.einsum("i1,jk->ik", a, b)).hasMessageContaining("invalid character '1'");
        assertThatThrownBy(() -> Linalg.einsum("ij,jk->ii", a, b)).hasMessageContaining("repeats");
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        Generator g = new Generator(2);
        GradCheck.check("bij,bjk->bik", t -> Linalg.einsum("bij,bjk->bik", t[0], t[1]),
                Tensor.randn(g, 2, 3, 4).requiresGrad(true), Tensor.randn(g, 2, 4, 2).requiresGrad(true));
        GradCheck.check("bhqd,bhkd->bhqk", t -> Linalg.einsum("bhqd,bhkd->bhqk", t[0], t[1]),
                Tensor.randn(g, 1, 2, 3, 2).requiresGrad(true), Tensor.randn(g, 1, 2, 4, 2).requiresGrad(true));
        GradCheck.check("ij,k->ki", t -> Linalg.einsum("ij,k->ki", t[0], t[1]),
                Tensor.randn(g, 2, 3).requiresGrad(true), Tensor.randn(g, 3).requiresGrad(true));
        GradCheck.check("abc,cd->abd", t -> Linalg.einsum("abc,cd->abd", t[0], t[1]),
                Tensor.randn(g, 2, 2, 3).requiresGrad(true), Tensor.randn(g, 3, 2).requiresGrad(true));
    }
}
