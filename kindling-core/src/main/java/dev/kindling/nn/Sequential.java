// Sequential: runs its submodules one after the other, named "0", "1", ... as in PyTorch.
package dev.kindling.nn;

import dev.kindling.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A chain of single-input modules. Keys follow PyTorch ({@code 0.weight}, {@code 2.bias}).
 *
 * <p>Example: {@code var mlp = new Sequential(new Linear(4, 8, g), new ReLU(), new Linear(8, 3, g));}
 */
public class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) add(m);
    }

    /** Appends a module (named by its index). Returns this. */
    public Sequential add(Module m) {
        layers.add(registerModule(Integer.toString(layers.size()), m));
        return this;
    }

    /** The i-th module. */
    public Module get(int i) {
        return layers.get(i);
    }

    /** Number of modules. */
    public int size() {
        return layers.size();
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module m : layers) x = m.forward(x);
        return x;
    }
}
