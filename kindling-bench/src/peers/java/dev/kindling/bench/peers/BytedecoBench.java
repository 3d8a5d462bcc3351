// BytedecoBench: libtorch 2.10 through JavaCPP (org.bytedeco:pytorch) on the peer workloads. Compiled only in the
// `peers` Maven profile. torch::nn modules + cross_entropy_loss + torch::optim::Adam/AdamW, each step inside a
// PointerScope so native temporaries are freed at once. Best setting here: OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=1.
package dev.kindling.bench.peers;

import dev.kindling.bench.peers.PeerHarness.Bench;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.AdamW;
import org.bytedeco.pytorch.AdamWOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.EmbeddingImpl;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.LayerNormImpl;
import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Optimizer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/** {@code BytedecoBench sgemm|mlp|lenet|gpt|mlp-infer|lenet-infer [reps]}, {@code -Dthreads=N} (torch intra-op threads). */
public final class BytedecoBench {
    private BytedecoBench() {}

    public static void main(String[] args) {
        int reps = PeerHarness.reps(args, 1);
        int threads = PeerHarness.threads();
        torch.set_num_threads(threads);
        String label = "omp" + threads + "-blas" + System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "auto");
        if (Boolean.getBoolean("showConfig")) System.out.println(torch.show_config().getString());
        String system = "libtorch-javacpp";
        if (args[0].equals("sgemm")) {
            for (int n : PeerHarness.SGEMM_SIZES) {
                Tensor a = torch.rand(n, n), b = torch.rand(n, n), c = torch.empty(n, n);
                PeerHarness.sgemm(system, n, reps, label, () -> torch.mm_out(c, a, b));
            }
            return;
        }
        Bench bench = Bench.of(args[0]);
        Runnable step = switch (bench) {
            case MLP -> train(new Mlp(), 784);
            case LENET -> train(new LeNet(), 28 * 28);
            case MLP_INFER -> infer(new Mlp(), 784);
            case LENET_INFER -> infer(new LeNet(), 28 * 28);
            case GPT -> gpt();
            case MINILM -> throw new IllegalArgumentException("BytedecoBench: no '" + bench + "' here (ONNX Runtime is its anchor)");
        };
        PeerHarness.run(system, bench, reps, label, step);
    }

    /** A model whose forward takes {@code [B, features]}. */
    abstract static class Net extends Module {
        abstract Tensor forward(Tensor x);
    }

    static final class Mlp extends Net {
        final LinearImpl fc1 = register_module("fc1", new LinearImpl(784, 256));
        final LinearImpl fc2 = register_module("fc2", new LinearImpl(256, 128));
        final LinearImpl fc3 = register_module("fc3", new LinearImpl(128, 10));

        @Override
        Tensor forward(Tensor x) {
            return fc3.forward(torch.relu(fc2.forward(torch.relu(fc1.forward(x)))));
        }
    }

    static final class LeNet extends Net {
        final Conv2dImpl conv1 = register_module("conv1", new Conv2dImpl(1, 6, new LongPointer(5L, 5L)));
        final Conv2dImpl conv2 = register_module("conv2", new Conv2dImpl(6, 16, new LongPointer(5L, 5L)));
        final LinearImpl fc1 = register_module("fc1", new LinearImpl(256, 120));
        final LinearImpl fc2 = register_module("fc2", new LinearImpl(120, 84));
        final LinearImpl fc3 = register_module("fc3", new LinearImpl(84, 10));

        @Override
        Tensor forward(Tensor x) {
            x = x.view(x.size(0), 1, 28, 28);
            x = torch.max_pool2d(torch.relu(conv1.forward(x)), 2, 2);   // [B, 6, 12, 12]
            x = torch.max_pool2d(torch.relu(conv2.forward(x)), 2, 2);   // [B, 16, 4, 4]
            x = torch.relu(fc1.forward(x.flatten(1, -1)));
            return fc3.forward(torch.relu(fc2.forward(x)));
        }
    }

    static Runnable train(Net net, int features) {
        Tensor[] x = new Tensor[PeerHarness.DATA_BATCHES], y = new Tensor[PeerHarness.DATA_BATCHES];
        for (int i = 0; i < x.length; i++) {
            x[i] = torch.rand(PeerHarness.BATCH, features);
            y[i] = torch.randint(10, new long[] {PeerHarness.BATCH});
        }
        Optimizer opt = new Adam(net.parameters(), new AdamOptions(1e-3));
        int[] i = {0};
        return () -> {
            int k = i[0]++ % x.length;
            try (PointerScope scope = new PointerScope()) {
                opt.zero_grad();
                torch.cross_entropy_loss(net.forward(x[k]), y[k]).backward();
                opt.step();
            }
        };
    }

    static Runnable infer(Net net, int features) {
        net.eval();
        Tensor[] x = new Tensor[PeerHarness.DATA_BATCHES];
        for (int i = 0; i < x.length; i++) x[i] = torch.rand(PeerHarness.BATCH, features);
        int[] i = {0};
        return () -> {
            try (PointerScope scope = new PointerScope(); InferenceMode guard = new InferenceMode()) {
                net.forward(x[i[0]++ % x.length]);
            }
        };
    }

    // ---------------------------------------------------------------- tiny GPT (SDPA, is_causal=true)

    static final class Block extends Module {
        final LayerNormImpl ln1 = register_module("ln_1", new LayerNormImpl(new LongVector(new long[] {PeerHarness.GPT_DIM})));
        final LinearImpl cAttn = register_module("c_attn", new LinearImpl(PeerHarness.GPT_DIM, 3L * PeerHarness.GPT_DIM));
        final LinearImpl attnProj = register_module("attn_proj", new LinearImpl(PeerHarness.GPT_DIM, PeerHarness.GPT_DIM));
        final LayerNormImpl ln2 = register_module("ln_2", new LayerNormImpl(new LongVector(new long[] {PeerHarness.GPT_DIM})));
        final LinearImpl fc = register_module("c_fc", new LinearImpl(PeerHarness.GPT_DIM, 4L * PeerHarness.GPT_DIM));
        final LinearImpl mlpProj = register_module("mlp_proj", new LinearImpl(4L * PeerHarness.GPT_DIM, PeerHarness.GPT_DIM));

        Tensor forward(Tensor x) {
            long b = x.size(0), t = x.size(1), c = x.size(2), h = PeerHarness.GPT_HEADS;
            Tensor qkv = cAttn.forward(ln1.forward(x)).view(b, t, 3, h, c / h).permute(2, 0, 3, 1, 4);  // [3, B, H, T, hd]
            Tensor y = torch.scaled_dot_product_attention(qkv.select(0, 0), qkv.select(0, 1), qkv.select(0, 2),
                    new TensorOptional(), 0.0, true, new DoubleOptional(), false);                     // [B, H, T, hd]
            x = x.add(attnProj.forward(y.transpose(1, 2).reshape(b, t, c)));
            return x.add(mlpProj.forward(torch.gelu(fc.forward(ln2.forward(x)))));
        }
    }

    static final class Gpt extends Module {
        final EmbeddingImpl wte = register_module("wte", new EmbeddingImpl(PeerHarness.GPT_VOCAB, PeerHarness.GPT_DIM));
        final EmbeddingImpl wpe = register_module("wpe", new EmbeddingImpl(PeerHarness.GPT_CTX, PeerHarness.GPT_DIM));
        final Block[] blocks = new Block[PeerHarness.GPT_LAYERS];
        final LayerNormImpl lnF;
        final LinearImpl head;
        final Tensor positions = torch.arange(new org.bytedeco.pytorch.Scalar(PeerHarness.GPT_CTX));

        Gpt() {
            for (int i = 0; i < blocks.length; i++) blocks[i] = register_module("h" + i, new Block());
            lnF = register_module("ln_f", new LayerNormImpl(new LongVector(new long[] {PeerHarness.GPT_DIM})));
            head = register_module("lm_head", new LinearImpl(PeerHarness.GPT_DIM, PeerHarness.GPT_VOCAB));
        }

        Tensor forward(Tensor ids) {
            Tensor x = wte.forward(ids).add(wpe.forward(positions));   // [B, T, C]
            for (Block b : blocks) x = b.forward(x);
            return head.forward(lnF.forward(x));                        // [B, T, V]
        }
    }

    static Runnable gpt() {
        Gpt model = new Gpt();
        long params = 0;
        for (Tensor p : model.parameters().get()) params += p.numel();
        if (params != PeerHarness.GPT_PARAMS) throw new IllegalStateException("tiny GPT: " + params + " parameters");
        int b = PeerHarness.GPT_BATCH, t = PeerHarness.GPT_CTX, v = PeerHarness.GPT_VOCAB;
        Tensor[] ids = new Tensor[PeerHarness.DATA_BATCHES], targets = new Tensor[PeerHarness.DATA_BATCHES];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = torch.randint(v, new long[] {b, t});
            targets[i] = torch.randint(v, new long[] {(long) b * t});
        }
        Optimizer opt = new AdamW(model.parameters(), new AdamWOptions(3e-4));
        int[] i = {0};
        return () -> {
            int k = i[0]++ % ids.length;
            try (PointerScope scope = new PointerScope()) {
                opt.zero_grad();
                torch.cross_entropy_loss(model.forward(ids[k]).view((long) b * t, v), targets[k]).backward();
                opt.step();
            }
        };
    }
}
