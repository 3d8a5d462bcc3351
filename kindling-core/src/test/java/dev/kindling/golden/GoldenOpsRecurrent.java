// GoldenOpsRecurrent: the cases.json module cases rnn / lstm / gru, run through the functional Recurrent op on
// the case's own input tensors (param.* inputs in PyTorch's flat-weight order), so input and weight gradients
// are compared on exactly the tensors the harness holds.
package dev.kindling.golden;

import dev.kindling.ops.Recurrent;
import dev.kindling.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

final class GoldenOpsRecurrent implements GoldenOp.Family {
    @Override
    public void register(Map<String, GoldenOp> ops) {
        ops.put("rnn", r -> {
            boolean relu = "relu".equals(r.c().stringArg("nonlinearity", "tanh"));
            var res = Recurrent.run(relu ? Recurrent.Cell.RNN_RELU : Recurrent.Cell.RNN_TANH, r.in("input"),
                    r.opt("h0"), null, weights(r), options(r), null);
            return new Tensor[] {res.output(), res.hN()};
        });
        ops.put("lstm", r -> {
            var res = Recurrent.lstm(r.in("input"), r.opt("h0"), r.opt("c0"), weights(r), options(r), null);
            return new Tensor[] {res.output(), res.hN(), res.cN()};
        });
        ops.put("gru", r -> {
            var res = Recurrent.gru(r.in("input"), r.opt("h0"), weights(r), options(r), null);
            return new Tensor[] {res.output(), res.hN()};
        });
    }

    private static Recurrent.Options options(GoldenRun r) {
        return Recurrent.Options.of(r.c().intArg("num_layers", 1), r.c().boolArg("bias", true),
                r.c().boolArg("bidirectional", false), r.c().boolArg("batch_first", false));
    }

    /** The param.* inputs in PyTorch's flat order: per layer, per direction, weight_ih, weight_hh, bias_ih, bias_hh. */
    private static List<Tensor> weights(GoldenRun r) {
        var c = r.c();
        int layers = c.intArg("num_layers", 1), dirs = c.boolArg("bidirectional", false) ? 2 : 1;
        int per = c.boolArg("bias", true) ? 4 : 2;
        List<Tensor> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int d = 0; d < dirs; d++) {
                for (int k = 0; k < per; k++) out.add(r.in("param." + Recurrent.weightName(l, d, k)));
            }
        }
        return out;
    }
}
