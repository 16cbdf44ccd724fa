package io.hanse.datasets.text;

/**
 * The fixed character vocabulary of LEAF's Shakespeare task (Caldas et al. 2018, {@code ALL_LETTERS} in
 * {@code leaf/models/utils/language_utils.py}): 80 characters with ids 0..79 in the order of {@link #LETTERS}, plus one
 * out-of-vocabulary id, {@link #OOV} = 80, for every other character. It needs no data at all, so no client reveals
 * anything by using it and every client and the server agree on it without an exchange.
 */
public final class CharVocabulary {

    /** LEAF's 80 characters; a character's id is its index here. */
    public static final String LETTERS =
            "\n !\"&'(),-.0123456789:;>?ABCDEFGHIJKLMNOPQRSTUVWXYZ[]abcdefghijklmnopqrstuvwxyz}";
    /** Id of any character not in {@link #LETTERS}. */
    public static final int OOV = LETTERS.length();
    /** Number of ids: the 80 letters and the out-of-vocabulary id (the number of classes of next-character prediction). */
    public static final int SIZE = OOV + 1;

    private static final int[] ASCII = new int[128];

    static {
        java.util.Arrays.fill(ASCII, OOV);
        for (int i = 0; i < LETTERS.length(); i++) {
            ASCII[LETTERS.charAt(i)] = i;
        }
    }

    private CharVocabulary() {
    }

    /** The id of {@code c}: its index in {@link #LETTERS}, or {@link #OOV}. */
    public static int id(char c) {
        return c < 128 ? ASCII[c] : OOV;
    }

    /** The character of {@code id}; {@code '\uFFFD'} for {@link #OOV}. */
    public static char character(int id) {
        if (id < 0 || id > OOV) {
            throw new IllegalArgumentException("character id " + id + " outside [0, " + OOV + "]");
        }
        return id == OOV ? '\uFFFD' : LETTERS.charAt(id);
    }

    /** The ids of {@code text}'s characters. */
    public static int[] encode(CharSequence text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = id(text.charAt(i));
        }
        return ids;
    }
}
