package io.hanse.datasets.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hanse.data.Dataset;
import io.hanse.partition.IidPartitioner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImdbTest {

    @TempDir
    Path tmp;

    private Path gz(String json) throws IOException {
        Path f = tmp.resolve("imdb-reviews.json.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        }
        return f;
    }

    @Test
    void loadsAGzipFixtureWithEscapesAndUnicode() throws IOException {
        // Prepare
        Path f = gz("[ {\"t\":\"Great \\\"fun\\\"<br />Caf\\u00e9 \\ud83d\\ude00 \u00fcber\",\"s\":1},\n"
                + "{\"s\":0,\"t\":\"Bad.\\nAwful\",\"extra\":[1,{\"a\":\"]\"}]} ]");

        // Execute
        List<Imdb.Review> reviews = Imdb.load(f);

        // Assert
        assertEquals(2, reviews.size());
        assertEquals(new Imdb.Review("Great \"fun\"<br />Café \uD83D\uDE00 über", 1), reviews.get(0));
        assertEquals(new Imdb.Review("Bad.\nAwful", 0), reviews.get(1));
    }

    @Test
    void malformedFilesAreRejectedSayingWhere() throws IOException {
        IOException e = assertThrows(IOException.class, () -> Imdb.load(gz("[{\"t\":\"x\",\"s\":2}]")));
        assertTrue(e.getMessage().contains("expected 0 or 1"), e.getMessage());
        e = assertThrows(IOException.class, () -> Imdb.load(gz("[{\"t\":\"x\"}]")));
        assertTrue(e.getMessage().contains("lacks \"s\""), e.getMessage());
        Path plain = Files.writeString(tmp.resolve("plain.json"), "[{\"t\":\"x\",\"s\":1}");
        e = assertThrows(IOException.class, () -> Imdb.load(plain));
        assertTrue(e.getMessage().contains("plain.json"), e.getMessage());
    }

    @Test
    void federationEncodesWithTheVocabularyOfTheClientsCounts() {
        // Prepare: 40 reviews; "shared" is in every client's reviews, "lonely" in one review only
        List<Imdb.Review> reviews = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            reviews.add(new Imdb.Review((i % 2 == 0 ? "good fine " : "bad awful ") + "shared film" + (i == 3 ? " lonely" : ""), i % 2));
        }
        Imdb.Options o = new Imdb.Options(6, new FederatedVocabulary.Settings(20, 100, 1, 2), 0, 0);

        // Execute
        Imdb.Federation f = Imdb.federate(reviews, o, new IidPartitioner(), 4, 3);
        Dataset alone = Imdb.clientData(reviews, o, new IidPartitioner(), 4, 3, 2);

        // Assert
        assertEquals(20, f.train().size());
        assertEquals(20, f.test().size());
        assertArrayEquals(new int[] {10, 10}, f.train().classCounts());
        assertTrue(f.vocabulary().words().contains("shared"));
        assertEquals(Vocabulary.OOV, f.vocabulary().id("lonely"));
        assertEquals(20, f.vocabulary().size());
        assertArrayEquals(new int[] {6}, f.train().featureShape());
        float[] x = new float[6];
        f.train().copyFeatures(0, x, 0);
        assertEquals(0f, x[0]);   // 4 tokens, padded at the start
        assertEquals(0f, x[1]);
        assertTrue(x[5] >= 2f);
        assertArrayEquals(f.train().view(f.partitions()[2]).labels(), alone.labels());
        float[] y = new float[6];
        f.train().view(f.partitions()[2]).copyFeatures(1, x, 0);
        alone.copyFeatures(1, y, 0);
        assertArrayEquals(x, y);
    }

    @Test
    void splitIsStratifiedHalfAndHalfAndReproducible() {
        int[] labels = new int[1000];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 500 ? 0 : 1;
        }
        int[][] a = Imdb.split(labels, 7);
        assertEquals(500, a[0].length);
        assertEquals(250, Arrays.stream(a[0]).filter(i -> labels[i] == 1).count());
        assertArrayEquals(a[0], Imdb.split(labels, 7)[0]);
        assertTrue(!Arrays.equals(a[0], Imdb.split(labels, 8)[0]));
        // labels sorted as in the real file: the first rows of each part (what a limit keeps) hold both classes
        for (int[] part : a) {
            long positives = Arrays.stream(part, 0, 100).filter(i -> labels[i] == 1).count();
            assertTrue(positives > 25 && positives < 75, "positives among the first 100: " + positives);
        }
    }

    /** The shared 50,000-review file, when present (hanse.shared.datasets, or $HANSE_DATA_DIR). */
    @Test
    void realFileSplitsIntoTwentyFiveThousandEach() throws IOException {
        // Prepare
        String prop = System.getProperty("hanse.shared.datasets");
        assumeTrue(prop != null && !prop.isBlank(), "skipped: system property hanse.shared.datasets is not set");
        Path file = Path.of(prop).resolve(Imdb.FILE);
        assumeTrue(Files.isRegularFile(file), "skipped: " + file + " not present; runs only where the shared datasets are");

        // Execute
        List<Imdb.Review> reviews = Imdb.load(file);
        int[] labels = Imdb.labels(reviews);
        int[][] split = Imdb.split(labels, 42);

        // Assert
        assertEquals(Imdb.SIZE, reviews.size());
        assertEquals(25_000, Arrays.stream(labels).sum());
        assertEquals(25_000, split[0].length);
        assertEquals(25_000, split[1].length);
        assertEquals(12_500, Arrays.stream(split[0]).filter(i -> labels[i] == 1).count());
        assertArrayEquals(split[1], Imdb.split(labels, 42)[1]);
        Imdb.Federation f = Imdb.federate(reviews, new Imdb.Options(50, FederatedVocabulary.Settings.defaults(), 2000, 500),
                new IidPartitioner(), 10, 42);
        assertEquals(2000, f.train().size());
        assertEquals(500, f.test().size());
        assertTrue(f.train().classCounts()[0] > 800 && f.train().classCounts()[1] > 800, Arrays.toString(f.train().classCounts()));
        assertTrue(f.test().classCounts()[0] > 180 && f.test().classCounts()[1] > 180, Arrays.toString(f.test().classCounts()));
        assertEquals(java.util.Set.of("the", "a", "and"), java.util.Set.copyOf(f.vocabulary().words().subList(0, 3)));
    }
}
