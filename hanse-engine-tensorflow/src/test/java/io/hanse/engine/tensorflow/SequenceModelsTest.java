package io.hanse.engine.tensorflow;

import io.hanse.core.Parameters;
import io.hanse.data.Dataset;
import io.hanse.model.EvalStats;
import io.hanse.model.Initializer;
import io.hanse.model.Layer;
import io.hanse.model.LearningRateSchedule;
import io.hanse.model.Loss;
import io.hanse.model.ModelSpec;
import io.hanse.model.Models;
import io.hanse.model.OptimizerSpec;
import io.hanse.model.TrainStats;
import io.hanse.model.TrainingOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text presets and sequence layers in the TensorFlow engine: parameters, learning, determinism. */
class SequenceModelsTest {

    private final TensorFlowEngine engine = new TensorFlowEngine();

    private static TrainingOptions adam(double lr, int batch, int epochs) {
        return new TrainingOptions(OptimizerSpec.of(OptimizerSpec.Kind.ADAM), lr, LearningRateSchedule.CONSTANT, 0.0, batch, epochs, true, 0);
    }

    /** Sequences of {@code len} token ids below {@code vocab}; label 1 if token 5 appears. */
    static Dataset containsToken5(int n, int len, int vocab, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * len];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < len; t++) {
                int id = r.nextInt(vocab);
                x[i * len + t] = id;
                if (id == 5) {
                    y[i] = 1;
                }
            }
        }
        return Dataset.classification("contains5", new int[]{len}, x, y, 2);
    }

    private void assertRoundTripsBitForBit(ModelSpec spec) {
        float[] v = new float[spec.layout().totalSize()];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.intBitsToFloat(r.nextInt());
        }
        try (TensorFlowModel m = (TensorFlowModel) engine.create(spec, 42, 1)) {
            assertEquals(Initializer.glorotUniform(spec.layout(), 42), m.getParameters());
            Parameters first = m.getParameters();
            m.setParameters(Parameters.wrap(spec.layout(), v.clone()));
            assertArrayEquals(bits(v), bits(m.getParameters().flat()));
            m.setParameters(first);
            assertArrayEquals(bits(first.flat()), bits(m.getParameters().flat()));
        }
    }

    private static int[] bits(float[] v) {
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Float.floatToRawIntBits(v[i]);
        }
        return out;
    }

    @Test
    void charLstmParametersRoundTripExactly() {
        ModelSpec spec = Models.charLstm(80, 80);
        assertEquals(80 * 8 + 264 * 1024 + 1024 + 512 * 1024 + 1024 + 256 * 80 + 80, spec.numParameters());
        assertRoundTripsBitForBit(spec);
    }

    @Test
    void textTransformerParametersRoundTripExactly() {
        assertRoundTripsBitForBit(Models.textTransformer(1000, 50, 2));
    }

    @Test
    void sequenceModelsRunOneStepPerCallByDefault() {
        try (TensorFlowModel lstm = (TensorFlowModel) engine.create(Models.textLstm(20, 8, 2), 1, 1);
             TensorFlowModel mlp = (TensorFlowModel) engine.create(Models.mlp2nn(8, 2), 1, 1)) {
            assertEquals(1, lstm.unroll());
            assertEquals(TensorFlowModel.DEFAULT_UNROLL, mlp.unroll());
        }
    }

    @Test
    void textLstmLearnsWhetherAToken5Appears() {
        Dataset train = containsToken5(768, 12, 20, 1);
        Dataset test = containsToken5(300, 12, 20, 2);
        try (TensorFlowModel m = (TensorFlowModel) engine.create(Models.textLstm(20, 12, 16, 16, 2), 3, 1)) {
            double before = m.evaluate(test, 100).accuracy();
            TrainStats stats = m.fit(train, adam(0.02, 32, 6), 0.02, 1);
            EvalStats after = m.evaluate(test, 100);
            assertTrue(after.accuracy() > 0.95, "accuracy " + before + " -> " + after.accuracy() + ", mean loss " + stats.meanLoss());
        }
    }

    @Test
    void textGruLearnsWhetherAToken5Appears() {
        ModelSpec spec = new ModelSpec("text_gru", new int[]{12}, java.util.List.of(new io.hanse.model.Layer.Embedding(20, 16),
                new io.hanse.model.Layer.GRU(16, false), new io.hanse.model.Layer.Dense(2, io.hanse.model.Layer.Activation.LINEAR)),
                io.hanse.model.Loss.SOFTMAX_CROSS_ENTROPY);
        Dataset train = containsToken5(768, 12, 20, 1);
        Dataset test = containsToken5(300, 12, 20, 2);
        try (TensorFlowModel m = (TensorFlowModel) engine.create(spec, 3, 1)) {
            m.fit(train, adam(0.02, 32, 6), 0.02, 1);
            EvalStats after = m.evaluate(test, 100);
            assertTrue(after.accuracy() > 0.95, "accuracy " + after.accuracy());
        }
    }

    @Test
    void textTransformerLearnsWhetherAToken5Appears() {
        Dataset train = containsToken5(768, 12, 20, 1);
        Dataset test = containsToken5(300, 12, 20, 2);
        try (TensorFlowModel m = (TensorFlowModel) engine.create(Models.textTransformer(20, 12, 16, 2, 32, 0.1, 2), 3, 1)) {
            double before = m.evaluate(test, 100).accuracy();
            TrainStats stats = m.fit(train, adam(0.01, 32, 8), 0.01, 1);
            EvalStats after = m.evaluate(test, 100);
            assertTrue(after.accuracy() > 0.95, "accuracy " + before + " -> " + after.accuracy() + ", mean loss " + stats.meanLoss());
        }
    }

    @Test
    void charLstmLearnsADeterministicNextCharacterSequence() {
        String text = "the quick brown fox jumps over the lazy dog ";
        String alphabet = text.chars().distinct().sorted().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        int len = 8;
        int copies = 8;
        int n = text.length() * copies;
        float[] x = new float[n * len];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < len; t++) {
                x[i * len + t] = alphabet.indexOf(text.charAt((i + t) % text.length()));
            }
            y[i] = alphabet.indexOf(text.charAt((i + len) % text.length()));
        }
        int vocab = alphabet.length();
        Dataset data = Dataset.classification("fox", new int[]{len}, x, y, vocab);
        // predicts only the character after the window (LEAF's formulation), which the context determines
        ModelSpec lastOnly = new ModelSpec("char_lstm_last", new int[]{len}, List.of(new Layer.Embedding(vocab, 8),
                new Layer.LSTM(32, true), new Layer.LSTM(32, false), new Layer.Dense(vocab, Layer.Activation.LINEAR)),
                Loss.SOFTMAX_CROSS_ENTROPY);
        try (TensorFlowModel m = (TensorFlowModel) engine.create(lastOnly, 1, 1)) {
            m.fit(data, adam(0.02, 16, 12), 0.02, 1);
            EvalStats after = m.evaluate(data, 100);
            assertTrue(after.accuracy() > 0.99, "next-character accuracy " + after.accuracy() + ", loss " + after.loss());
        }
    }

    @Test
    void charLstmLanguageModelPredictsEveryPosition() {
        // a cycle in which the current character determines the next, so every position is predictable
        String cycle = "abcdefghijklm";
        int len = 6;
        int n = 200;
        float[] x = new float[n * len];
        int[] y = new int[n];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            int start = r.nextInt(cycle.length());
            for (int t = 0; t < len; t++) {
                x[i * len + t] = (start + t) % cycle.length();
            }
            y[i] = (start + len) % cycle.length();
        }
        int vocab = cycle.length();
        Dataset data = Dataset.classification("cycle", new int[]{len}, x, y, vocab);
        ModelSpec spec = Models.charLstm(vocab, len, 8, 16, vocab);
        assertEquals(Loss.NEXT_TOKEN_CROSS_ENTROPY, spec.loss());
        assertArrayEquals(new int[]{len, vocab}, spec.shapes().get(spec.layers().size()));
        try (TensorFlowModel m = (TensorFlowModel) engine.create(spec, 1, 1)) {
            EvalStats before = m.evaluate(data, 64);
            assertTrue(before.accuracy() < 0.3, "untrained accuracy " + before.accuracy());
            // the untrained loss is about ln(vocab) per position, not summed over the positions
            assertEquals(Math.log(vocab), before.loss(), 0.5);
            m.fit(data, adam(0.02, 10, 10), 0.02, 1);
            EvalStats after = m.evaluate(data, 64);
            assertTrue(after.accuracy() > 0.99, "accuracy over all positions " + after.accuracy() + ", loss " + after.loss());
            // one wrong token anywhere in a window counts as one miss out of n * len predictions
            float[] wrong = x.clone();
            int[] wrongLabels = y.clone();
            for (int i = 0; i < n; i++) {
                wrongLabels[i] = (y[i] + 1) % vocab;
            }
            EvalStats mislabelled = m.evaluate(Dataset.classification("cycle-wrong", new int[]{len}, wrong, wrongLabels, vocab), 64);
            assertEquals(after.accuracy() - 1.0 / len, mislabelled.accuracy(), 0.01);
        }
    }

    @Test
    void tokenIdsOutsideTheVocabularyAreClippedNotFatal() {
        float[] x = {-3, 0, 1, 19, 20, 1e6f, 4, 5};
        Dataset data = Dataset.classification("odd ids", new int[]{4}, x, new int[]{0, 1}, 2);
        try (TensorFlowModel m = (TensorFlowModel) engine.create(Models.textLstm(20, 4, 4, 4, 2), 1, 1)) {
            EvalStats e = m.evaluate(data, 2);
            assertTrue(Double.isFinite(e.loss()), "loss " + e.loss());
            Dataset clipped = Dataset.classification("clipped", new int[]{4}, new float[]{0, 0, 1, 19, 19, 19, 4, 5}, new int[]{0, 1}, 2);
            assertEquals(m.evaluate(clipped, 2), e);
        }
    }

    /** Parameters and stats of a fit of a fresh model. */
    private record Run(Parameters parameters, TrainStats stats) {
    }

    private Run fresh(ModelSpec spec, Dataset data, TrainingOptions o, long seed, int unroll) {
        try (TensorFlowModel m = (TensorFlowModel) engine.create(spec, 7, 1)) {
            m.setUnroll(unroll);
            TrainStats stats = m.fit(data, o, o.learningRate(), seed);
            return new Run(m.getParameters(), stats);
        }
    }

    @Test
    void sequenceModelsTrainedConcurrentlyMatchSequentialRunsAndUnrolledSteps() throws Exception {
        // dropout in the encoder block and after pooling, so the random streams are covered too
        ModelSpec transformer = Models.textTransformer(20, 10, 8, 2, 16, 0.2, 2);
        ModelSpec lstm = Models.textLstm(20, 10, 8, 8, 2);
        Dataset d1 = containsToken5(170, 10, 20, 3); // 10 full batches and one of 10
        Dataset d2 = containsToken5(170, 10, 20, 4);
        TrainingOptions o = adam(0.01, 16, 2);
        Run t1 = fresh(transformer, d1, o, 1, 1);
        Run l2 = fresh(lstm, d2, o, 2, 1);
        assertEquals(t1, fresh(transformer, d1, o, 1, 4), "unrolled steps must compute the same updates");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Run> c1 = pool.submit(() -> fresh(transformer, d1, o, 1, 1));
            Future<Run> c2 = pool.submit(() -> fresh(lstm, d2, o, 2, 1));
            Future<Run> c3 = pool.submit(() -> fresh(transformer, d1, o, 1, 1));
            assertEquals(t1, c1.get());
            assertEquals(l2, c2.get());
            assertEquals(t1, c3.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
