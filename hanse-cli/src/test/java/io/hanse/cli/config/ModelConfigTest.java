package io.hanse.cli.config;

import io.hanse.model.Layer;
import io.hanse.model.ModelSpec;
import io.hanse.model.Models;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code [model]} table's text models and sequence layers. */
class ModelConfigTest {

    private static RunConfig parse(String toml) {
        return RunConfig.from(ConfigTree.parse(toml, "test.toml"));
    }

    private static String error(String toml) {
        return assertThrows(ConfigException.class, () -> parse(toml)).getMessage();
    }

    @Test
    void sequenceLayerTables_buildTheLayers() {
        RunConfig c = parse("""
                [[model.layers]]
                type = "embedding"
                vocab_size = 100
                dim = 16
                [[model.layers]]
                type = "positional_encoding"
                [[model.layers]]
                type = "transformer_encoder"
                heads = 2
                ff_dim = 32
                dropout = 0.2
                [[model.layers]]
                type = "multi_head_attention"
                heads = 2
                key_dim = 4
                causal = true
                [[model.layers]]
                type = "layer_norm"
                epsilon = 1e-5
                [[model.layers]]
                type = "lstm"
                units = 8
                return_sequences = true
                [[model.layers]]
                type = "gru"
                units = 8
                return_sequences = true
                [[model.layers]]
                type = "dropout"
                rate = 0.1
                [[model.layers]]
                type = "global_max_pooling1d"
                [[model.layers]]
                type = "dense"
                units = 2
                """);
        assertEquals(List.of(new Layer.Embedding(100, 16), new Layer.PositionalEncoding(), new Layer.TransformerEncoder(2, 32, 0.2),
                new Layer.MultiHeadSelfAttention(2, 4, true), new Layer.LayerNorm(1e-5), new Layer.LSTM(8, true), new Layer.GRU(8, true),
                new Layer.Dropout(0.1), new Layer.GlobalMaxPooling1D(), new Layer.Dense(2, Layer.Activation.LINEAR)), c.model().layers());
        ModelSpec spec = c.model().spec(new int[]{20}, 2);
        assertEquals(2, spec.numOutputs());
        assertEquals(new Layer.GlobalAveragePooling1D(), parse("""
                model.layers = [{type = "embedding", vocab_size = 5, dim = 2}, {type = "global_average_pooling1d"}, {type = "dense", units = 2}]
                """).model().layers().get(1));
        assertEquals(new Layer.LSTM(4, false), parse("""
                model.layers = [{type = "embedding", vocab_size = 5, dim = 2}, {type = "lstm", units = 4}, {type = "dense", units = 2}]
                """).model().layers().get(1), "return_sequences defaults to false");
    }

    @Test
    void badSequenceLayerKeysAndValues_failNamingKeyValueAndWhatIsAllowed() {
        String unknownType = error("model.layers = [{type = \"transformer\"}]");
        assertTrue(unknownType.contains("model.layers[0].type = \"transformer\" is invalid, allowed: one of [dense,")
                && unknownType.contains("transformer_encoder"), unknownType);
        String unknownKey = error("model.layers = [{type = \"lstm\", units = 4, return_sequence = true}, {type = \"dense\", units = 2}]");
        assertTrue(unknownKey.contains("unknown key 'model.layers[0].return_sequence'") && unknownKey.contains("return_sequences"), unknownKey);
        String missing = error("model.layers = [{type = \"embedding\", dim = 4}, {type = \"dense\", units = 2}]");
        assertTrue(missing.contains("model.layers[0].vocab_size is required for a embedding layer"), missing);
        String zero = error("model.layers = [{type = \"gru\", units = 0}, {type = \"dense\", units = 2}]");
        assertTrue(zero.contains("model.layers[0].units = 0 is invalid"), zero);
        String notBool = error("model.layers = [{type = \"lstm\", units = 3, return_sequences = \"yes\"}, {type = \"dense\", units = 2}]");
        assertTrue(notBool.contains("model.layers[0].return_sequences = \"yes\" is invalid, allowed: true or false"), notBool);
        String dropout = error("model.layers = [{type = \"transformer_encoder\", heads = 2, ff_dim = 8, dropout = 1.5}, {type = \"dense\", units = 2}]");
        assertTrue(dropout.contains("model.layers[0].dropout = 1.5 is invalid"), dropout);
        String epsilon = error("model.layers = [{type = \"layer_norm\", epsilon = 0}, {type = \"dense\", units = 2}]");
        assertTrue(epsilon.contains("model.layers[0].epsilon = 0"), epsilon);
    }

    @Test
    void builtInTextModels_takeTheVocabularyFromTheConfigOrTheData() {
        RunConfig c = parse("[model]\nname = \"text_lstm\"\nvocab_size = 500\n");
        assertEquals(500, c.model().vocabSize());
        assertEquals(Models.textLstm(500, 200, 2), c.model().spec(new int[]{200}, 2));
        assertEquals(Models.textLstm(500, 200, 2), c.model().spec(new int[]{200}, 2, 10_000), "model.vocab_size wins");
        RunConfig fromData = parse("[model]\nname = \"text_transformer\"\n");
        assertEquals(Models.textTransformer(10_000, 200, 2), fromData.model().spec(new int[]{200}, 2, 10_000));
        String none = assertThrows(IllegalArgumentException.class, () -> fromData.model().spec(new int[]{200}, 2)).getMessage();
        assertTrue(none.contains("needs a vocabulary size"), none);
        assertEquals(Models.charLstm(81, 80, 8, 256, 81), parse("model.name = \"char_lstm\"").model().spec(new int[]{80}, 81));
        String notText = error("[model]\nname = \"2nn\"\nvocab_size = 5\n");
        assertTrue(notText.contains("model.vocab_size applies only to the text models"), notText);
        String withLayers = error("[model]\nvocab_size = 5\nlayers = [{type = \"dense\", units = 2}]\n");
        assertTrue(withLayers.contains("model.vocab_size applies only to a built-in text model"), withLayers);
        String unknown = error("model.name = \"gpt\"");
        assertTrue(unknown.contains("char_lstm, text_lstm, text_transformer"), unknown);
    }
    @Test
    void aLanguageModel_isAPerStepDenseOutputWithTheNextTokenLoss() {
        RunConfig c = parse("""
                [model]
                loss = "next_token"
                [[model.layers]]
                type = "embedding"
                vocab_size = 30
                dim = 8
                [[model.layers]]
                type = "gru"
                units = 16
                return_sequences = true
                [[model.layers]]
                type = "dense"
                units = 30
                per_step = true
                """);
        ModelSpec spec = c.model().spec(new int[]{20}, 30);
        assertEquals(io.hanse.model.Loss.NEXT_TOKEN_CROSS_ENTROPY, spec.loss());
        assertEquals(Layer.Dense.perStep(30, Layer.Activation.LINEAR), spec.layers().get(2));

        String e = error("""
                [model]
                loss = "next_word"
                [[model.layers]]
                type = "dense"
                units = 2
                """);
        assertTrue(e.contains("model.loss") && e.contains("next_word") && e.contains("next_token"), e);
    }
}
