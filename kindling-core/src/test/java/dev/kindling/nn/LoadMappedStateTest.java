// LoadMappedStateTest: Module.loadStateDict attaches a memory-mapped tensor that fills a parameter's storage instead
// of copying it, and copy-on-write keeps training correct and the file untouched.
package dev.kindling.nn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.io.Safetensors;
import dev.kindling.optim.SGD;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Storage;
import dev.kindling.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadMappedStateTest {
    @TempDir
    Path tmp;

    @Test
    void mappedWeightsAreAttachedNotCopiedAndWritesCopyOnWrite() throws Exception {
        Generator g = new Generator(7);
        Linear source = new Linear(300, 40, g);
        Path f = tmp.resolve("linear.safetensors");
        Safetensors.save(f, source.stateDict(), null);
        var file = Safetensors.mapRetained(f);
        Tensor w = file.loadMapped("weight");
        assertThat(w.isMapped()).isTrue();

        Linear target = new Linear(300, 40, new Generator(99));
        target.loadStateDict(Map.of("weight", w, "bias", source.bias().detach().clone()));
        assertThat(target.weight().isMapped()).as("attached, not copied").isTrue();
        assertThat(target.bias().isMapped()).isFalse();

        Tensor x = Tensor.randn(g, 5, 300);
        long before = Storage.materializations();
        assertThat(target.forward(x).toFloatArray()).containsExactly(source.forward(x).toFloatArray());
        assertThat(Storage.materializations()).as("forward reads the mapping in place").isEqualTo(before);

        // A training step writes the weight: it is copied to the heap first; the file keeps the old values.
        SGD opt = new SGD(target.parameters(), 0.1);
        target.forward(x).sum().backward();
        opt.step();
        assertThat(target.weight().isMapped()).isFalse();
        assertThat(target.weight().toFloatArray()).isNotEqualTo(source.weight().toFloatArray());
        assertThat(Safetensors.mapRetained(f).loadMapped("weight").toFloatArray()).containsExactly(source.weight().toFloatArray());
    }

    @Test
    void aMappedTensorThatIsOnlyPartOfItsFileRegionIsCopied() throws Exception {
        Tensor big = Tensor.randn(new Generator(3), 2, 40, 300);
        Path f = tmp.resolve("big.safetensors");
        Safetensors.save(f, Map.of("w", big), null);
        Tensor part = Safetensors.mapRetained(f).loadMapped("w").select(0, 1);      // a view into the mapping
        Linear target = new Linear(300, 40, new Generator(1));
        target.loadStateDict(Map.of("weight", part), false);
        assertThat(target.weight().isMapped()).isFalse();
        assertThat(target.weight().toFloatArray()).containsExactly(big.select(0, 1).contiguous().toFloatArray());
    }
}
