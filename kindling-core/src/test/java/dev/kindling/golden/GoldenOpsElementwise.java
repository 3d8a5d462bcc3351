// GoldenOpsElementwise: cases.json elementwise math and activation ops mapped to Kindling's functional API.
package dev.kindling.golden;

import static dev.kindling.golden.GoldenOp.one;

import dev.kindling.ops.Activations;
import dev.kindling.ops.Elementwise;
import java.util.Map;

final class GoldenOpsElementwise implements GoldenOp.Family {
    @Override
    public void register(Map<String, GoldenOp> ops) {
        ops.put("add", r -> one(Elementwise.add(r.in("a"), r.in("b"))));
        ops.put("sub", r -> one(Elementwise.sub(r.in("a"), r.in("b"))));
        ops.put("mul", r -> one(Elementwise.mul(r.in("a"), r.in("b"))));
        ops.put("div", r -> one(Elementwise.div(r.in("a"), r.in("b"))));
        ops.put("neg", r -> one(Elementwise.neg(r.in("a"))));
        ops.put("exp", r -> one(Elementwise.exp(r.in("input"))));
        ops.put("log", r -> one(Elementwise.log(r.in("input"))));
        ops.put("sqrt", r -> one(Elementwise.sqrt(r.in("input"))));
        ops.put("rsqrt", r -> one(Elementwise.rsqrt(r.in("input"))));
        ops.put("abs", r -> one(Elementwise.abs(r.in("input"))));
        ops.put("reciprocal", r -> one(Elementwise.reciprocal(r.in("input"))));
        ops.put("sin", r -> one(Elementwise.sin(r.in("input"))));
        ops.put("cos", r -> one(Elementwise.cos(r.in("input"))));
        ops.put("pow", r -> one(r.opt("exponent") != null
                ? Elementwise.pow(r.in("input"), r.in("exponent"))
                : Elementwise.pow(r.in("input"), r.c().floatArg("exponent", Float.NaN))));
        ops.put("clamp", r -> one(Elementwise.clamp(r.in("input"), r.c().floatArg("min", Float.NEGATIVE_INFINITY),
                r.c().floatArg("max", Float.POSITIVE_INFINITY))));
        ops.put("maximum", r -> one(Elementwise.maximum(r.in("input"), r.in("other"))));
        ops.put("minimum", r -> one(Elementwise.minimum(r.in("input"), r.in("other"))));
        ops.put("where", r -> one(Elementwise.where(r.mask("cond", 0f), r.in("a"), r.in("b"))));   // cond > 0

        ops.put("relu", r -> one(Activations.relu(r.in("input"))));
        ops.put("leaky_relu", r -> one(Activations.leakyRelu(r.in("input"), r.c().floatArg("negative_slope", 0.01f))));
        ops.put("elu", r -> one(Activations.elu(r.in("input"), r.c().floatArg("alpha", 1f))));
        ops.put("sigmoid", r -> one(Activations.sigmoid(r.in("input"))));
        ops.put("tanh", r -> one(Activations.tanh(r.in("input"))));
        ops.put("gelu", r -> one(Activations.gelu(r.in("input"), r.c().stringArg("approximate", "none"))));
        ops.put("silu", r -> one(Activations.silu(r.in("input"))));
        ops.put("softplus", r -> one(Activations.softplus(r.in("input"), r.c().floatArg("beta", 1f))));
    }
}
