package io.hanse.engine.tensorflow;

import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.model.Layer;
import io.hanse.model.Layer.Activation;
import io.hanse.model.Loss;
import io.hanse.model.ModelSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The recurrent layers' forward pass against a plain-Java implementation of their documented equations (Keras gate
 * order i, f, c, o for the LSTM; Cho et al.'s GRU with the reset gate before the recurrent product), through the loss
 * of a tiny classifier with fixed random weights. The gradient checks compare the graph with itself; this pins the
 * function it computes.
 */
class RecurrentReferenceTest {

    private static final int T = 4;
    private static final int D = 3;
    private static final int UNITS = 5;
    private static final int CLASSES = 3;
    private static final int BATCH = 6;

    @Test
    void lstm_computesTheDocumentedEquations() {
        check(new Layer.LSTM(UNITS, false), RecurrentReferenceTest::lstm);
    }

    @Test
    void gru_computesTheDocumentedEquations() {
        check(new Layer.GRU(UNITS, false), RecurrentReferenceTest::gru);
    }

    private interface Cell {
        /** The last hidden state for input {@code x[t][j]}, kernel {@code [D + UNITS, k UNITS]} (row-major) and bias. */
        double[] run(double[][] x, float[] kernel, float[] bias);
    }

    private static void check(Layer recurrent, Cell cell) {
        ModelSpec spec = new ModelSpec("ref", new int[]{T, D}, List.of(recurrent, new Layer.Dense(CLASSES, Activation.LINEAR)),
                Loss.SOFTMAX_CROSS_ENTROPY);
        ParameterLayout layout = spec.layout();
        SplittableRandom r = new SplittableRandom(17);
        float[] w = new float[layout.totalSize()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (0.8 * r.nextGaussian());
        }
        float[] x = new float[BATCH * T * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        int[] y = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = r.nextInt(CLASSES);
        }
        float[] kernel = slice(w, layout, 0);
        float[] bias = slice(w, layout, 1);
        float[] dense = slice(w, layout, 2);
        float[] denseBias = slice(w, layout, 3);

        double expected = 0;
        for (int b = 0; b < BATCH; b++) {
            double[][] seq = new double[T][D];
            for (int t = 0; t < T; t++) {
                for (int j = 0; j < D; j++) {
                    seq[t][j] = x[(b * T + t) * D + j];
                }
            }
            double[] h = cell.run(seq, kernel, bias);
            double[] logits = new double[CLASSES];
            for (int c = 0; c < CLASSES; c++) {
                logits[c] = denseBias[c];
                for (int u = 0; u < UNITS; u++) {
                    logits[c] += h[u] * dense[u * CLASSES + c];
                }
            }
            double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            expected += -(logits[y[b]] - max - Math.log(sum));
        }
        expected /= BATCH;

        try (TensorFlowModel m = new TensorFlowModel(spec, 1, 1)) {
            m.setParameters(Parameters.wrap(layout, w));
            double got = m.lossAndGradients(x, y, false)[0][0];
            assertEquals(expected, got, 1e-5 * Math.max(1, Math.abs(expected)), recurrent + ": mean loss");
        }
    }

    private static float[] slice(float[] w, ParameterLayout layout, int tensor) {
        float[] out = new float[layout.tensor(tensor).size()];
        System.arraycopy(w, layout.offset(tensor), out, 0, out.length);
        return out;
    }

    /** {@code [x, h] W + b} for one step: {@code k * UNITS} pre-activations. */
    private static double[] affine(double[] x, double[] h, float[] kernel, float[] bias, int k) {
        int cols = k * UNITS;
        double[] z = new double[cols];
        for (int c = 0; c < cols; c++) {
            double s = bias[c];
            for (int j = 0; j < D; j++) {
                s += x[j] * kernel[j * cols + c];
            }
            for (int u = 0; u < UNITS; u++) {
                s += h[u] * kernel[(D + u) * cols + c];
            }
            z[c] = s;
        }
        return z;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    private static double[] lstm(double[][] x, float[] kernel, float[] bias) {
        double[] h = new double[UNITS];
        double[] c = new double[UNITS];
        for (double[] xt : x) {
            double[] z = affine(xt, h, kernel, bias, 4);
            double[] next = new double[UNITS];
            for (int u = 0; u < UNITS; u++) {
                double i = sigmoid(z[u]);
                double f = sigmoid(z[UNITS + u]);
                double g = Math.tanh(z[2 * UNITS + u]);
                double o = sigmoid(z[3 * UNITS + u]);
                c[u] = f * c[u] + i * g;
                next[u] = o * Math.tanh(c[u]);
            }
            h = next;
        }
        return h;
    }

    private static double[] gru(double[][] x, float[] kernel, float[] bias) {
        int cols = 3 * UNITS;
        double[] h = new double[UNITS];
        for (double[] xt : x) {
            double[] zr = affine(xt, h, kernel, bias, 3); // the h~ columns here are not used: they need r h
            double[] z = new double[UNITS];
            double[] rh = new double[UNITS];
            for (int u = 0; u < UNITS; u++) {
                z[u] = sigmoid(zr[u]);
                rh[u] = sigmoid(zr[UNITS + u]) * h[u];
            }
            double[] next = new double[UNITS];
            for (int u = 0; u < UNITS; u++) {
                int col = 2 * UNITS + u;
                double s = bias[col];
                for (int j = 0; j < D; j++) {
                    s += xt[j] * kernel[j * cols + col];
                }
                for (int v = 0; v < UNITS; v++) {
                    s += rh[v] * kernel[(D + v) * cols + col];
                }
                next[u] = z[u] * h[u] + (1 - z[u]) * Math.tanh(s);
            }
            h = next;
        }
        return h;
    }
}
