package io.hanse.engine.tensorflow;

import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.model.Initializer;
import io.hanse.model.Layer;
import io.hanse.model.Layer.Activation;
import io.hanse.model.Loss;
import io.hanse.model.ModelSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finite-difference checks of the graph's gradients for every sequence layer: the gradient that
 * {@code Graph.addGradients} builds (the one training uses) against central differences of the loss
 * evaluated in the same graph, for a few random coordinates and the largest one of every parameter tensor
 * and of the model's input. Float32 loss: step 1e-2, tolerance 1% relative plus 1e-4 absolute.
 */
class GradientCheckTest {

    private static final int BATCH = 5;
    private static final int CLASSES = 3;

    static Stream<Arguments> models() {
        int[] seq = {4, 6}; // T = 4 steps of d = 6 features
        return Stream.of(
                Arguments.of("embedding", new int[]{5}, List.of(new Layer.Embedding(7, 4), new Layer.Dense(CLASSES, Activation.LINEAR)), 7),
                Arguments.of("embedding+lstm", new int[]{5}, List.of(new Layer.Embedding(7, 4), new Layer.LSTM(3, false),
                        new Layer.Dense(CLASSES, Activation.LINEAR)), 7),
                Arguments.of("stacked lstm", seq, List.of(new Layer.LSTM(5, true), new Layer.LSTM(4, false),
                        new Layer.Dense(CLASSES, Activation.LINEAR)), 0),
                Arguments.of("stacked gru", seq, List.of(new Layer.GRU(5, true), new Layer.GRU(4, false),
                        new Layer.Dense(CLASSES, Activation.LINEAR)), 0),
                Arguments.of("layer norm", seq, List.of(new Layer.LayerNorm(1e-3), new Layer.Dense(CLASSES, Activation.LINEAR)), 0),
                Arguments.of("attention", seq, List.of(new Layer.MultiHeadSelfAttention(2, 3),
                        new Layer.Dense(CLASSES, Activation.LINEAR)), 0),
                Arguments.of("causal attention", seq, List.of(new Layer.MultiHeadSelfAttention(3, 2, true),
                        new Layer.Dense(CLASSES, Activation.LINEAR)), 0),
                Arguments.of("positions+encoder", seq, List.of(new Layer.PositionalEncoding(), new Layer.TransformerEncoder(2, 8, 0.0),
                        new Layer.Dense(CLASSES, Activation.LINEAR)), 0),
                Arguments.of("encoder with dropout", seq, List.of(new Layer.TransformerEncoder(3, 5, 0.3),
                        new Layer.GlobalAveragePooling1D(), new Layer.Dense(CLASSES, Activation.LINEAR)), 0),
                Arguments.of("average pooling", seq, List.of(new Layer.GlobalAveragePooling1D(), new Layer.Dense(CLASSES, Activation.LINEAR)), 0),
                Arguments.of("max pooling", seq, List.of(new Layer.GlobalMaxPooling1D(), new Layer.Dense(CLASSES, Activation.TANH),
                        new Layer.Dense(CLASSES, Activation.LINEAR)), 0),
                Arguments.of("next-token language model", new int[]{5}, List.of(new Layer.Embedding(CLASSES, 4), new Layer.LSTM(4, true),
                        Layer.Dense.perStep(CLASSES, Activation.LINEAR)), CLASSES),
                Arguments.of("dropout on sequences", seq, List.of(new Layer.Dropout(0.4), new Layer.GRU(3, true),
                        new Layer.Dense(CLASSES, Activation.LINEAR)), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void graphGradientsMatchCentralDifferences(String name, int[] input, List<Layer> layers, int vocab) {
        boolean languageModel = layers.get(layers.size() - 1) instanceof Layer.Dense d && d.perStep();
        ModelSpec spec = new ModelSpec(name, input, layers, languageModel ? Loss.NEXT_TOKEN_CROSS_ENTROPY : Loss.SOFTMAX_CROSS_ENTROPY);
        SplittableRandom r = new SplittableRandom(name.hashCode());
        int inputSize = spec.inputSize();
        float[] x = new float[BATCH * inputSize];
        for (int i = 0; i < x.length; i++) {
            x[i] = vocab > 0 ? r.nextInt(vocab) : (float) r.nextGaussian();
        }
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = r.nextInt(CLASSES);
        }
        ParameterLayout layout = spec.layout();
        float[] w = Initializer.glorotUniform(layout, 3).flat();
        for (int i = 0; i < w.length; i++) {
            w[i] += (float) (0.3 * r.nextGaussian()); // no special values: gammas off 1, biases off 0
        }
        try (TensorFlowModel m = new TensorFlowModel(spec, 1, 1)) {
            m.setParameters(Parameters.wrap(layout, w.clone()));
            float[][] analytic = m.lossAndGradients(x, y, true);
            assertEquals(1 + layout.numTensors() + (vocab > 0 ? 0 : 1), analytic.length);
            List<String> failures = new ArrayList<>();
            int checked = 0;
            double eps = 1e-2;
            for (int t = 0; t < layout.numTensors(); t++) {
                float[] g = analytic[1 + t];
                for (int c : coordinates(g, r)) {
                    int at = layout.offset(t) + c;
                    float[] plus = w.clone();
                    plus[at] += (float) eps;
                    float[] minus = w.clone();
                    minus[at] -= (float) eps;
                    m.setParameters(Parameters.wrap(layout, plus));
                    double lp = m.lossAndGradients(x, y, false)[0][0];
                    m.setParameters(Parameters.wrap(layout, minus));
                    double lm = m.lossAndGradients(x, y, false)[0][0];
                    // divide by the steps actually taken in float32
                    double numeric = (lp - lm) / ((double) plus[at] - minus[at]);
                    check(layout.tensor(t).name() + "[" + c + "]", g[c], numeric, failures);
                    checked++;
                }
            }
            m.setParameters(Parameters.wrap(layout, w.clone()));
            if (vocab == 0) {
                float[] g = analytic[1 + layout.numTensors()];
                for (int c : coordinates(g, r)) {
                    float[] plus = x.clone();
                    plus[c] += (float) eps;
                    float[] minus = x.clone();
                    minus[c] -= (float) eps;
                    double numeric = (m.lossAndGradients(plus, y, false)[0][0] - m.lossAndGradients(minus, y, false)[0][0])
                            / ((double) plus[c] - minus[c]);
                    check("input[" + c + "]", g[c], numeric, failures);
                    checked++;
                }
            }
            if (!failures.isEmpty()) {
                fail(name + ": " + failures.size() + " of " + checked + " gradients differ from central differences:\n"
                        + String.join("\n", failures));
            }
            assertTrue(checked >= layout.numTensors() * 2);
        }
    }

    /** Four random coordinates and the one of largest magnitude. */
    private static int[] coordinates(float[] g, SplittableRandom r) {
        int largest = 0;
        for (int i = 1; i < g.length; i++) {
            if (Math.abs(g[i]) > Math.abs(g[largest])) {
                largest = i;
            }
        }
        int[] out = new int[Math.min(5, g.length)];
        out[0] = largest;
        for (int i = 1; i < out.length; i++) {
            out[i] = r.nextInt(g.length);
        }
        return out;
    }

    private static void check(String what, double analytic, double numeric, List<String> failures) {
        double tolerance = 1e-2 * Math.max(Math.abs(analytic), Math.abs(numeric)) + 1e-4;
        if (!(Math.abs(analytic - numeric) <= tolerance)) {
            failures.add("  " + what + ": graph " + analytic + ", central difference " + numeric);
        }
    }
}
