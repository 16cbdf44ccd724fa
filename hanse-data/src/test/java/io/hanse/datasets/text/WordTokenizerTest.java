package io.hanse.datasets.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {

    @Test
    void lowercasesAndSplitsOnPunctuation() {
        assertEquals(List.of("a", "great", "film", "10", "10", "would", "watch", "again"),
                WordTokenizer.tokenize("A GREAT film!!! 10/10... would watch, again?"));
    }

    @Test
    void keepsInnerApostrophesAndDropsOuterOnes() {
        assertEquals(List.of("don't", "it's", "tis", "the", "actors"),
                WordTokenizer.tokenize("Don't -- it's 'tis \"the actors'\""));
        assertEquals(List.of("don't"), WordTokenizer.tokenize("don\u2019t"));
        assertEquals(List.of(), WordTokenizer.tokenize("''' ' ''"));
    }

    @Test
    void stripsHtmlLineBreaksAndTags() {
        assertEquals(List.of("first", "line", "second", "line", "bold"),
                WordTokenizer.tokenize("First line.<br /><br />Second line<BR>  <b>bold</b>"));
        assertEquals(List.of("end", "start"), WordTokenizer.tokenize("end<br/>start"));
    }

    @Test
    void handlesUnicodeLettersDigitsAndCompatibilityForms() {
        assertEquals(List.of("café", "naïve", "東京", "straße", "fi", "x2"),
                WordTokenizer.tokenize("Café NAÏVE 東京 STRASSE? no: Straße \uFB01 x\u00B2").stream()
                        .filter(t -> !t.equals("strasse") && !t.equals("no")).toList());
        // NFKC: the ligature becomes "fi" and the superscript a digit; decomposed e + combining acute is normalised to the composed form
        assertEquals(List.of("café"), WordTokenizer.tokenize("cafe\u0301"));
    }

    @Test
    void emptyAndBlankTextHaveNoTokens() {
        assertEquals(List.of(), WordTokenizer.tokenize(""));
        assertEquals(List.of(), WordTokenizer.tokenize("   \t\n "));
        assertEquals(List.of(), WordTokenizer.tokenize(null));
        assertEquals(List.of(), WordTokenizer.tokenize("<br /><br />!?"));
    }

    @Test
    void isDeterministic() {
        String s = "It was the best of times, it was the worst of times.<br />";
        assertEquals(WordTokenizer.tokenize(s), WordTokenizer.tokenize(s));
    }
}
