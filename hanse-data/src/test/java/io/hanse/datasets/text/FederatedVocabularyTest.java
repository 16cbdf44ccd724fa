package io.hanse.datasets.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FederatedVocabularyTest {

    private static final FederatedVocabulary.Settings ALL = new FederatedVocabulary.Settings(100, 100, 1, 1);

    @Test
    void clientReportCountsDocumentFrequencyOfItsTopWordsOnly() {
        // Execute
        FederatedVocabulary.ClientReport r = FederatedVocabulary.ClientReport.count(
                List.of("good good film", "good plot", "bad film", "rare"), new FederatedVocabulary.Settings(100, 2, 1, 1));

        // Assert: document frequency (good: 2 documents, not 3 occurrences), top 2 by count then word
        assertEquals(Map.of("good", 2, "film", 2), r.counts());
        assertEquals(List.of("film", "good"), List.copyOf(r.counts().keySet()));
    }

    @Test
    void clientDropsWordsInFewerThanMinDocuments() {
        FederatedVocabulary.ClientReport r = FederatedVocabulary.ClientReport.count(
                List.of("a b", "a c", "a b"), new FederatedVocabulary.Settings(100, 100, 2, 1));
        assertEquals(Map.of("a", 3, "b", 2), r.counts());
    }

    @Test
    void serverKeepsTheTopWordsOfTheSummedCounts() {
        // Prepare
        List<FederatedVocabulary.ClientReport> reports = List.of(
                FederatedVocabulary.ClientReport.of(Map.of("the", 10, "film", 3, "plot", 1)),
                FederatedVocabulary.ClientReport.of(Map.of("the", 7, "plot", 4, "actor", 2)),
                FederatedVocabulary.ClientReport.of(Map.of("film", 1, "actor", 3)));

        // Execute
        Vocabulary v = FederatedVocabulary.aggregate(reports, new FederatedVocabulary.Settings(5, 100, 1, 1));

        // Assert: merged the 17, plot 5, actor 5, film 4 -> 3 words fit in 5 ids; the tie plot/actor by word
        assertEquals(List.of("the", "actor", "plot"), v.words());
        assertEquals(5, v.size());
        assertEquals(2, v.id("the"));
        assertEquals(Vocabulary.OOV, v.id("film"));
    }

    @Test
    void serverRespectsTheMinimumNumberOfClients() {
        // Prepare: "secret" is frequent but only at one client
        List<FederatedVocabulary.ClientReport> reports = List.of(
                FederatedVocabulary.ClientReport.of(Map.of("secret", 100, "film", 1)),
                FederatedVocabulary.ClientReport.of(Map.of("film", 1, "good", 5)),
                FederatedVocabulary.ClientReport.of(Map.of("good", 1)));

        // Execute
        Vocabulary two = FederatedVocabulary.aggregate(reports, new FederatedVocabulary.Settings(100, 100, 1, 2));
        Vocabulary one = FederatedVocabulary.aggregate(reports, ALL);

        // Assert
        assertEquals(List.of("good", "film"), two.words());
        assertEquals(List.of("secret", "good", "film"), one.words());
    }

    @Test
    void theServerApiTakesReportsNeverText() {
        // Assert: every public way to aggregate takes reports; a report exposes counts only
        for (Method m : FederatedVocabulary.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers())) {
                assertFalse(Arrays.stream(m.getParameterTypes()).anyMatch(t -> t == String.class || t == Iterable.class),
                        m.toString());
            }
        }
        for (Method m : FederatedVocabulary.ClientReport.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
                assertEquals(Map.class, m.getReturnType(), m.toString());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> FederatedVocabulary.ClientReport.of(Map.of("x", 0)));
    }

    @Test
    void encodingPadsAtTheStartAndKeepsTheLastTokens() {
        // Prepare
        Vocabulary v = new Vocabulary(List.of("good", "film"), 10);

        // Execute / Assert
        assertArrayEquals(new int[] {0, 0, 2, 1, 3}, v.encode(List.of("good", "unknown", "film"), 5));
        assertArrayEquals(new int[] {1, 3}, v.encode(List.of("good", "bad", "film"), 2));
        assertArrayEquals(new int[] {0, 0, 0}, v.encode(List.of(), 3));
        assertThrows(IllegalArgumentException.class, () -> new Vocabulary(List.of("a", "b"), 3));
    }
}
