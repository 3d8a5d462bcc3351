// GoldenOpsLosses: cases.json loss functions and cosine similarity mapped to Kindling's Losses.
package dev.kindling.golden;

import static dev.kindling.golden.GoldenOp.one;

import dev.kindling.ops.Losses;
import dev.kindling.ops.Reduction;
import java.util.Map;

final class GoldenOpsLosses implements GoldenOp.Family {
    private static Reduction reduction(GoldenRun r) {
        return Reduction.parse(r.c().stringArg("reduction", "mean"));
    }

    @Override
    public void register(Map<String, GoldenOp> ops) {
        ops.put("mse_loss", r -> one(Losses.mseLoss(r.in("input"), r.in("target"), reduction(r))));
        ops.put("l1_loss", r -> one(Losses.l1Loss(r.in("input"), r.in("target"), reduction(r))));
        ops.put("huber_loss", r -> one(Losses.huberLoss(r.in("input"), r.in("target"), r.c().floatArg("delta", 1f),
                reduction(r))));
        ops.put("cross_entropy", r -> one(Losses.crossEntropy(r.in("input"), r.in("target"), r.opt("weight"),
                r.c().intArg("ignore_index", -100), r.c().floatArg("label_smoothing", 0f), reduction(r))));
        ops.put("nll_loss", r -> one(Losses.nllLoss(r.in("input"), r.in("target"), r.opt("weight"),
                r.c().intArg("ignore_index", -100), reduction(r))));
        ops.put("binary_cross_entropy", r -> one(Losses.binaryCrossEntropy(r.in("input"), r.in("target"),
                r.opt("weight"), reduction(r))));
        ops.put("binary_cross_entropy_with_logits", r -> one(Losses.binaryCrossEntropyWithLogits(r.in("input"),
                r.in("target"), r.opt("weight"), r.opt("pos_weight"), reduction(r))));
        ops.put("kl_div", r -> one(Losses.klDiv(r.in("input"), r.in("target"), reduction(r),
                r.c().boolArg("log_target", false))));
        ops.put("cosine_similarity", r -> one(Losses.cosineSimilarity(r.in("a"), r.in("b"), r.c().intArg("dim", 1),
                r.c().floatArg("eps", 1e-8f))));
    }
}
