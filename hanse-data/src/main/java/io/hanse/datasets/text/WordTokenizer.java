package io.hanse.datasets.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Splits review text into word tokens, deterministically and without any data-dependent state (so every client and
 * the server tokenize alike):
 * <ol>
 *   <li>HTML line breaks ({@code <br />}, {@code <br/>}, {@code <br>}, any case) become spaces, as do other HTML
 *       tags ({@code <i>}, {@code </b>}, ...);</li>
 *   <li>the text is normalised to Unicode NFKC and lower-cased with {@link Locale#ROOT};</li>
 *   <li>a token is a maximal run of letters, digits (any script) and apostrophes ({@code '} and the typographic
 *       {@code U+2019}, which becomes {@code '}), letters keeping their combining marks; apostrophes at either end of a
 *       token are dropped ({@code 'tis} becomes {@code tis}, {@code don't} stays), and a token of apostrophes only is
 *       no token. Everything else
 *       (punctuation, symbols, white space) separates tokens.</li>
 * </ol>
 * Empty or blank text has no tokens.
 */
public final class WordTokenizer {

    private static final Pattern HTML_TAG = Pattern.compile("<\\s*/?\\s*[a-zA-Z][^<>]{0,200}>");

    private WordTokenizer() {
    }

    /** The tokens of {@code text}, in order. */
    public static List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        String s = HTML_TAG.matcher(text).replaceAll(" ");
        s = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder token = new StringBuilder();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK
                    || Character.getType(cp) == Character.COMBINING_SPACING_MARK) {
                token.appendCodePoint(cp);
            } else if (cp == '\'' || cp == '\u2019') {
                token.append('\'');
            } else {
                flush(token, out);
            }
        }
        flush(token, out);
        return out;
    }

    private static void flush(StringBuilder token, List<String> out) {
        int start = 0;
        int end = token.length();
        while (start < end && token.charAt(start) == '\'') {
            start++;
        }
        while (end > start && token.charAt(end - 1) == '\'') {
            end--;
        }
        if (end > start) {
            out.add(token.substring(start, end));
        }
        token.setLength(0);
    }
}
