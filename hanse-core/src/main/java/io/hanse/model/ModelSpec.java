package io.hanse.model;

import io.hanse.core.ParameterLayout;
import io.hanse.core.TensorSpec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model described as data: input shape, layers and loss. The same spec builds the same model in any
 * engine, and {@link #layout()} gives its parameters' names and shapes without an engine, so a server
 * can initialise and check parameters without ever loading TensorFlow.
 *
 * <p>Parameter names are {@code <layer index>_<kind>/kernel} and {@code .../bias}, in layer order,
 * kernel before bias; dense kernels are {@code [in, units]} and convolution kernels
 * {@code [k, k, in_channels, filters]}. Other layers name theirs as their javadoc in {@link Layer} says
 * ({@code <i>_embedding/embeddings}, {@code <i>_layer_norm/gamma}, {@code <i>_attention/query/kernel},
 * {@code <i>_transformer_encoder/ffn1/kernel}, ...).
 */
public record ModelSpec(String name, int[] inputShape, List<Layer> layers, Loss loss) {

    public ModelSpec {
        inputShape = inputShape.clone();
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("model '" + name + "' has no layers");
        }
        if (!(layers.get(layers.size() - 1) instanceof Layer.Dense last)) {
            throw new IllegalArgumentException("model '" + name + "': the last layer must be dense (it produces the outputs)");
        }
        if (loss == Loss.MEAN_SQUARED_ERROR && last.units() != 1) {
            throw new IllegalArgumentException("model '" + name + "': mean squared error needs 1 output, last dense has " + last.units());
        }
        if (loss != Loss.MEAN_SQUARED_ERROR && last.units() < 2) {
            throw new IllegalArgumentException("model '" + name + "': softmax cross-entropy needs at least 2 outputs, last dense has " + last.units());
        }
        List<int[]> shapes = inferShapes(name, inputShape, layers);
        if (loss == Loss.NEXT_TOKEN_CROSS_ENTROPY) {
            int[] out = shapes.get(shapes.size() - 1);
            if (inputShape.length != 1 || !last.perStep() || out.length != 2 || out[0] != inputShape[0]) {
                throw new IllegalArgumentException("model '" + name + "': next-token cross-entropy needs a sequence of token ids as "
                        + "input ([T]) and a per-step dense output of shape [T, tokens]; got input " + Arrays.toString(inputShape)
                        + " and output " + Arrays.toString(out) + (last.perStep() ? "" : " (the last dense layer is not per_step)"));
            }
            if (layers.get(0) instanceof Layer.Embedding e && e.vocabSize() > last.units()) {
                // the targets are input tokens: each needs an output, or it would be clipped to another token
                throw new IllegalArgumentException("model '" + name + "': next-token cross-entropy predicts the input tokens, but the "
                        + "embedding has " + e.vocabSize() + " token ids and the output only " + last.units());
            }
        } else if (last.perStep()) {
            throw new IllegalArgumentException("model '" + name + "': a per-step dense output layer needs loss next_token "
                    + "(one prediction per position); with " + loss + " the last dense layer must see the whole input");
        }
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** Number of input values per example. */
    public int inputSize() {
        return product(inputShape);
    }

    /** Units of the last layer: classes for classification, 1 for regression. */
    public int numOutputs() {
        return ((Layer.Dense) layers.get(layers.size() - 1)).units();
    }

    /** Names and shapes of the trainable parameters, in the order every engine must use. */
    public ParameterLayout layout() {
        List<TensorSpec> tensors = new ArrayList<>();
        List<int[]> shapes = inferShapes(name, inputShape, layers);
        for (int i = 0; i < layers.size(); i++) {
            int[] in = shapes.get(i);
            Layer layer = layers.get(i);
            if (layer instanceof Layer.Dense d) {
                // a per-step dense layer shares one [d, units] kernel across the positions of a [T, d] sequence
                tensors.add(TensorSpec.of(i + "_dense/kernel", d.perStep() ? in[in.length - 1] : product(in), d.units()));
                tensors.add(TensorSpec.of(i + "_dense/bias", d.units()));
            } else if (layer instanceof Layer.Conv2D c) {
                tensors.add(TensorSpec.of(i + "_conv2d/kernel", c.kernelSize(), c.kernelSize(), in[2], c.filters()));
                tensors.add(TensorSpec.of(i + "_conv2d/bias", c.filters()));
            } else if (layer instanceof Layer.Embedding e) {
                tensors.add(TensorSpec.of(i + "_embedding/embeddings", e.vocabSize(), e.dim()));
            } else if (layer instanceof Layer.LSTM r) {
                tensors.add(TensorSpec.of(i + "_lstm/kernel", in[1] + r.units(), 4 * r.units()));
                tensors.add(TensorSpec.of(i + "_lstm/bias", 4 * r.units()));
            } else if (layer instanceof Layer.GRU r) {
                tensors.add(TensorSpec.of(i + "_gru/kernel", in[1] + r.units(), 3 * r.units()));
                tensors.add(TensorSpec.of(i + "_gru/bias", 3 * r.units()));
            } else if (layer instanceof Layer.LayerNorm) {
                normTensors(tensors, i + "_layer_norm", in[in.length - 1]);
            } else if (layer instanceof Layer.MultiHeadSelfAttention a) {
                attentionTensors(tensors, i + "_attention", in[1], a.heads() * a.keyDim());
            } else if (layer instanceof Layer.TransformerEncoder t) {
                String prefix = i + "_transformer_encoder/";
                int d = in[1];
                attentionTensors(tensors, prefix + "attention", d, d);
                normTensors(tensors, prefix + "attention_norm", d);
                tensors.add(TensorSpec.of(prefix + "ffn1/kernel", d, t.ffDim()));
                tensors.add(TensorSpec.of(prefix + "ffn1/bias", t.ffDim()));
                tensors.add(TensorSpec.of(prefix + "ffn2/kernel", t.ffDim(), d));
                tensors.add(TensorSpec.of(prefix + "ffn2/bias", d));
                normTensors(tensors, prefix + "ffn_norm", d);
            }
        }
        return new ParameterLayout(tensors);
    }

    private static void normTensors(List<TensorSpec> tensors, String prefix, int d) {
        tensors.add(TensorSpec.of(prefix + "/gamma", d));
        tensors.add(TensorSpec.of(prefix + "/beta", d));
    }

    /** Query, key, value and output projections of self-attention on {@code d} features, {@code hk = heads * keyDim}. */
    private static void attentionTensors(List<TensorSpec> tensors, String prefix, int d, int hk) {
        for (String p : new String[]{"query", "key", "value"}) {
            tensors.add(TensorSpec.of(prefix + "/" + p + "/kernel", d, hk));
            tensors.add(TensorSpec.of(prefix + "/" + p + "/bias", hk));
        }
        tensors.add(TensorSpec.of(prefix + "/output/kernel", hk, d));
        tensors.add(TensorSpec.of(prefix + "/output/bias", d));
    }

    /** True if the model has recurrent or attention layers, whose graphs grow with the sequence length. */
    public boolean hasSequenceLayers() {
        return layers.stream().anyMatch(l -> l instanceof Layer.LSTM || l instanceof Layer.GRU
                || l instanceof Layer.MultiHeadSelfAttention || l instanceof Layer.TransformerEncoder);
    }

    /** Total number of trainable values. */
    public int numParameters() {
        return layout().totalSize();
    }

    /** Input shape of every layer, then the output shape; fails naming the layer whose input does not fit. */
    public List<int[]> shapes() {
        return inferShapes(name, inputShape, layers);
    }

    private static List<int[]> inferShapes(String model, int[] input, List<Layer> layers) {
        List<int[]> shapes = new ArrayList<>();
        int[] shape = input.clone();
        for (int i = 0; i < layers.size(); i++) {
            shapes.add(shape);
            Layer layer = layers.get(i);
            String where = "model '" + model + "' layer " + i + " (" + layer + ") with input " + Arrays.toString(shape);
            if (layer instanceof Layer.Dense d && d.perStep()) {
                if (shape.length != 2) {
                    throw new IllegalArgumentException(where + ": a per-step dense layer needs a [T, d] sequence");
                }
                shape = new int[]{shape[0], d.units()};
            } else if (layer instanceof Layer.Dense d) {
                shape = new int[]{d.units()};
            } else if (layer instanceof Layer.Conv2D c) {
                requireImage(where, shape);
                shape = new int[]{outSize(shape[0], c.kernelSize(), c.stride(), c.padding(), where),
                        outSize(shape[1], c.kernelSize(), c.stride(), c.padding(), where), c.filters()};
            } else if (layer instanceof Layer.MaxPool2D p) {
                requireImage(where, shape);
                shape = new int[]{outSize(shape[0], p.poolSize(), p.stride(), Layer.Padding.VALID, where),
                        outSize(shape[1], p.poolSize(), p.stride(), Layer.Padding.VALID, where), shape[2]};
            } else if (layer instanceof Layer.Flatten) {
                shape = new int[]{product(shape)};
            } else if (layer instanceof Layer.Reshape r) {
                if (product(r.shape()) != product(shape)) {
                    throw new IllegalArgumentException(where + ": cannot reshape " + product(shape) + " values to " + Arrays.toString(r.shape()));
                }
                shape = r.shape();
            } else if (layer instanceof Layer.Embedding e) {
                if (shape.length != 1) {
                    throw new IllegalArgumentException(where + ": an embedding needs a [T] input of token ids; add a flatten or reshape layer");
                }
                shape = new int[]{shape[0], e.dim()};
            } else if (layer instanceof Layer.LSTM r) {
                requireSequence(where, shape);
                shape = r.returnSequences() ? new int[]{shape[0], r.units()} : new int[]{r.units()};
            } else if (layer instanceof Layer.GRU r) {
                requireSequence(where, shape);
                shape = r.returnSequences() ? new int[]{shape[0], r.units()} : new int[]{r.units()};
            } else if (layer instanceof Layer.MultiHeadSelfAttention || layer instanceof Layer.PositionalEncoding) {
                requireSequence(where, shape);
            } else if (layer instanceof Layer.TransformerEncoder t) {
                requireSequence(where, shape);
                if (shape[1] % t.heads() != 0) {
                    throw new IllegalArgumentException(where + ": " + t.heads() + " heads do not divide the " + shape[1]
                            + " features; each head gets features / heads dimensions");
                }
            } else if (layer instanceof Layer.GlobalAveragePooling1D || layer instanceof Layer.GlobalMaxPooling1D) {
                requireSequence(where, shape);
                shape = new int[]{shape[1]};
            } else if (!(layer instanceof Layer.Dropout || layer instanceof Layer.LayerNorm)) {
                throw new IllegalArgumentException(where + ": unknown layer");
            }
        }
        shapes.add(shape);
        return shapes;
    }

    private static void requireSequence(String where, int[] shape) {
        if (shape.length != 2) {
            throw new IllegalArgumentException(where + ": needs a steps x features [T, d] input"
                    + (shape.length == 1 ? "; add an embedding (token ids) or a reshape layer" : "; add a reshape layer"));
        }
    }

    private static void requireImage(String where, int[] shape) {
        if (shape.length != 3) {
            throw new IllegalArgumentException(where + ": needs a height x width x channels input; add a reshape layer");
        }
    }

    private static int outSize(int in, int k, int stride, Layer.Padding padding, String where) {
        // VALID: the window must fit at least once; (in - k) / stride truncates towards zero, so check in < k first
        int out = padding == Layer.Padding.SAME ? (in + stride - 1) / stride : in < k ? 0 : (in - k) / stride + 1;
        if (out <= 0) {
            throw new IllegalArgumentException(where + ": window " + k + " does not fit input size " + in);
        }
        return out;
    }

    static int product(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec m && m.name.equals(name) && Arrays.equals(m.inputShape, inputShape)
                && m.layers.equals(layers) && m.loss == loss;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + layers.hashCode();
    }
}
