package io.hanse.model;

import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.core.TensorSpec;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitializerTest {

    @Test
    void glorotUniform_isReproducibleFromTheSeed() {
        // Prepare
        ParameterLayout layout = Models.mlp2nn(784, 10).layout();

        // Execute
        Parameters a = Initializer.glorotUniform(layout, 42);
        Parameters b = Initializer.glorotUniform(layout, 42);
        Parameters c = Initializer.glorotUniform(layout, 43);

        // Assert
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void glorotUniform_kernelsSpanPlusMinusSqrtSixOverFanInPlusFanOut_andBiasesAreZero() {
        // Prepare: dense kernels fan in/out = rows/columns; conv kernels k*k*in and k*k*out
        ParameterLayout layout = Models.cnn(28, 10).layout();

        // Execute
        Parameters p = Initializer.glorotUniform(layout, 7);

        // Assert
        double[] limits = {
                Math.sqrt(6.0 / (25 * 1 + 25 * 32)), 0,
                Math.sqrt(6.0 / (25 * 32 + 25 * 64)), 0,
                Math.sqrt(6.0 / (3136 + 512)), 0,
                Math.sqrt(6.0 / (512 + 10)), 0};
        for (int t = 0; t < layout.numTensors(); t++) {
            TensorSpec spec = layout.tensor(t);
            float[] values = p.tensor(t);
            double maxAbs = 0;
            double sum = 0;
            for (float v : values) {
                maxAbs = Math.max(maxAbs, Math.abs(v));
                sum += v;
            }
            if (limits[t] == 0) {
                assertEquals(0.0, maxAbs, 0.0, spec.name() + " is zero");
            } else {
                assertTrue(maxAbs <= (float) limits[t], spec.name() + ": " + maxAbs + " > " + limits[t]);
                assertTrue(maxAbs > 0.95 * limits[t], spec.name() + ": values span only " + maxAbs + " of " + limits[t]);
                assertEquals(0.0, sum / values.length, 0.05 * limits[t], spec.name() + " is centred");
            }
        }
    }

    @Test
    void glorotUniform_leavesRankOneAndScalarTensorsAtZero() {
        // Prepare
        ParameterLayout layout = ParameterLayout.of(TensorSpec.of("k", 3, 4), TensorSpec.of("b", 4), TensorSpec.of("s"));

        // Execute
        Parameters p = Initializer.glorotUniform(layout, 1);

        // Assert
        assertTrue(sumSquares(p.tensor(0)) > 0, "the kernel is initialised");
        for (float v : p.tensor(1)) {
            assertEquals(0f, v);
        }
        assertEquals(0f, p.tensor(2)[0]);
    }

    @Test
    void glorotUniform_setsGammasToOne_lstmForgetBiasesToOne_andLeavesOtherTensorsAsBefore() {
        // Prepare: the same kernels with and without rank-1 tensors in between draw the same numbers
        ParameterLayout layout = ParameterLayout.of(TensorSpec.of("0_lstm/kernel", 5, 8), TensorSpec.of("0_lstm/bias", 8),
                TensorSpec.of("1_layer_norm/gamma", 3), TensorSpec.of("1_layer_norm/beta", 3), TensorSpec.of("2_dense/kernel", 3, 2),
                TensorSpec.of("2_gru/bias", 6));
        ParameterLayout kernelsOnly = ParameterLayout.of(TensorSpec.of("a", 5, 8), TensorSpec.of("b", 3, 2));

        // Execute
        Parameters p = Initializer.glorotUniform(layout, 9);
        Parameters q = Initializer.glorotUniform(kernelsOnly, 9);

        // Assert
        assertArrayEquals(new float[]{0, 0, 1, 1, 0, 0, 0, 0}, p.tensor(1), "lstm gates i, f, c, o: forget bias 1");
        assertArrayEquals(new float[]{1, 1, 1}, p.tensor(2));
        assertArrayEquals(new float[3], p.tensor(3));
        assertArrayEquals(new float[6], p.tensor(5));
        assertArrayEquals(q.tensor(0), p.tensor(0));
        assertArrayEquals(q.tensor(1), p.tensor(4));
    }

    private static double sumSquares(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return s;
    }
}
