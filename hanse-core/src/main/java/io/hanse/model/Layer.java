package io.hanse.model;

import java.util.Arrays;

/**
 * One layer of a declaratively described model. Engines turn a list of layers into their own graph;
 * the core uses it only to infer shapes and name the parameters (see {@link ModelSpec#layout()}).
 *
 * <p>Shapes exclude the batch dimension. Images are height x width x channels (NHWC), as in
 * TensorFlow.
 */
public sealed interface Layer {

    /** Fully connected: {@code activation(x W + b)}; flattens its input first if it is not a vector. */
    record Dense(int units, Activation activation, boolean perStep) implements Layer {
        public Dense {
            require(units > 0, "dense units must be > 0, got " + units);
        }

        /** A dense layer over the whole (flattened) input. */
        public Dense(int units, Activation activation) {
            this(units, activation, false);
        }

        /**
         * A dense layer applied to every position of a sequence on its own ({@code [T, d] -> [T, units]}, kernel
         * {@code [d, units]} shared by all positions, as Keras's {@code TimeDistributed(Dense)}); the output layer
         * of a language model trained with {@link Loss#NEXT_TOKEN_CROSS_ENTROPY}.
         */
        public static Dense perStep(int units, Activation activation) {
            return new Dense(units, activation, true);
        }
    }

    /** 2-D convolution with square kernels, weights {@code [k, k, inChannels, filters]}. */
    record Conv2D(int filters, int kernelSize, int stride, Padding padding, Activation activation) implements Layer {
        public Conv2D {
            require(filters > 0, "conv2d filters must be > 0, got " + filters);
            require(kernelSize > 0, "conv2d kernel_size must be > 0, got " + kernelSize);
            require(stride > 0, "conv2d stride must be > 0, got " + stride);
        }
    }

    /** Max pooling over square windows. */
    record MaxPool2D(int poolSize, int stride) implements Layer {
        public MaxPool2D {
            require(poolSize > 0 && stride > 0, "maxpool2d pool_size and stride must be > 0, got " + poolSize + ", " + stride);
        }
    }

    /** Collapses all non-batch dimensions into one. */
    record Flatten() implements Layer {
    }

    /** Inverted dropout, active only while training; any input shape (e.g. {@code [T, d]}), every value dropped independently. */
    record Dropout(double rate) implements Layer {
        public Dropout {
            require(rate >= 0 && rate < 1, "dropout rate must be in [0, 1), got " + rate);
        }
    }

    /** Reinterprets the input as {@code shape} (excluding the batch dimension). */
    record Reshape(int[] shape) implements Layer {
        public Reshape {
            shape = shape.clone();
            for (int d : shape) {
                require(d > 0, "reshape dimensions must be > 0, got " + Arrays.toString(shape));
            }
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Reshape r && Arrays.equals(r.shape, shape);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return "Reshape" + Arrays.toString(shape);
        }
    }

    /**
     * Token embedding (a lookup table): input {@code [T]} of token ids, output {@code [T, dim]}, row
     * {@code id} of {@code <i>_embedding/embeddings [vocabSize, dim]} for every id. The dataset stores ids
     * as float32 (exact up to 2^24); ids are truncated to integers and clipped to {@code [0, vocabSize)}
     * in the graph, so an id out of range reads the first or last row instead of failing the run.
     */
    record Embedding(int vocabSize, int dim) implements Layer {
        public Embedding {
            require(vocabSize > 0 && vocabSize <= 1 << 24, "embedding vocab_size must be in [1, 2^24], got " + vocabSize);
            require(dim > 0, "embedding dim must be > 0, got " + dim);
        }
    }

    /**
     * Long short-term memory (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000),
     * unrolled over the T steps of a {@code [T, d]} input: {@code z = [x_t, h] W + b} split into the
     * gates in Keras order i, f, c, o; {@code c = sigmoid(f) c + sigmoid(i) tanh(c~)},
     * {@code h = sigmoid(o) tanh(c)}, from {@code h = c = 0}. Parameters {@code <i>_lstm/kernel
     * [d + units, 4 units]} (rows: the input's d, then the recurrent units) and {@code <i>_lstm/bias
     * [4 units]}, whose forget-gate quarter starts at 1 (Jozefowicz et al. 2015). Output
     * {@code [T, units]} when {@code returnSequences}, else the last step's {@code [units]}.
     */
    record LSTM(int units, boolean returnSequences) implements Layer {
        public LSTM {
            require(units > 0, "lstm units must be > 0, got " + units);
        }
    }

