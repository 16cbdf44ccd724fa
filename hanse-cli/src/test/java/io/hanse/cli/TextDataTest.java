package io.hanse.cli;

import io.hanse.cli.config.ConfigException;
import io.hanse.cli.config.ConfigTree;
import io.hanse.cli.config.RunConfig;
import io.hanse.data.Dataset;
import io.hanse.datasets.text.Shakespeare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** prepare, clientPartition and testSet of the text datasets, on small files the test writes. */
class TextDataTest {

    @TempDir
    Path tmp;

    /** A play in the Folger format, CRLF: three roles with enough lines. */
    private Path play() throws IOException {
        StringBuilder s = new StringBuilder("Header\r\n\r\n****\r\n\r\nA Play\r\n\r\nACT 1\r\n=====\r\n\r\n");
        String[] roles = {"ALPHA", "BETA", "GAMMA"};
        for (int speech = 0; speech < 12; speech++) {
            s.append(roles[speech % 3]).append("\r\n");
            for (int line = 0; line < 3; line++) {
                s.append("Speech ").append(speech).append(" line ").append(line).append(" of ").append(roles[speech % 3])
                        .append(", said with feeling.\r\n");
            }
            s.append("\r\n");
        }
        Path dir = Files.createDirectories(tmp.resolve("shakespeare"));
        Files.writeString(dir.resolve(Shakespeare.FILE), s, StandardCharsets.US_ASCII);
        return tmp;
    }

    @Test
    void shakespeareFederationIsNaturalAndEachClientGetsItsOwnRole() throws Exception {
        // Prepare
        Path dir = play();
        RunConfig config = RunConfig.from(ConfigTree.empty().set("data.dataset", "shakespeare").set("partition.clients", 2L)
                .set("data.seq_len", 20L).set("data.min_samples", 10L).set("data.max_samples_per_client", 50L).set("seed", 3L));

        // Execute
        SimulationRunner.Federation f = SimulationRunner.prepare(config, dir);

        // Assert
        assertEquals(2, f.partitions().length);
        assertEquals(81, f.vocabularySize());
        assertEquals(81, SimulationRunner.vocabularySize(config));
        assertEquals(81, f.train().numClasses());
        assertArrayEquals(new int[] {20}, f.train().featureShape());
        for (int c = 0; c < 2; c++) {
            assertEquals(50, f.partitions()[c].length);
            Dataset alone = SimulationRunner.clientPartition(config, c, dir);
            assertArrayEquals(f.train().view(f.partitions()[c]).labels(), alone.labels());
        }
        assertEquals(f.test().size(), SimulationRunner.testSet(config, dir).size());
    }

    @Test
    void shakespeareWithMoreClientsThanRolesFailsSayingHowMany() throws Exception {
        Path dir = play();
        RunConfig config = RunConfig.from(ConfigTree.empty().set("data.dataset", "shakespeare").set("partition.clients", 5L)
                .set("data.seq_len", 20L).set("data.min_samples", 10L));
        String msg = assertThrows(ConfigException.class, () -> SimulationRunner.prepare(config, dir)).getMessage();
        assertTrue(msg.contains("partition.clients = 5 is invalid, allowed: at most 3"), msg);
    }

    @Test
    void imdbFederationUsesTheFederatedVocabularyForClientsAndTestSet() throws Exception {
        // Prepare: 60 reviews in the shared file's format
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < 60; i++) {
            json.append(i > 0 ? "," : "").append("{\"t\":\"").append(i % 2 == 0 ? "A wonderful, moving film.<br />Loved it"
                    : "A dull film. Hated it").append(" review").append(i).append("\",\"s\":").append(i % 2).append('}');
        }
        json.append(']');
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp.resolve("imdb-reviews.json.gz")))) {
            out.write(json.toString().getBytes(StandardCharsets.UTF_8));
        }
        RunConfig config = RunConfig.from(ConfigTree.empty().set("data.dataset", "imdb").set("partition.clients", 3L)
                .set("data.seq_len", 8L).set("data.vocab_size", 50L).set("seed", 5L));

        // Execute
        SimulationRunner.Federation f = SimulationRunner.prepare(config, tmp);

        // Assert
        assertEquals(30, f.train().size());
        assertEquals(30, f.test().size());
        assertEquals(50, f.vocabularySize());
        assertEquals(50, SimulationRunner.vocabularySize(config));
        assertArrayEquals(new int[] {8}, f.train().featureShape());
        for (int c = 0; c < 3; c++) {
            Dataset alone = SimulationRunner.clientPartition(config, c, tmp);
            Dataset simulated = f.train().view(f.partitions()[c]);
            float[] a = new float[8];
            float[] b = new float[8];
            for (int i = 0; i < alone.size(); i++) {
                alone.copyFeatures(i, a, 0);
                simulated.copyFeatures(i, b, 0);
                assertArrayEquals(b, a);
            }
        }
        Dataset test = SimulationRunner.testSet(config, tmp);
        float[] a = new float[8];
        float[] b = new float[8];
        test.copyFeatures(0, a, 0);
        f.test().copyFeatures(0, b, 0);
        assertArrayEquals(b, a);
        // "review17" is in one review of one client only: out of vocabulary (id 1) everywhere
        float max = 0;
        for (int i = 0; i < f.train().size(); i++) {
            f.train().copyFeatures(i, a, 0);
            assertEquals(1f, a[7], "the last token, reviewN, is unique to one review");
            for (float v : a) {
                max = Math.max(max, v);
            }
        }
        assertTrue(max < 50);
    }
}
