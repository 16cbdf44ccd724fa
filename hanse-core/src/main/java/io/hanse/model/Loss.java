package io.hanse.model;

/** Training objective of a model; the last layer's outputs are its logits or predictions. */
public enum Loss {
    /** Multi-class classification: softmax over the outputs, cross-entropy with the label. */
    SOFTMAX_CROSS_ENTROPY,
    /** Regression on one output: mean squared error with the target. */
    MEAN_SQUARED_ERROR,
    /**
     * Language modelling: the input is a sequence of {@code T} token ids and the model predicts, at every position,
     * the token that follows it (softmax cross-entropy per position, averaged over the {@code T} positions). The
     * targets need no extra data: position {@code t < T-1} must predict input {@code t+1}, and the last position the
     * example's label (the token after the window). So a dataset of windows labelled with their next token (LEAF's
     * Shakespeare format) trains on all {@code T} predictions of each window, as the character LSTM of McMahan et al.
     * 2017 does with its unroll length of 80, instead of only the last one. Accuracy counts correct positions.
     * The last layer must be a {@link Layer.Dense#perStep per-step} dense layer with one output per token.
     */
    NEXT_TOKEN_CROSS_ENTROPY
}
