// GoldenOpsNormsAttention: cases.json normalisation layers (layer/RMS/group/batch norm, with running stats)
// and scaled dot-product attention mapped to Kindling's Norms and Attention.
package dev.kindling.golden;

import static dev.kindling.golden.GoldenOp.one;

import dev.kindling.ops.Attention;
import dev.kindling.ops.Norms;
import dev.kindling.tensor.Tensor;
import java.util.Map;

final class GoldenOpsNormsAttention implements GoldenOp.Family {
    @Override
    public void register(Map<String, GoldenOp> ops) {
        ops.put("layer_norm", r -> one(Norms.layerNorm(r.in("input"), r.c().intsArg("normalized_shape", null),
                r.opt("weight"), r.opt("bias"), r.c().floatArg("eps", 1e-5f))));
        ops.put("rms_norm", r -> one(Norms.rmsNorm(r.in("input"), r.c().intsArg("normalized_shape", null),
                r.opt("weight"), r.c().floatArg("eps", 1e-6f))));
        ops.put("group_norm", r -> one(Norms.groupNorm(r.in("input"), r.c().intArg("num_groups", 1), r.opt("weight"),
                r.opt("bias"), r.c().floatArg("eps", 1e-5f))));
        // Training: normalise with batch statistics and update the running stats in place; both are checked.
        ops.put("batch_norm_train", r -> {
            Tensor mean = r.extra("running_mean_before"), var = r.extra("running_var_before");
            Tensor y = Norms.batchNorm(r.in("input"), mean, var, r.opt("weight"), r.opt("bias"), true,
                    r.c().floatArg("momentum", 0.1f), r.c().floatArg("eps", 1e-5f));
            r.checkExtra("running_mean_after", mean);
            r.checkExtra("running_var_after", var);
            return one(y);
        });
        ops.put("batch_norm_eval", r -> {
            Tensor mean = r.extra("running_mean"), var = r.extra("running_var");
            Tensor y = Norms.batchNorm(r.in("input"), mean, var, r.opt("weight"), r.opt("bias"), false,
                    r.c().floatArg("momentum", 0.1f), r.c().floatArg("eps", 1e-5f));
            r.checkExtra("running_mean", mean);   // eval must leave the running stats untouched
            r.checkExtra("running_var", var);
            return one(y);
        });
        ops.put("scaled_dot_product_attention", r -> one(Attention.scaledDotProductAttention(r.in("q"), r.in("k"),
                r.in("v"), r.opt("mask") != null ? r.mask("mask", -0.5f) : null,   // bool mask: mask > -0.5
                r.c().boolArg("is_causal", false), null)));
    }
}
