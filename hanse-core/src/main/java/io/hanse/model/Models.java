package io.hanse.model;

import io.hanse.model.Layer.Activation;
import io.hanse.model.Layer.Conv2D;
import io.hanse.model.Layer.Dense;
import io.hanse.model.Layer.Dropout;
import io.hanse.model.Layer.Embedding;
import io.hanse.model.Layer.GlobalAveragePooling1D;
import io.hanse.model.Layer.LSTM;
import io.hanse.model.Layer.PositionalEncoding;
import io.hanse.model.Layer.TransformerEncoder;
import io.hanse.model.Layer.MaxPool2D;
import io.hanse.model.Layer.Padding;
import io.hanse.model.Layer.Reshape;

import java.util.List;

/** The built-in architectures, by the names that configs use. */
public final class Models {

    private Models() {
    }

    /** Names accepted by {@link #byName}. */
    public static final List<String> NAMES = List.of("linear", "logistic", "2nn", "cnn", "char_lstm", "text_lstm", "text_transformer");

    /**
     * A built-in model for inputs of {@code inputShape} and {@code numClasses} classes
     * ({@code numClasses} is ignored by {@code linear}); the text models need {@link #byName(String, int[], int, int)}
     * with a vocabulary size, except {@code char_lstm}, whose vocabulary defaults to its classes.
     */
    public static ModelSpec byName(String name, int[] inputShape, int numClasses) {
        return byName(name, inputShape, numClasses, 0);
    }

    /**
     * A built-in model; {@code vocabSize} is the number of token ids of the text models' embedding
     * ({@code 0}: not given; {@code char_lstm} then uses {@code numClasses}, since it predicts the next
     * character of the same alphabet). Text models read a {@code [T]} input of token ids.
     */
    public static ModelSpec byName(String name, int[] inputShape, int numClasses, int vocabSize) {
        if (vocabSize < 0) {
            throw new IllegalArgumentException("vocab size = " + vocabSize + " is invalid, allowed: >= 1, or 0 for not given");
        }
        int inputSize = ModelSpec.product(inputShape);
        return switch (name) {
            case "linear" -> linearRegression(inputSize);
            case "logistic" -> logisticRegression(inputSize, numClasses);
            case "2nn" -> mlp2nn(inputSize, numClasses);
            case "cnn" -> {
                int side = (int) Math.round(Math.sqrt(inputSize));
                if (side * side != inputSize) {
                    throw new IllegalArgumentException("model 'cnn' needs square single-channel images, got " + inputSize + " inputs");
                }
                yield cnn(side, numClasses);
            }
            // a language model has an output per token: the vocabulary, at least the classes (the next tokens)
            case "char_lstm" -> {
                int tokens = Math.max(vocabSize, numClasses);
                yield charLstm(tokens, sequenceLength(name, inputShape), 8, 256, tokens);
            }
            case "text_lstm" -> textLstm(requireVocab(name, vocabSize), sequenceLength(name, inputShape), 64, 64, numClasses);
            case "text_transformer" -> textTransformer(requireVocab(name, vocabSize), sequenceLength(name, inputShape),
                    64, 4, 128, 0.1, numClasses);
            default -> throw new IllegalArgumentException("unknown model '" + name + "', allowed: " + NAMES);
        };
    }

