// GPT2MLP: the position-wise feed-forward of a GPT-2 block, c_fc -> activation (tanh GELU for GPT-2) -> c_proj,
// each projection one fused op (FusedLinear), the activation one fused elementwise op.
package dev.kindling.models.gpt;

import dev.kindling.nn.Dropout;
import dev.kindling.nn.Module;
import dev.kindling.ops.Activations;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;

/** GPT-2 MLP with HF names {@code c_fc}, {@code c_proj}. Shape: {@code [B, T, C] -> [B, T, C]}. */
public class GPT2MLP extends Module {
    private final Conv1D cFc, cProj;
    private final String activation;
    private final Dropout dropout;

    public GPT2MLP(GPT2Config cfg, Generator g) {
        double projStd = cfg.initializerRange() / Math.sqrt(2.0 * cfg.nLayer());   // GPT-2's scaled residual init
        cFc = registerModule("c_fc", new Conv1D(cfg.nEmbd(), cfg.nInner(), cfg.initializerRange(), g));
        cProj = registerModule("c_proj", new Conv1D(cfg.nInner(), cfg.nEmbd(), projStd, g));
        activation = cfg.activation();
        dropout = cfg.dropout() > 0 ? registerModule("dropout", new Dropout(cfg.dropout(), g)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = activation.equals("relu") || activation.equals("gelu") || activation.startsWith("s")
                ? activate(cFc.forward(x), activation)
                : FusedLinear.conv1dGeluTanh(x, cFc.weight(), cFc.bias());   // [B, T, inner], tanh GELU fused
        Tensor y = cProj.forward(h);                        // [B, T, C]
        return dropout != null ? dropout.forward(y) : y;
    }

    /** The config's activation by its HF name. */
    static Tensor activate(Tensor x, String name) {
        return switch (name) {
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activations.gelu(x, "tanh");
            case "gelu" -> Activations.gelu(x, "none");
            case "relu" -> Activations.relu(x);
            case "silu", "swish" -> Activations.silu(x);
            default -> throw new IllegalArgumentException("GPT2MLP: unsupported activation '" + name + "'");
        };
    }
}
