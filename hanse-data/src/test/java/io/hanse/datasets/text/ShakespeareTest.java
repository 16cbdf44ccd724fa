package io.hanse.datasets.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hanse.data.Dataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parser and the examples on a small play the project wrote itself, in the Folger file's format. */
class ShakespeareTest {

    /** Two works in the format of folger-shakespeare-library.txt: a play, then a poem (which has no roles). */
    static final String SNIPPET = String.join("\r\n",
            "Hanse Test Library",
            "A header that is not a play",
            "",
            "****",
            "",
            "The Tragedy of Testing",
            "",
            "Characters in the Play",
            "======================",
            "KING, who speaks in the list and must not count",
            "FOOL",
            "",
            "",
            "ACT 1",
            "=====",
            "",
            "Scene 1",
            "=======",
            "[Enter King and Fool, with",
            "attendants.]",
            "",
            "",
            "KING",
            "Hark, the build is green again;",
            "Let every test be run.",
            "",
            "FOOL  Nay, nuncle, run them twice,",
            "for once is luck.\t[He capers.]",
            "",
            "KING, [to the Fool]  Peace, thou knave.",
            "",
            "[Fool exits.]",
            "",
            "And yet he speaks the truth.",
            "",
            "Scene 2",
            "=======",
            "[Enter Fool.]",
            "",
            "",
            "FOOL [sings]",
            "\tHey, ho, the wind and the rain,",
            "\tA flaky test comes back again.",
            "",
            "",
            "EPILOGUE",
            "========",
            "",
            "Our play is done; no more we say.",
            "",
            "****",
            "",
            "A Little Poem",
            "",
            "Let the bird of loudest lay",
            "On the sole tree sing.",
            "");

    @Test
    void parsesRolesPlaysAndLinesInOrderAcrossCrlfAndStageDirections() {
        // Execute
        List<Shakespeare.Role> roles = Shakespeare.parse(SNIPPET);

        // Assert
        assertEquals(2, roles.size(), roles.toString());
        Shakespeare.Role king = roles.get(0);
        Shakespeare.Role fool = roles.get(1);
        assertEquals("The Tragedy of Testing", king.play());
        assertEquals("KING", king.name());
        assertEquals(List.of("Hark, the build is green again;", "Let every test be run.", "Peace, thou knave.",
                "And yet he speaks the truth."), king.lines());
        assertEquals("FOOL", fool.name());
        assertEquals(List.of("Nay, nuncle, run them twice,", "for once is luck.", "Hey, ho, the wind and the rain,",
                "A flaky test comes back again."), fool.lines());
        for (Shakespeare.Role r : roles) {
            for (String line : r.lines()) {
                assertFalse(line.contains("\r") || line.contains("[") || line.contains("]"), line);
            }
        }
        assertEquals("Nay, nuncle, run them twice, for once is luck. Hey, ho, the wind and the rain, A flaky test comes back again.",
                fool.text());
    }

    @Test
    void lfAndCrlfGiveTheSameRoles() {
        // Execute / Assert
        assertEquals(Shakespeare.parse(SNIPPET), Shakespeare.parse(SNIPPET.replace("\r\n", "\n")));
    }