    /**
     * Gated recurrent unit (Cho et al. 2014), the original variant with the reset gate applied before
     * the recurrent product (Keras {@code reset_after=False}): {@code z = sigmoid(x Wz + h Uz + bz)},
     * {@code r = sigmoid(x Wr + h Ur + br)}, {@code h~ = tanh(x Wh + (r h) Uh + bh)},
     * {@code h = z h + (1 - z) h~}, from {@code h = 0}. Parameters {@code <i>_gru/kernel [d + units,
     * 3 units]} (rows: input, then recurrent; columns: z, r, h~ as in Keras) and {@code <i>_gru/bias
     * [3 units]}. Output {@code [T, units]} when {@code returnSequences}, else {@code [units]}.
     */
    record GRU(int units, boolean returnSequences) implements Layer {
        public GRU {
            require(units > 0, "gru units must be > 0, got " + units);
        }
    }

    /**
     * Layer normalization over the last axis (Ba et al. 2016):
     * {@code gamma (x - mean) / sqrt(var + epsilon) + beta}, with {@code <i>_layer_norm/gamma [d]}
     * (starts at 1) and {@code <i>_layer_norm/beta [d]} (starts at 0). Any input shape; output the same.
     */
    record LayerNorm(double epsilon) implements Layer {
        public LayerNorm {
            require(epsilon > 0 && epsilon < 1, "layer_norm epsilon must be in (0, 1), got " + epsilon);
        }
    }

    /**
     * Multi-head scaled dot-product self-attention (Vaswani et al. 2017) on a {@code [T, d]} input, output
     * {@code [T, d]}: per head {@code softmax(Q K^T / sqrt(keyDim)) V} with {@code Q = x Wq + bq} etc.,
     * heads concatenated and projected back to d. Parameters, under {@code <i>_attention/}:
     * {@code query/kernel [d, heads keyDim]}, {@code query/bias [heads keyDim]}, the same for
     * {@code key} and {@code value}, {@code output/kernel [heads keyDim, d]}, {@code output/bias [d]}.
     * With {@code causal}, step t attends only to steps {@code <= t}.
     */
    record MultiHeadSelfAttention(int heads, int keyDim, boolean causal) implements Layer {
        public MultiHeadSelfAttention {
            require(heads > 0, "multi_head_attention heads must be > 0, got " + heads);
            require(keyDim > 0, "multi_head_attention key_dim must be > 0, got " + keyDim);
        }

        public MultiHeadSelfAttention(int heads, int keyDim) {
            this(heads, keyDim, false);
        }
    }

    /**
     * Adds the fixed sinusoidal position encoding of Vaswani et al. 2017 to a {@code [T, d]} input:
     * {@code PE(t, 2j) = sin(t / 10000^(2j/d))}, {@code PE(t, 2j+1) = cos(t / 10000^(2j/d))}. No parameters.
     */
    record PositionalEncoding() implements Layer {
    }

    /**
     * One post-LN Transformer encoder block as in Vaswani et al. 2017 on a {@code [T, d]} input:
     * {@code x = LayerNorm(x + Dropout(SelfAttention(x)))}, then
     * {@code x = LayerNorm(x + Dropout(relu(x W1 + b1) W2 + b2))}; {@code heads} must divide d and each head
     * has {@code d / heads} dimensions; layer norms use epsilon {@value #EPSILON}. Parameters, under
     * {@code <i>_transformer_encoder/}: {@code attention/...} (as {@link MultiHeadSelfAttention}),
     * {@code attention_norm/gamma, beta [d]}, {@code ffn1/kernel [d, ffDim]}, {@code ffn1/bias [ffDim]},
     * {@code ffn2/kernel [ffDim, d]}, {@code ffn2/bias [d]}, {@code ffn_norm/gamma, beta [d]}.
     */
    record TransformerEncoder(int heads, int ffDim, double dropout) implements Layer {
        /** Epsilon of the block's layer norms. */
        public static final double EPSILON = 1e-5;

        public TransformerEncoder {
            require(heads > 0, "transformer_encoder heads must be > 0, got " + heads);
            require(ffDim > 0, "transformer_encoder ff_dim must be > 0, got " + ffDim);
            require(dropout >= 0 && dropout < 1, "transformer_encoder dropout must be in [0, 1), got " + dropout);
        }
    }

    /** Mean over the T steps: {@code [T, d] -> [d]}. */
    record GlobalAveragePooling1D() implements Layer {
    }

    /** Maximum over the T steps: {@code [T, d] -> [d]}. */
    record GlobalMaxPooling1D() implements Layer {
    }

    enum Activation { LINEAR, RELU, TANH, SIGMOID }

    enum Padding { SAME, VALID }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
