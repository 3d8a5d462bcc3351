// GoldenOpsShape: cases.json matmul/linear/einsum, views, shape ops, indexing and embedding mapped to Kindling.
package dev.kindling.golden;

import static dev.kindling.golden.GoldenOp.one;

import dev.kindling.ops.Indexing;
import dev.kindling.ops.Linalg;
import dev.kindling.ops.ShapeOps;
import dev.kindling.tensor.Tensor;
import java.util.Map;

final class GoldenOpsShape implements GoldenOp.Family {
    @Override
    public void register(Map<String, GoldenOp> ops) {
        ops.put("matmul", r -> one(Linalg.matmul(r.in("input"), r.in("other"))));
        ops.put("linear", r -> one(Linalg.linear(r.in("input"), r.in("weight"), r.opt("bias"))));
        ops.put("einsum", r -> one(Linalg.einsum(r.c().stringArg("equation", null), r.in("a"), r.in("b"))));

        ops.put("reshape", r -> one(r.in("input").reshape(r.c().intsArg("shape", null))));
        ops.put("permute", r -> one(r.in("input").permute(r.c().intsArg("dims", null))));
        ops.put("transpose", r -> one(r.in("input").transpose(r.c().intArg("dim0", 0), r.c().intArg("dim1", 1))));
        ops.put("expand", r -> one(r.in("input").expand(r.c().intsArg("shape", null))));
        ops.put("unsqueeze", r -> one(r.in("input").unsqueeze(r.c().intArg("dim", 0))));
        ops.put("slice", r -> one(r.in("input").slice(r.c().intArg("dim", 0), r.c().intArg("start", 0),
                r.c().intArg("end", Integer.MAX_VALUE), r.c().intArg("step", 1))));

        ops.put("cat", r -> one(ShapeOps.cat(r.inputs().values().toArray(Tensor[]::new), r.c().intArg("dim", 0))));
        ops.put("stack", r -> one(ShapeOps.stack(r.inputs().values().toArray(Tensor[]::new), r.c().intArg("dim", 0))));
        ops.put("chunk", r -> ShapeOps.chunk(r.in("input"), r.c().intArg("chunks", 1), r.c().intArg("dim", 0)));
        ops.put("repeat", r -> one(ShapeOps.repeat(r.in("input"), r.c().intsArg("repeats", null))));
        ops.put("pad", r -> one(ShapeOps.pad(r.in("input"), r.c().intsArg("pad", null), r.c().floatArg("value", 0f))));
        ops.put("flip", r -> one(ShapeOps.flip(r.in("input"), r.c().intsArg("dims", null))));
        ops.put("tril", r -> one(ShapeOps.tril(r.in("input"), r.c().intArg("diagonal", 0))));

        ops.put("index_select", r -> one(Indexing.indexSelect(r.in("input"), r.c().intArg("dim", 0), r.in("index"))));
        ops.put("gather", r -> one(Indexing.gather(r.in("input"), r.c().intArg("dim", 0), r.in("index"))));
        ops.put("scatter_add", r -> one(Indexing.scatterAdd(r.in("input"), r.c().intArg("dim", 0), r.in("index"),
                r.in("src"))));
        ops.put("masked_fill", r -> one(Indexing.maskedFill(r.in("input"), r.mask("mask", 0f),   // mask > 0
                r.c().floatArg("value", 0f))));
        ops.put("embedding", r -> one(r.c().has("padding_idx")
                ? Indexing.embedding(r.in("weight"), r.in("input"), r.c().intArg("padding_idx", -1))
                : Indexing.embedding(r.in("weight"), r.in("input"))));
    }
}
