// GoldenOpsTransformer: cases.json module cases multihead_attention and transformer_encoder_layer, run as
// functional calls over the case's "param.<state_dict name>" inputs so gradients land on those tensors.
package dev.kindling.golden;

import dev.kindling.nn.MultiheadAttention;
import dev.kindling.nn.TransformerEncoderLayer;
import dev.kindling.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

final class GoldenOpsTransformer implements GoldenOp.Family {
    @Override
    public void register(Map<String, GoldenOp> ops) {
        ops.put("multihead_attention", r -> {
            var c = MultiheadAttention.Config.of(r.c().intArg("embed_dim", 0), r.c().intArg("num_heads", 0))
                    .withBatchFirst(r.c().boolArg("batch_first", false));
            Tensor x = r.in("x");
            var out = MultiheadAttention.functionalCall(c, params(r), false, null, x, x, x,
                    MultiheadAttention.Options.DEFAULT);
            return new Tensor[] {out.output(), out.weights()};
        });
        ops.put("transformer_encoder_layer", r -> {
            var c = TransformerEncoderLayer.Config.of(r.c().intArg("d_model", 0), r.c().intArg("nhead", 0))
                    .withDimFeedforward(r.c().intArg("dim_feedforward", 2048))
                    .withNormFirst(r.c().boolArg("norm_first", false))
                    .withActivation(r.c().stringArg("activation", "relu"))
                    .withLayerNormEps(r.c().floatArg("layer_norm_eps", 1e-5f))
                    // The case's args omit batch_first, but its src [2, 5, 16] is [B, T, E]: the reference was made
                    // with batch_first=True (sequence-first gives 0.9 max error; batch-first 2.4e-7).
                    .withBatchFirst(r.c().boolArg("batch_first", true));
            return GoldenOp.one(TransformerEncoderLayer.functionalCall(c, params(r), false, null, r.in("src"), null,
                    null, false));
        });
    }

    /** The case's "param.*" inputs keyed by their PyTorch state_dict names. */
    private static Map<String, Tensor> params(GoldenRun r) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        r.inputs().forEach((name, t) -> {
            if (name.startsWith("param.")) p.put(name.substring("param.".length()), t);
        });
        return p;
    }
}
