// LeNet5: LeCun et al.'s 1998 digit classifier for 28x28 images (conv 6@5x5 pad 2 -> pool -> conv 16@5x5
// -> pool -> fc 120 -> fc 84 -> fc classes), with a choice of activation and pooling: ReLU + max pooling
// (the modern default) or tanh + average pooling (the classic). The first model trained on MNIST.
package dev.kindling.models.vision;

import dev.kindling.nn.AvgPool2d;
import dev.kindling.nn.Conv2d;
import dev.kindling.nn.Linear;
import dev.kindling.nn.MaxPool2d;
import dev.kindling.nn.Module;
import dev.kindling.nn.ReLU;
import dev.kindling.nn.Tanh;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Shape;
import dev.kindling.tensor.Tensor;

/**
 * LeNet-5 for {@code [N, C, 28, 28]} inputs. State dict keys: {@code conv1.*}, {@code conv2.*}, {@code fc1.*},
 * {@code fc2.*}, {@code fc3.*} (weight and bias each); 61,706 parameters for 1 channel and 10 classes. Layers use
 * PyTorch's default initialisation.
 *
 * <p>Shape: {@code [N, C, 28, 28] -> [N, numClasses]} (logits).
 *
 * <p>Example: {@code var net = new LeNet5(10, new Generator(0)); Tensor logits = net.forward(images); // [B, 10]}
 */
public class LeNet5 extends Module {
    /** The nonlinearity after each conv and hidden fc layer. */
    public enum Activation { RELU, TANH }

    /** The subsampling after each conv layer (2x2, stride 2). */
    public enum Pool { MAX, AVG }

    private final int inChannels, numClasses;
    private final Conv2d conv1, conv2;
    private final Linear fc1, fc2, fc3;
    private final Module act, pool;

    /** ReLU and max pooling, 1 input channel. */
    public LeNet5(int numClasses, Generator g) {
        this(1, numClasses, Activation.RELU, Pool.MAX, g);
    }

    /** The given activation and pooling, 1 input channel. */
    public LeNet5(int numClasses, Activation activation, Pool pool, Generator g) {
        this(1, numClasses, activation, pool, g);
    }

    /** Full control: input channels, classes, activation, pooling; parameters drawn from {@code g} in layer order. */
    public LeNet5(int inChannels, int numClasses, Activation activation, Pool pool, Generator g) {
        if (inChannels < 1 || numClasses < 1) throw new IllegalArgumentException("LeNet5: inChannels and numClasses "
                + "must be >= 1, got " + inChannels + " and " + numClasses);
        this.inChannels = inChannels;
        this.numClasses = numClasses;
        conv1 = registerModule("conv1", new Conv2d(inChannels, 6, 5, 1, 2, g));   // [N, 6, 28, 28]
        conv2 = registerModule("conv2", new Conv2d(6, 16, 5, g));                  // [N, 16, 10, 10]
        fc1 = registerModule("fc1", new Linear(16 * 5 * 5, 120, g));
        fc2 = registerModule("fc2", new Linear(120, 84, g));
        fc3 = registerModule("fc3", new Linear(84, numClasses, g));
        act = registerModule("act", activation == Activation.TANH ? new Tanh() : new ReLU());
        this.pool = registerModule("pool", pool == Pool.AVG ? new AvgPool2d(2) : new MaxPool2d(2));
    }

    public int numClasses() {
        return numClasses;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 4 || x.size(1) != inChannels || x.size(2) != 28 || x.size(3) != 28)
            throw new IllegalArgumentException("LeNet5: expected input [N, " + inChannels + ", 28, 28], got shape "
                    + Shape.str(x.shape()));
        x = pool.forward(act.forward(conv1.forward(x)));   // [N, 6, 14, 14]
        x = pool.forward(act.forward(conv2.forward(x)));   // [N, 16, 5, 5]
        x = x.flatten(1, -1);                              // [N, 400]
        x = act.forward(fc1.forward(x));                   // [N, 120]
        x = act.forward(fc2.forward(x));                   // [N, 84]
        return fc3.forward(x);                             // [N, numClasses]
    }
}
