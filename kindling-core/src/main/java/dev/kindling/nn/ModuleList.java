// ModuleList: an indexed list of submodules registered as "0", "1", ... (PyTorch's nn.ModuleList),
// for models that call their layers themselves (e.g. transformer blocks).
package dev.kindling.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A list of registered submodules. Example: {@code var blocks = new ModuleList<>(); blocks.add(new Block(...));} */
public class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    @SafeVarargs
    public ModuleList(M... modules) {
        for (M m : modules) add(m);
    }

    /** Appends a module. Returns this. */
    public ModuleList<M> add(M m) {
        items.add(registerModule(Integer.toString(items.size()), m));
        return this;
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    @Override
    public Iterator<M> iterator() {
        return items.iterator();
    }
}
