package io.hanse.datasets.text;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A word vocabulary: id {@link #PAD} (0) is padding, {@link #OOV} (1) any word not in it, and its words have ids
 * {@code 2, 3, ...} in the order given (most frequent first, from {@link FederatedVocabulary}). {@link #size()}, the
 * number of ids an embedding table needs, is fixed when the vocabulary is made and may exceed the words + 2 (ids
 * nobody uses), so that the model's shape follows from the configuration alone.
 */
public final class Vocabulary {

    /** Padding id. */
    public static final int PAD = 0;
    /** Out-of-vocabulary id. */
    public static final int OOV = 1;
    /** Ids before the first word. */
    public static final int RESERVED = 2;

    private final List<String> words;
    private final Map<String, Integer> ids;
    private final int size;

    /**
     * @param words distinct words, id {@code 2 + index}
     * @param size  number of ids, at least {@code words.size() + 2}
     */
    public Vocabulary(List<String> words, int size) {
        this.words = List.copyOf(words);
        if (size < this.words.size() + RESERVED) {
            throw new IllegalArgumentException("size " + size + " is smaller than " + this.words.size() + " words + 2 reserved ids");
        }
        this.size = size;
        this.ids = new HashMap<>(this.words.size() * 2);
        for (int i = 0; i < this.words.size(); i++) {
            if (ids.put(this.words.get(i), RESERVED + i) != null) {
                throw new IllegalArgumentException("word '" + this.words.get(i) + "' appears twice");
            }
        }
    }

    /** Number of ids (padding, out-of-vocabulary and words, plus any unused ids): an embedding's input dimension. */
    public int size() {
        return size;
    }

    /** The words, id {@code 2 + index}. */
    public List<String> words() {
        return words;
    }

    /** The id of {@code word}, or {@link #OOV}. */
    public int id(String word) {
        return ids.getOrDefault(word, OOV);
    }

    /**
     * The ids of {@code tokens} as a sequence of exactly {@code length}: a longer sequence keeps its <em>last</em>
     * {@code length} tokens (the ending of a review, where its verdict often is; Keras's {@code truncating="pre"}),
     * a shorter one is padded with {@link #PAD} at the <em>start</em> ("pre" padding), so that a recurrent model's
     * last state follows real tokens.
     */
    public int[] encode(List<String> tokens, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("length must be >= 1, got " + length);
        }
        int[] out = new int[length];
        int n = Math.min(tokens.size(), length);
        int from = tokens.size() - n;
        for (int k = 0; k < n; k++) {
            out[length - n + k] = id(tokens.get(from + k));
        }
        return out;
    }
}
