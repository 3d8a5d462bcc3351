// GoldenOpsConvPool: cases.json convolution, pooling and nearest-upsampling ops mapped to Kindling.
package dev.kindling.golden;

import static dev.kindling.golden.GoldenOp.one;

import dev.kindling.ops.Conv;
import dev.kindling.ops.Pooling;
import java.util.Map;

final class GoldenOpsConvPool implements GoldenOp.Family {
    @Override
    public void register(Map<String, GoldenOp> ops) {
        ops.put("conv1d", r -> one(Conv.conv1d(r.in("input"), r.in("weight"), r.opt("bias"), r.c().intArg("stride", 1),
                r.c().intArg("padding", 0), r.c().intArg("dilation", 1), r.c().intArg("groups", 1))));
        ops.put("conv2d", r -> one(Conv.conv2d(r.in("input"), r.in("weight"), r.opt("bias"), r.c().pairArg("stride", 1),
                r.c().pairArg("padding", 0), r.c().pairArg("dilation", 1), r.c().intArg("groups", 1))));
        ops.put("conv_transpose2d", r -> one(Conv.convTranspose2d(r.in("input"), r.in("weight"), r.opt("bias"),
                r.c().pairArg("stride", 1), r.c().pairArg("padding", 0), r.c().pairArg("output_padding", 0),
                r.c().intArg("groups", 1), r.c().pairArg("dilation", 1))));
        ops.put("max_pool2d", r -> {
            int[] k = r.c().pairArg("kernel_size", 1);
            return one(Pooling.maxPool2d(r.in("input"), k, r.c().has("stride") ? r.c().pairArg("stride", 1) : k,
                    r.c().pairArg("padding", 0)));
        });
        ops.put("avg_pool2d", r -> {
            int[] k = r.c().pairArg("kernel_size", 1);
            return one(Pooling.avgPool2d(r.in("input"), k, r.c().has("stride") ? r.c().pairArg("stride", 1) : k,
                    r.c().pairArg("padding", 0), r.c().boolArg("count_include_pad", true)));
        });
        ops.put("adaptive_avg_pool2d", r -> {
            int[] out = r.c().pairArg("output_size", 1);
            return one(Pooling.adaptiveAvgPool2d(r.in("input"), out[0], out[1]));
        });
        ops.put("interpolate_nearest", r -> one(Pooling.upsampleNearest2d(r.in("input"),
                Math.round(r.c().floatArg("scale_factor", 1f)))));
    }
}