    @Test
    void windowsHoldCharacterIdsAndTheNextCharacterAsLabel() {
        // Prepare
        Shakespeare.Role role = new Shakespeare.Role("P", "R", List.of("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
        Shakespeare.Options o = Shakespeare.Options.defaults().withSeqLength(5).withMinSamples(1).withTestFraction(0.2);
        String text = role.text();   // 53 characters

        // Execute
        Shakespeare.ClientData data = Shakespeare.clientData(role, o);

        // Assert: W = 48 positions, T = floor(48 * 0.8) = 38 training windows, test windows start at 38 + 5 = 43
        assertEquals(53, text.length());
        assertEquals(38, data.train().size());
        assertEquals(5, data.test().size());
        assertEquals(CharVocabulary.SIZE, data.train().numClasses());
        assertArrayEquals(new int[] {5}, data.train().featureShape());
        float[] x = new float[5];
        for (int k = 0; k < data.train().size(); k++) {
            data.train().copyFeatures(k, x, 0);
            for (int j = 0; j < 5; j++) {
                assertEquals(CharVocabulary.id(text.charAt(k + j)), (int) x[j]);
            }
            assertEquals(CharVocabulary.id(text.charAt(k + 5)), data.train().label(k));
        }
        data.test().copyFeatures(0, x, 0);
        assertEquals(CharVocabulary.id(text.charAt(43)), (int) x[0]);
        assertEquals(CharVocabulary.id(text.charAt(48)), data.test().label(0));
        // no test window shares a character with a training window: last training label at 37 + 5 = 42 < 43
    }

    @Test
    void strideCapAndMinimaSelectExamplesAndClientsDeterministically() {
        // Prepare
        List<Shakespeare.Role> roles = Shakespeare.parse(SNIPPET);
        Shakespeare.Options o = Shakespeare.Options.defaults().withSeqLength(10).withMinSamples(1).withMinLines(1);

        // Execute
        Shakespeare.Federation all = Shakespeare.federate(roles, o);
        Shakespeare.Federation strided = Shakespeare.federate(roles, o.withStride(3));
        Shakespeare.Federation capped = Shakespeare.federate(roles, o.withMaxSamplesPerClient(7).withSeed(5));
        Shakespeare.Federation cappedAgain = Shakespeare.federate(roles, o.withMaxSamplesPerClient(7).withSeed(5));
        Shakespeare.Federation oneClient = Shakespeare.federate(roles, o.withMaxClients(1));
        Shakespeare.Federation none = Shakespeare.federate(roles, o.withMinSamples(1000));

        // Assert
        assertEquals(2, all.clients().size());
        assertEquals(all.train().size(), all.trainPartitions()[0].length + all.trainPartitions()[1].length);
        int kingWindows = (int) Math.floor((roles.get(0).text().length() - 10) * 0.9);
        assertEquals(kingWindows, all.trainPartitions()[0].length);
        assertEquals((kingWindows + 2) / 3, strided.trainPartitions()[0].length);
        assertEquals(7, capped.trainPartitions()[0].length);
        assertEquals(7, capped.trainPartitions()[1].length);
        assertArrayEquals(capped.train().labels(), cappedAgain.train().labels());
        assertEquals(1, oneClient.clients().size());
        assertEquals(0, none.clients().size());
        // a client's data alone equals its part of the federation
        Dataset alone = Shakespeare.clientData(capped.clients().get(1), o.withMaxSamplesPerClient(7).withSeed(5)).train();
        assertArrayEquals(capped.train().view(capped.trainPartitions()[1]).labels(), alone.labels());
        assertEquals(Shakespeare.testSet(capped.clients(), o.withMaxSamplesPerClient(7).withSeed(5)).size(), capped.test().size());
    }

    @Test
    void vocabularyIsLeafsEightyCharactersPlusOutOfVocabulary() {
        // Execute / Assert
        assertEquals(80, CharVocabulary.LETTERS.length());
        assertEquals(81, CharVocabulary.SIZE);
        assertEquals(0, CharVocabulary.id('\n'));
        assertEquals(1, CharVocabulary.id(' '));
        assertEquals(CharVocabulary.LETTERS.indexOf('a'), CharVocabulary.id('a'));
        assertEquals(79, CharVocabulary.id('}'));
        assertEquals(CharVocabulary.OOV, CharVocabulary.id('/'));
        assertEquals(CharVocabulary.OOV, CharVocabulary.id('é'));
        assertEquals('K', CharVocabulary.character(CharVocabulary.id('K')));
    }

    @Test
    void parsesAFileAndLocatesIt(@TempDir Path tmp) throws IOException {
        // Prepare
        Path dir = Files.createDirectories(tmp.resolve("shakespeare"));
        Files.writeString(dir.resolve(Shakespeare.FILE), SNIPPET, StandardCharsets.US_ASCII);

        // Execute
        Path file = Shakespeare.locate(tmp, new io.hanse.datasets.DataDirectory(java.util.Map.of(), tmp));

        // Assert
        assertEquals(dir.resolve(Shakespeare.FILE), file);
        assertEquals(2, Shakespeare.parse(file).size());
    }

    /** The real text, where a developer fetched it into $HANSE_DATA_DIR or ./data (never committed). */
    @Test
    void realTextHasThirtyEightPlaysAndLeafLikeRoleCounts() throws IOException {
        // Prepare
        Path file = null;
        for (Path root : List.of(Path.of(String.valueOf(System.getenv("HANSE_DATA_DIR"))), Path.of("..", "data"), Path.of("data"))) {
            Path f = root.resolve(Shakespeare.NAME).resolve(Shakespeare.FILE);
            if (Files.isRegularFile(f)) {
                file = f;
                break;
            }
        }
        assumeTrue(file != null, "skipped: the Shakespeare text is not fetched (./hanse data fetch shakespeare; CC BY-NC, never committed)");

        // Execute
        List<Shakespeare.Role> roles = Shakespeare.parse(file);
        List<Shakespeare.Role> clients = Shakespeare.select(roles, Shakespeare.Options.defaults());

        // Assert
        assertEquals(38, roles.stream().map(Shakespeare.Role::play).distinct().count());
        assertEquals(1406, roles.size());
        assertEquals(1098, clients.size());
        assertTrue(clients.stream().anyMatch(r -> r.play().equals("Hamlet") && r.name().equals("HAMLET")));
    }
}