    private static int requireVocab(String name, int vocabSize) {
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("model '" + name + "' needs a vocabulary size (model.vocab_size): the number of token ids");
        }
        return vocabSize;
    }

    private static int sequenceLength(String name, int[] inputShape) {
        if (inputShape.length != 1) {
            throw new IllegalArgumentException("model '" + name + "' needs a [T] input of token ids, got shape " + java.util.Arrays.toString(inputShape));
        }
        return inputShape[0];
    }

    /**
     * The Shakespeare character model of McMahan et al. 2017: embedding 8, two LSTM layers of 256 units,
     * softmax over the {@code vocabSize} characters at every position; input {@code [seqLen]} character ids (the
     * paper's unroll length is 80). Trained as a language model ({@link Loss#NEXT_TOKEN_CROSS_ENTROPY}): each
     * position predicts the next character, so a window of 80 characters gives 80 predictions.
     */
    public static ModelSpec charLstm(int vocabSize, int seqLen) {
        return charLstm(vocabSize, seqLen, 8, 256, vocabSize);
    }

    /** {@link #charLstm(int, int)} with other sizes: embedding {@code embedDim}, two LSTMs of {@code units}, {@code numClasses} outputs. */
    public static ModelSpec charLstm(int vocabSize, int seqLen, int embedDim, int units, int numClasses) {
        return new ModelSpec("char_lstm", new int[]{seqLen}, List.of(
                new Embedding(vocabSize, embedDim),
                new LSTM(units, true),
                new LSTM(units, true),
                Dense.perStep(numClasses, Activation.LINEAR)), Loss.NEXT_TOKEN_CROSS_ENTROPY);
    }

    /** A sentiment-style text classifier: embedding 64, LSTM 64 (last step), softmax over {@code numClasses}. */
    public static ModelSpec textLstm(int vocabSize, int seqLen, int numClasses) {
        return textLstm(vocabSize, seqLen, 64, 64, numClasses);
    }

    /** {@link #textLstm(int, int, int)} with other sizes. */
    public static ModelSpec textLstm(int vocabSize, int seqLen, int embedDim, int units, int numClasses) {
        return new ModelSpec("text_lstm", new int[]{seqLen}, List.of(
                new Embedding(vocabSize, embedDim),
                new LSTM(units, false),
                new Dense(numClasses, Activation.LINEAR)), Loss.SOFTMAX_CROSS_ENTROPY);
    }

    /**
     * A small Transformer text classifier: embedding 64, sinusoidal positions, one encoder block (4 heads,
     * feed-forward 128, dropout 0.1), mean over the steps, dropout 0.1, softmax over {@code numClasses}.
     */
    public static ModelSpec textTransformer(int vocabSize, int seqLen, int numClasses) {
        return textTransformer(vocabSize, seqLen, 64, 4, 128, 0.1, numClasses);
    }

    /** {@link #textTransformer(int, int, int)} with other sizes; {@code heads} must divide {@code dim}. */
    public static ModelSpec textTransformer(int vocabSize, int seqLen, int dim, int heads, int ffDim, double dropout, int numClasses) {
        return new ModelSpec("text_transformer", new int[]{seqLen}, List.of(
                new Embedding(vocabSize, dim),
                new PositionalEncoding(),
                new TransformerEncoder(heads, ffDim, dropout),
                new GlobalAveragePooling1D(),
                new Dropout(dropout),
                new Dense(numClasses, Activation.LINEAR)), Loss.SOFTMAX_CROSS_ENTROPY);
    }

    /** Linear regression: one dense output, mean squared error. */
    public static ModelSpec linearRegression(int inputSize) {
        return new ModelSpec("linear", new int[]{inputSize}, List.of(new Dense(1, Activation.LINEAR)), Loss.MEAN_SQUARED_ERROR);
    }

    /** Multinomial logistic regression: one dense layer, softmax cross-entropy. */
    public static ModelSpec logisticRegression(int inputSize, int numClasses) {
        return new ModelSpec("logistic", new int[]{inputSize}, List.of(new Dense(numClasses, Activation.LINEAR)), Loss.SOFTMAX_CROSS_ENTROPY);
    }

    /** The "2NN" of McMahan et al. 2017: two hidden layers of 200 ReLU units (199,210 parameters on MNIST). */
    public static ModelSpec mlp2nn(int inputSize, int numClasses) {
        return new ModelSpec("2nn", new int[]{inputSize}, List.of(
                new Dense(200, Activation.RELU),
                new Dense(200, Activation.RELU),
                new Dense(numClasses, Activation.LINEAR)), Loss.SOFTMAX_CROSS_ENTROPY);
    }

    /**
     * The "CNN" of McMahan et al. 2017: 5x5 conv 32, 2x2 max-pool, 5x5 conv 64, 2x2 max-pool, dense 512
     * ReLU, softmax (1,663,370 parameters on MNIST).
     */
    public static ModelSpec cnn(int side, int numClasses) {
        return new ModelSpec("cnn", new int[]{side * side}, List.of(
                new Reshape(new int[]{side, side, 1}),
                new Conv2D(32, 5, 1, Padding.SAME, Activation.RELU),
                new MaxPool2D(2, 2),
                new Conv2D(64, 5, 1, Padding.SAME, Activation.RELU),
                new MaxPool2D(2, 2),
                new Layer.Flatten(),
                new Dense(512, Activation.RELU),
                new Dense(numClasses, Activation.LINEAR)), Loss.SOFTMAX_CROSS_ENTROPY);
    }
}
