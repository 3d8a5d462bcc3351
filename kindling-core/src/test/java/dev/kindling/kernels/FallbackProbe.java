package dev.kindling.kernels;

import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/** Run in a JVM without the Vector API module by {@link VectorFallbackTest}: must compute, not crash. */
public final class FallbackProbe {
    public static void main(String[] args) {
        Generator g = new Generator(3);
        Tensor a = Tensor.randn(g, 37, 19).requiresGrad(true), b = Tensor.randn(g, 19, 23);
        Tensor y = a.matmul(b).tanh().exp().sum();
        y.backward();
        System.out.println("present=" + VectorSupport.present() + " enabled=" + VectorSupport.enabled());
        System.out.println("value=" + y.item() + " grad0=" + a.grad().get(0, 0));
    }
}
