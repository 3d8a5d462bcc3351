// GoldenOpsReductions: cases.json reductions, scans, softmax family and arg/top-k ops mapped to Kindling.
package dev.kindling.golden;

import static dev.kindling.golden.GoldenOp.one;

import dev.kindling.ops.Reductions;
import dev.kindling.ops.Scans;
import dev.kindling.ops.Softmax;
import java.util.Map;

final class GoldenOpsReductions implements GoldenOp.Family {
    @Override
    public void register(Map<String, GoldenOp> ops) {
        ops.put("sum", r -> one(r.c().has("dim")
                ? Reductions.sum(r.in("input"), r.c().intsArg("dim", null), r.c().boolArg("keepdim", false))
                : Reductions.sum(r.in("input"))));
        ops.put("mean", r -> one(r.c().has("dim")
                ? Reductions.mean(r.in("input"), r.c().intsArg("dim", null), r.c().boolArg("keepdim", false))
                : Reductions.mean(r.in("input"))));
        ops.put("max", r -> r.c().has("dim")
                ? Reductions.max(r.in("input"), r.c().intArg("dim", 0), r.c().boolArg("keepdim", false))
                : one(Reductions.max(r.in("input"))));
        ops.put("min", r -> r.c().has("dim")
                ? Reductions.min(r.in("input"), r.c().intArg("dim", 0), r.c().boolArg("keepdim", false))
                : one(Reductions.min(r.in("input"))));
        ops.put("amax", r -> one(Reductions.amax(r.in("input"), r.c().intsArg("dim", new int[0]),
                r.c().boolArg("keepdim", false))));
        ops.put("argmax", r -> one(r.c().has("dim")
                ? Reductions.argmax(r.in("input"), r.c().intArg("dim", 0), r.c().boolArg("keepdim", false))
                : Reductions.argmax(r.in("input"))));
        ops.put("var", r -> one(Reductions.var(r.in("input"), r.c().intsArg("dim", null), r.c().intArg("correction", 1),
                r.c().boolArg("keepdim", false))));
        ops.put("std", r -> one(Reductions.std(r.in("input"), r.c().intsArg("dim", null), r.c().intArg("correction", 1),
                r.c().boolArg("keepdim", false))));
        ops.put("norm", r -> one(Reductions.norm(r.in("input"), r.c().floatArg("ord", 2f), r.c().intsArg("dim", null),
                r.c().boolArg("keepdim", false))));
        ops.put("prod", r -> one(r.c().has("dim")
                ? Reductions.prod(r.in("input"), r.c().intArg("dim", 0), r.c().boolArg("keepdim", false))
                : Reductions.prod(r.in("input"))));
        ops.put("logsumexp", r -> one(Reductions.logsumexp(r.in("input"), r.c().intsArg("dim", null),
                r.c().boolArg("keepdim", false))));
        ops.put("cumsum", r -> one(Scans.cumsum(r.in("input"), r.c().intArg("dim", 0))));
        ops.put("topk", r -> Scans.topk(r.in("input"), r.c().intArg("k", 1), r.c().intArg("dim", -1),
                r.c().boolArg("largest", true), r.c().boolArg("sorted", true)));
        ops.put("softmax", r -> one(Softmax.softmax(r.in("input"), r.c().intArg("dim", -1))));
        ops.put("log_softmax", r -> one(Softmax.logSoftmax(r.in("input"), r.c().intArg("dim", -1))));
    }
}
