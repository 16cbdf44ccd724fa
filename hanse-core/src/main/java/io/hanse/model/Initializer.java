package io.hanse.model;

import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.core.TensorSpec;

import java.util.SplittableRandom;

/**
 * Initial weights, computed in Java from a seed so that every engine, the server and every client
 * start from the same model: Glorot/Xavier uniform kernels (Glorot and Bengio 2010, the Keras
 * default) for every tensor of rank 2 and more (embedding tables included), zero biases and betas,
 * layer-norm gammas of 1 and LSTM forget-gate biases of 1.
 */
public final class Initializer {

    private Initializer() {
    }

    public static Parameters glorotUniform(ParameterLayout layout, long seed) {
        float[] values = new float[layout.totalSize()];
        SplittableRandom random = new SplittableRandom(seed);
        for (int t = 0; t < layout.numTensors(); t++) {
            TensorSpec spec = layout.tensor(t);
            if (spec.rank() < 2) {
                // biases and betas start at zero (draw no random numbers, so adding such tensors leaves
                // every other tensor's values unchanged); layer-norm gains at 1; an LSTM's forget gate
                // bias at 1, so that the cell remembers by default (Jozefowicz et al. 2015)
                int off = layout.offset(t);
                if (spec.name().endsWith("/gamma")) {
                    java.util.Arrays.fill(values, off, off + spec.size(), 1f);
                } else if (spec.name().endsWith("_lstm/bias")) {
                    int units = spec.size() / 4;
                    java.util.Arrays.fill(values, off + units, off + 2 * units, 1f);
                }
                continue;
            }
            int receptive = 1;
            for (int d = 0; d < spec.rank() - 2; d++) {
                receptive *= spec.dim(d);
            }
            int fanIn = receptive * spec.dim(spec.rank() - 2);
            int fanOut = receptive * spec.dim(spec.rank() - 1);
            double limit = Math.sqrt(6.0 / (fanIn + fanOut));
            int off = layout.offset(t);
            for (int i = 0; i < spec.size(); i++) {
                values[off + i] = (float) ((random.nextDouble() * 2 - 1) * limit);
            }
        }
        return Parameters.wrap(layout, values);
    }
}
