package io.hanse.engine.tensorflow;

import io.hanse.data.Dataset;
import io.hanse.model.LearningRateSchedule;
import io.hanse.model.ModelSpec;
import io.hanse.model.Models;
import io.hanse.model.OptimizerSpec;
import io.hanse.model.TrainingOptions;

import java.util.Random;

/**
 * Graph-build and step times of the text presets: {@code SequenceBenchmark [unroll...]}. char_lstm at
 * B=10, T=80, vocab 80 and text_lstm at B=32, T=200, vocab 10000, SGD. "Build" is the first one-step fit
 * minus a steady step: the step graph and its gradients, built lazily on first use.
 */
public final class SequenceBenchmark {

    public static void main(String[] args) {
        int[] unrolls = args.length == 0 ? new int[]{1} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        TensorFlowEngine engine = new TensorFlowEngine();
        run(engine, "char_lstm", Models.charLstm(80, 80), 10, 80, unrolls);
        run(engine, "text_lstm", Models.textLstm(10_000, 200, 2), 32, 10_000, unrolls);
        run(engine, "text_transformer", Models.textTransformer(10_000, 200, 2), 32, 10_000, unrolls);
        System.exit(0);
    }

    private static void run(TensorFlowEngine engine, String name, ModelSpec spec, int batch, int vocab, int[] unrolls) {
        int len = spec.inputShape()[0];
        int classes = spec.numOutputs();
        Random r = new Random(1);
        int n = batch * 64;
        float[] x = new float[n * len];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(vocab);
        }
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(classes);
        }
        Dataset data = Dataset.classification(name, new int[]{len}, x, y, classes);
        for (int k : unrolls) {
            TrainingOptions o = new TrainingOptions(OptimizerSpec.of(OptimizerSpec.Kind.SGD), 0.1, LearningRateSchedule.CONSTANT, 0, batch, 1, true, 0);
            long c0 = System.nanoTime();
            try (TensorFlowModel m = (TensorFlowModel) engine.create(spec, 1, 1)) {
                long c1 = System.nanoTime();
                m.setUnroll(k);
                m.fit(data, o.withMaxSteps(k), 0.1, 1); // builds the K-step graph and runs it once
                long c2 = System.nanoTime();
                int steps = Math.max(k, 16 / k * k);
                m.fit(data, o.withMaxSteps(steps), 0.1, 2);
                long c3 = System.nanoTime();
                double step = (c3 - c2) / 1e6 / steps;
                System.out.printf("%s B=%d T=%d params=%d K=%d: create %.0f ms, first fit (graph build + %d steps) %.0f ms, "
                                + "so build ~%.0f ms; steady step %.1f ms%n", name, batch, len, spec.numParameters(), k,
                        (c1 - c0) / 1e6, k, (c2 - c1) / 1e6, (c2 - c1) / 1e6 - k * step, step);
            }
        }
    }
}
