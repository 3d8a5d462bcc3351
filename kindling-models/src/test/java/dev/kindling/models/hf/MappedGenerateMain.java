package dev.kindling.models.hf;

import dev.kindling.models.generation.CausalLM;
import dev.kindling.tensor.Autograd;
import dev.kindling.tensor.Storage;
import dev.kindling.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * Child process of {@link MappedLargeModelTest}: loads a checkpoint with the default (mapped) options in a small heap
 * and decodes greedily. Args: model folder, steps, prompt ids. Prints TOKENS, LOGITS (of the prompt's last position),
 * MATERIALIZATIONS and MAXHEAP lines.
 */
public final class MappedGenerateMain {
    private MappedGenerateMain() {}

    public static void main(String[] args) throws Exception {
        CausalLM lm = HfModels.loadCausalLM(Path.of(args[0]));
        int steps = Integer.parseInt(args[1]);
        long[] prompt = Arrays.stream(args, 2, args.length).mapToLong(Long::parseLong).toArray();
        long before = Storage.materializations();
        try (var g = Autograd.noGrad()) {
            var cache = lm.newCache(1, prompt.length + steps);
            Tensor logits = lm.forward(Tensor.ofLongs(prompt, 1, prompt.length), cache);   // [1, T, V]
            StringJoiner first = new StringJoiner(" ", "LOGITS ", "");
            for (float v : logits.select(1, prompt.length - 1).toFloatArray()) first.add(Float.toString(v));
            StringJoiner tokens = new StringJoiner(" ", "TOKENS ", "");
            for (int s = 0; s < steps; s++) {
                long best = argmaxLast(logits);
                tokens.add(Long.toString(best));
                if (s + 1 < steps) logits = lm.forward(Tensor.ofLongs(new long[] {best}, 1, 1), cache);
            }
            System.out.println(tokens);
            System.out.println(first);
        }
        System.out.println("MATERIALIZATIONS " + (Storage.materializations() - before));
        System.out.println("MAXHEAP " + Runtime.getRuntime().maxMemory());
    }

    /** Argmax over the vocabulary at the last position of logits {@code [1, T, V]}. */
    static long argmaxLast(Tensor logits) {
        float[] last = logits.select(1, logits.size(1) - 1).toFloatArray();
        int best = 0;
        for (int i = 1; i < last.length; i++) if (last[i] > last[best]) best = i;
        return best;
    }
}
