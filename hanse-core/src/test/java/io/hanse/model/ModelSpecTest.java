package io.hanse.model;

import io.hanse.core.ParameterLayout;
import io.hanse.core.TensorSpec;
import io.hanse.model.Layer.Activation;
import io.hanse.model.Layer.Conv2D;
import io.hanse.model.Layer.Dense;
import io.hanse.model.Layer.MaxPool2D;
import io.hanse.model.Layer.Padding;
import io.hanse.model.Layer.Reshape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSpecTest {

    private static ModelSpec spec(int[] input, Layer... layers) {
        return new ModelSpec("m", input, List.of(layers), Loss.SOFTMAX_CROSS_ENTROPY);
    }

    @Test
    void mlp2nn_onMnist_hasTheLayoutAndParameterCountOfTheFedAvgPaper() {
        // Execute
        ModelSpec spec = Models.mlp2nn(784, 10);

        // Assert
        assertEquals(ParameterLayout.of(
                TensorSpec.of("0_dense/kernel", 784, 200), TensorSpec.of("0_dense/bias", 200),
                TensorSpec.of("1_dense/kernel", 200, 200), TensorSpec.of("1_dense/bias", 200),
                TensorSpec.of("2_dense/kernel", 200, 10), TensorSpec.of("2_dense/bias", 10)), spec.layout());
        assertEquals(199_210, spec.numParameters());
        assertEquals(784, spec.inputSize());
        assertEquals(10, spec.numOutputs());
    }

    @Test
    void cnn_onMnist_hasTheLayoutAndParameterCountOfTheFedAvgPaper() {
        // Execute
        ModelSpec spec = Models.cnn(28, 10);

        // Assert
        assertEquals(ParameterLayout.of(
                TensorSpec.of("1_conv2d/kernel", 5, 5, 1, 32), TensorSpec.of("1_conv2d/bias", 32),
                TensorSpec.of("3_conv2d/kernel", 5, 5, 32, 64), TensorSpec.of("3_conv2d/bias", 64),
                TensorSpec.of("6_dense/kernel", 3136, 512), TensorSpec.of("6_dense/bias", 512),
                TensorSpec.of("7_dense/kernel", 512, 10), TensorSpec.of("7_dense/bias", 10)), spec.layout());
        assertEquals(1_663_370, spec.numParameters());
        List<int[]> shapes = spec.shapes();
        assertArrayEquals(new int[]{28, 28, 32}, shapes.get(2), "after the first conv");
        assertArrayEquals(new int[]{7, 7, 64}, shapes.get(5), "before flatten");
        assertArrayEquals(new int[]{10}, shapes.get(8), "output");
    }

    @Test
    void byName_buildsTheBuiltInModels() {
        // Execute / Assert
        assertEquals(Models.cnn(28, 10), Models.byName("cnn", new int[]{28, 28, 1}, 10));
        assertEquals(Models.mlp2nn(784, 10), Models.byName("2nn", new int[]{28, 28}, 10));
        assertEquals(7_850, Models.byName("logistic", new int[]{784}, 10).numParameters());
        assertEquals(14, Models.byName("linear", new int[]{13}, 0).numParameters());
        assertEquals(Loss.MEAN_SQUARED_ERROR, Models.byName("linear", new int[]{13}, 0).loss());
    }

    @Test
    void byName_withUnknownNameOrNonSquareImage_explains() {
        // Execute
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Models.byName("resnet", new int[]{784}, 10));
        IllegalArgumentException notSquare = assertThrows(IllegalArgumentException.class, () -> Models.byName("cnn", new int[]{30}, 10));

        // Assert
        assertEquals("unknown model 'resnet', allowed: [linear, logistic, 2nn, cnn, char_lstm, text_lstm, text_transformer]", unknown.getMessage());
        assertTrue(notSquare.getMessage().contains("square"), notSquare.getMessage());
    }

    @Test
    void convolution_outputSizes_followSameAndValidPadding() {
        // Prepare
        ModelSpec spec = spec(new int[]{28, 28, 3},
                new Conv2D(8, 5, 2, Padding.VALID, Activation.RELU),   // (28 - 5) / 2 + 1 = 12
                new Conv2D(4, 3, 2, Padding.SAME, Activation.RELU),    // ceil(12 / 2) = 6
                new MaxPool2D(3, 3),                                   // (6 - 3) / 3 + 1 = 2
                new Dense(2, Activation.LINEAR));

        // Execute
        List<int[]> shapes = spec.shapes();

        // Assert
        assertArrayEquals(new int[]{12, 12, 8}, shapes.get(1));
        assertArrayEquals(new int[]{6, 6, 4}, shapes.get(2));
        assertArrayEquals(new int[]{2, 2, 4}, shapes.get(3));
        assertEquals(TensorSpec.of("0_conv2d/kernel", 5, 5, 3, 8), spec.layout().tensor(0));
        assertEquals(TensorSpec.of("1_conv2d/kernel", 3, 3, 8, 4), spec.layout().tensor(2));
        assertEquals(TensorSpec.of("3_dense/kernel", 16, 2), spec.layout().tensor(4), "dense flattens its input");
    }

    @Test
    void convolutionOnAVector_isRejectedNamingTheLayer() {
        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec(new int[]{784}, new Conv2D(32, 5, 1, Padding.SAME, Activation.RELU), new Dense(10, Activation.LINEAR)));

        // Assert
        assertTrue(e.getMessage().startsWith("model 'm' layer 0 (Conv2D[") && e.getMessage().contains("with input [784]")
                && e.getMessage().contains("reshape"), e.getMessage());
    }

    @Test
    void reshapeToAnotherSize_isRejectedNamingTheLayer() {
        // Execute
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spec(new int[]{784}, new Dense(100, Activation.RELU), new Reshape(new int[]{10, 11, 1}), new Dense(10, Activation.LINEAR)));

        // Assert
        assertTrue(e.getMessage().contains("layer 1 (Reshape[10, 11, 1]) with input [100]")
                && e.getMessage().contains("cannot reshape 100 values"), e.getMessage());
    }

    @Test
    void validWindowLargerThanTheInput_isRejectedNamingTheLayer() {
        // Execute: stride 1, and a stride larger than the overhang, must both fail
        IllegalArgumentException strideOne = assertThrows(IllegalArgumentException.class,
                () -> spec(new int[]{4, 4, 1}, new Conv2D(2, 5, 1, Padding.VALID, Activation.RELU), new Dense(2, Activation.LINEAR)));
        IllegalArgumentException strideTwo = assertThrows(IllegalArgumentException.class,
                () -> spec(new int[]{4, 4, 1}, new MaxPool2D(5, 2), new Dense(2, Activation.LINEAR)));

        // Assert
        assertTrue(strideOne.getMessage().contains("layer 0") && strideOne.getMessage().contains("window 5 does not fit input size 4"),
                strideOne.getMessage());
        assertTrue(strideTwo.getMessage().contains("layer 0 (MaxPool2D") && strideTwo.getMessage().contains("window 5 does not fit input size 4"),
                strideTwo.getMessage());
    }

    @Test
    void cnn_forImagesTooSmallForTheSecondPool_isRejectedNamingThatLayer() {
        // Execute: 3x3 -> conv -> pool 1x1 -> conv -> a 2x2 pool cannot fit a 1x1 input
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.cnn(3, 10));

        // Assert
        assertTrue(e.getMessage().contains("layer 4 (MaxPool2D") && e.getMessage().contains("with input [1, 1, 64]"), e.getMessage());
    }

    @Test
    void lastLayerAndLoss_mustMatch() {
        // Execute
        IllegalArgumentException notDense = assertThrows(IllegalArgumentException.class,
                () -> spec(new int[]{4}, new Dense(3, Activation.RELU), new Layer.Dropout(0.5)));
        IllegalArgumentException mse = assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec("r", new int[]{4}, List.of(new Dense(2, Activation.LINEAR)), Loss.MEAN_SQUARED_ERROR));
        IllegalArgumentException softmax = assertThrows(IllegalArgumentException.class,
                () -> spec(new int[]{4}, new Dense(1, Activation.LINEAR)));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> spec(new int[]{4}));

        // Assert
        assertTrue(notDense.getMessage().contains("last layer must be dense"), notDense.getMessage());
        assertTrue(mse.getMessage().contains("needs 1 output"), mse.getMessage());
        assertTrue(softmax.getMessage().contains("at least 2 outputs"), softmax.getMessage());
        assertTrue(empty.getMessage().contains("no layers"), empty.getMessage());
    }

    @Test
    void layers_rejectInvalidHyperParameters() {
        // Execute / Assert
        assertEquals("dense units must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Dense(0, Activation.RELU)).getMessage());
        assertEquals("conv2d kernel_size must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Conv2D(1, 0, 1, Padding.SAME, Activation.RELU)).getMessage());
        assertEquals("dropout rate must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Layer.Dropout(1.0)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Reshape(new int[]{2, 0})).getMessage().contains("[2, 0]"));
    }

    @Test
    void spec_isImmutable() {
        // Prepare
        int[] input = {4};
        ModelSpec spec = spec(input, new Dense(2, Activation.LINEAR));

        // Execute
        input[0] = 5;
        spec.inputShape()[0] = 6;

        // Assert
        assertArrayEquals(new int[]{4}, spec.inputShape());
        assertEquals(10, spec.numParameters());
        assertThrows(UnsupportedOperationException.class, () -> spec.layers().add(new Layer.Flatten()));
    }

    // ---------------------------------------------------------------------------------------------
    // Sequence layers

    @Test
    void charLstm_hasTheLayoutOfTheShakespeareModelOfTheFedAvgPaper() {
        // Execute
        ModelSpec spec = Models.charLstm(80, 80);

        // Assert
        assertEquals(ParameterLayout.of(
                TensorSpec.of("0_embedding/embeddings", 80, 8),
                TensorSpec.of("1_lstm/kernel", 8 + 256, 1024), TensorSpec.of("1_lstm/bias", 1024),
                TensorSpec.of("2_lstm/kernel", 256 + 256, 1024), TensorSpec.of("2_lstm/bias", 1024),
                TensorSpec.of("3_dense/kernel", 256, 80), TensorSpec.of("3_dense/bias", 80)), spec.layout());
        assertEquals(817_872, spec.numParameters());
        List<int[]> shapes = spec.shapes();
        assertArrayEquals(new int[]{80}, shapes.get(0));
        assertArrayEquals(new int[]{80, 8}, shapes.get(1), "embedded");
        assertArrayEquals(new int[]{80, 256}, shapes.get(2), "first lstm returns sequences");
        assertArrayEquals(new int[]{80, 256}, shapes.get(3), "second lstm returns sequences too");
        assertArrayEquals(new int[]{80, 80}, shapes.get(4), "a prediction for every position");
        assertEquals(Loss.NEXT_TOKEN_CROSS_ENTROPY, spec.loss());
        assertTrue(spec.hasSequenceLayers());
        assertTrue(!Models.cnn(28, 10).hasSequenceLayers());
    }

    @Test
    void nextTokenLoss_needsAPerStepOutputOverATokenSequence_andPerStepNeedsIt() {
        List<Layer> lm = List.of(new Layer.Embedding(5, 2), new Layer.LSTM(3, true), Dense.perStep(5, Activation.LINEAR));
        // the per-step kernel is [d, tokens], shared by the 4 positions
        assertEquals(TensorSpec.of("2_dense/kernel", 3, 5), new ModelSpec("lm", new int[]{4}, lm, Loss.NEXT_TOKEN_CROSS_ENTROPY).layout().tensor(3));

        IllegalArgumentException lastOnly = assertThrows(IllegalArgumentException.class, () -> new ModelSpec("lm", new int[]{4},
                List.of(new Layer.Embedding(5, 2), new Layer.LSTM(3, false), new Dense(5, Activation.LINEAR)), Loss.NEXT_TOKEN_CROSS_ENTROPY));
        assertTrue(lastOnly.getMessage().contains("per-step dense output"), lastOnly.getMessage());
        IllegalArgumentException perStepClassifier = assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec("c", new int[]{4}, lm, Loss.SOFTMAX_CROSS_ENTROPY));
        assertTrue(perStepClassifier.getMessage().contains("needs loss next_token"), perStepClassifier.getMessage());
        IllegalArgumentException flat = assertThrows(IllegalArgumentException.class, () -> new ModelSpec("f", new int[]{4},
                List.of(Dense.perStep(5, Activation.LINEAR)), Loss.NEXT_TOKEN_CROSS_ENTROPY));
        assertTrue(flat.getMessage().contains("needs a [T, d] sequence"), flat.getMessage());
        IllegalArgumentException tooFewOutputs = assertThrows(IllegalArgumentException.class, () -> new ModelSpec("lm", new int[]{4},
                List.of(new Layer.Embedding(10, 2), new Layer.LSTM(3, true), Dense.perStep(5, Activation.LINEAR)), Loss.NEXT_TOKEN_CROSS_ENTROPY));
        assertTrue(tooFewOutputs.getMessage().contains("10 token ids and the output only 5"), tooFewOutputs.getMessage());
    }

    @Test
    void gru_layerNorm_andPooling_inferShapesAndName() {
        // Execute
        ModelSpec spec = spec(new int[]{7, 3},
                new Layer.GRU(5, true), new Layer.LayerNorm(1e-3), new Layer.GlobalMaxPooling1D(), new Layer.LayerNorm(1e-5),
                new Dense(2, Activation.LINEAR));

        // Assert
        assertEquals(ParameterLayout.of(
                TensorSpec.of("0_gru/kernel", 3 + 5, 15), TensorSpec.of("0_gru/bias", 15),
                TensorSpec.of("1_layer_norm/gamma", 5), TensorSpec.of("1_layer_norm/beta", 5),
                TensorSpec.of("3_layer_norm/gamma", 5), TensorSpec.of("3_layer_norm/beta", 5),
                TensorSpec.of("4_dense/kernel", 5, 2), TensorSpec.of("4_dense/bias", 2)), spec.layout());
        assertArrayEquals(new int[]{7, 5}, spec.shapes().get(2));
        assertArrayEquals(new int[]{5}, spec.shapes().get(3));
        assertArrayEquals(new int[]{3}, spec(new int[]{7, 3}, new Layer.GRU(3, false), new Dense(2, Activation.LINEAR)).shapes().get(1));
        assertArrayEquals(new int[]{3}, spec(new int[]{7, 3}, new Layer.GlobalAveragePooling1D(), new Dense(2, Activation.LINEAR)).shapes().get(1));
    }

    @Test
    void attention_keepsTheShapeWithProjectionsOfHeadsTimesKeyDim() {
        // Execute: 3 heads of 4 on 6 features; a dense after it flattens [5, 6]
        ModelSpec spec = spec(new int[]{5, 6}, new Layer.MultiHeadSelfAttention(3, 4), new Dense(2, Activation.LINEAR));

        // Assert
        assertEquals(ParameterLayout.of(
                TensorSpec.of("0_attention/query/kernel", 6, 12), TensorSpec.of("0_attention/query/bias", 12),
                TensorSpec.of("0_attention/key/kernel", 6, 12), TensorSpec.of("0_attention/key/bias", 12),
                TensorSpec.of("0_attention/value/kernel", 6, 12), TensorSpec.of("0_attention/value/bias", 12),
                TensorSpec.of("0_attention/output/kernel", 12, 6), TensorSpec.of("0_attention/output/bias", 6),
                TensorSpec.of("1_dense/kernel", 30, 2), TensorSpec.of("1_dense/bias", 2)), spec.layout());
        assertArrayEquals(new int[]{5, 6}, spec.shapes().get(1));
    }

    @Test
    void textTransformer_namesTheEncoderBlocksParametersUnderItsIndex() {
        // Execute
        ModelSpec spec = Models.textTransformer(1000, 50, 2);

        // Assert
        List<String> names = spec.layout().tensors().stream().map(TensorSpec::name).toList();
        assertEquals(List.of("0_embedding/embeddings",
                "2_transformer_encoder/attention/query/kernel", "2_transformer_encoder/attention/query/bias",
                "2_transformer_encoder/attention/key/kernel", "2_transformer_encoder/attention/key/bias",
                "2_transformer_encoder/attention/value/kernel", "2_transformer_encoder/attention/value/bias",
                "2_transformer_encoder/attention/output/kernel", "2_transformer_encoder/attention/output/bias",
                "2_transformer_encoder/attention_norm/gamma", "2_transformer_encoder/attention_norm/beta",
                "2_transformer_encoder/ffn1/kernel", "2_transformer_encoder/ffn1/bias",
                "2_transformer_encoder/ffn2/kernel", "2_transformer_encoder/ffn2/bias",
                "2_transformer_encoder/ffn_norm/gamma", "2_transformer_encoder/ffn_norm/beta",
                "5_dense/kernel", "5_dense/bias"), names);
        int d = 64;
        assertEquals(1000 * d + 4 * (d * d + d) + 2 * d + (d * 128 + 128) + (128 * d + d) + 2 * d + d * 2 + 2, spec.numParameters());
        assertEquals(TensorSpec.of("2_transformer_encoder/ffn1/kernel", 64, 128), spec.layout().tensor(11));
        assertArrayEquals(new int[]{50, 64}, spec.shapes().get(3), "positions and the block keep [T, d]");
        assertArrayEquals(new int[]{64}, spec.shapes().get(4), "pooled");
        assertEquals(Models.textLstm(10_000, 200, 64, 64, 2), Models.textLstm(10_000, 200, 2));
    }

    @Test
    void sequenceLayersOnTheWrongInput_areRejectedNamingTheLayerAndTheFix() {
        // Execute
        IllegalArgumentException embeddingOfSequence = assertThrows(IllegalArgumentException.class,
                () -> spec(new int[]{4, 2}, new Layer.Embedding(10, 3), new Dense(2, Activation.LINEAR)));
        IllegalArgumentException lstmOfVector = assertThrows(IllegalArgumentException.class,
                () -> spec(new int[]{8}, new Layer.LSTM(3, false), new Dense(2, Activation.LINEAR)));
        IllegalArgumentException poolOfImage = assertThrows(IllegalArgumentException.class,
                () -> spec(new int[]{4, 4, 1}, new Layer.GlobalAveragePooling1D(), new Dense(2, Activation.LINEAR)));
        IllegalArgumentException heads = assertThrows(IllegalArgumentException.class,
                () -> spec(new int[]{4, 6}, new Layer.TransformerEncoder(4, 8, 0.1), new Dense(2, Activation.LINEAR)));
        IllegalArgumentException attentionAfterLast = assertThrows(IllegalArgumentException.class,
                () -> spec(new int[]{4, 6}, new Layer.LSTM(3, false), new Layer.MultiHeadSelfAttention(2, 2), new Dense(2, Activation.LINEAR)));

        // Assert
        assertTrue(embeddingOfSequence.getMessage().startsWith("model 'm' layer 0 (Embedding[vocabSize=10, dim=3]) with input [4, 2]")
                && embeddingOfSequence.getMessage().contains("needs a [T] input of token ids"), embeddingOfSequence.getMessage());
        assertTrue(lstmOfVector.getMessage().contains("layer 0 (LSTM[units=3, returnSequences=false]) with input [8]")
                && lstmOfVector.getMessage().contains("[T, d]") && lstmOfVector.getMessage().contains("add an embedding"), lstmOfVector.getMessage());
        assertTrue(poolOfImage.getMessage().contains("with input [4, 4, 1]") && poolOfImage.getMessage().contains("reshape"), poolOfImage.getMessage());
        assertTrue(heads.getMessage().contains("4 heads do not divide the 6 features"), heads.getMessage());
        assertTrue(attentionAfterLast.getMessage().contains("layer 1 (MultiHeadSelfAttention") && attentionAfterLast.getMessage().contains("with input [3]"),
                attentionAfterLast.getMessage());
    }

    @Test
    void sequenceLayers_rejectInvalidHyperParameters() {
        // Execute / Assert
        assertEquals("embedding vocab_size must be in [1, 2^24], got 0",
                assertThrows(IllegalArgumentException.class, () -> new Layer.Embedding(0, 4)).getMessage());
        assertEquals("embedding dim must be > 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> new Layer.Embedding(5, -1)).getMessage());
        assertEquals("lstm units must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Layer.LSTM(0, true)).getMessage());
        assertEquals("gru units must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Layer.GRU(0, true)).getMessage());
        assertEquals("layer_norm epsilon must be in (0, 1), got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new Layer.LayerNorm(0)).getMessage());
        assertEquals("multi_head_attention heads must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Layer.MultiHeadSelfAttention(0, 4)).getMessage());
        assertEquals("multi_head_attention key_dim must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Layer.MultiHeadSelfAttention(2, 0, true)).getMessage());
        assertEquals("transformer_encoder ff_dim must be > 0, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Layer.TransformerEncoder(2, 0, 0.1)).getMessage());
        assertEquals("transformer_encoder dropout must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Layer.TransformerEncoder(2, 8, 1.0)).getMessage());
    }

    @Test
    void byName_buildsTheTextModels_takingTheVocabularyFromTheArgument() {
        // Execute / Assert
        assertEquals(Models.charLstm(80, 80), Models.byName("char_lstm", new int[]{80}, 80));
        assertEquals(Models.charLstm(90, 80, 8, 256, 90), Models.byName("char_lstm", new int[]{80}, 80, 90));
        assertEquals(Models.textLstm(10_000, 200, 2), Models.byName("text_lstm", new int[]{200}, 2, 10_000));
        assertEquals(Models.textTransformer(500, 30, 3), Models.byName("text_transformer", new int[]{30}, 3, 500));
        IllegalArgumentException noVocab = assertThrows(IllegalArgumentException.class, () -> Models.byName("text_lstm", new int[]{200}, 2));
        assertTrue(noVocab.getMessage().contains("model 'text_lstm' needs a vocabulary size (model.vocab_size)"), noVocab.getMessage());
        IllegalArgumentException image = assertThrows(IllegalArgumentException.class,
                () -> Models.byName("text_transformer", new int[]{28, 28}, 10, 100));
        assertTrue(image.getMessage().contains("needs a [T] input of token ids, got shape [28, 28]"), image.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Models.byName("text_lstm", new int[]{200}, 2, -1));
    }
}
