package io.hanse.cli.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The [data] keys of the text datasets and the partition methods they allow. */
class TextDataConfigTest {

    private static RunConfig parse(String toml) {
        return RunConfig.from(ConfigTree.parse(toml, "test.toml"));
    }

    private static String error(String toml) {
        return assertThrows(ConfigException.class, () -> parse(toml)).getMessage();
    }

    @Test
    void shakespeareDefaultsToTheNaturalPartitionAndLeafsSettings() {
        RunConfig c = parse("[data]\ndataset = \"shakespeare\"\nmax_samples_per_client = 500\n");
        assertEquals("natural", c.partition().method());
        assertEquals(80, c.data().text().seqLen());
        assertEquals(0.1, c.data().testFraction());
        assertEquals(1, c.data().text().stride());
        assertEquals(64, c.data().text().minSamples());
        assertEquals(500, c.data().text().maxSamplesPerClient());
    }

    @Test
    void imdbDefaults() {
        RunConfig c = parse("[data]\ndataset = \"imdb\"\n[partition]\nmethod = \"dirichlet\"\nalpha = 1.0\n");
        assertEquals(200, c.data().text().seqLen());
        assertEquals(10_000, c.data().text().vocabSize());
        assertEquals(10_000, c.data().text().vocabClientTopWords());
        assertEquals(2, c.data().text().vocabMinClientDocuments());
        assertEquals(2, c.data().text().vocabMinClients());
    }

    @Test
    void shakespeareRejectsIidAndDirichletNamingTheNaturalPartition() {
        String msg = error("[data]\ndataset = \"shakespeare\"\n[partition]\nmethod = \"iid\"\n");
        assertTrue(msg.contains("partition.method = \"iid\" is invalid"), msg);
        assertTrue(msg.contains("\"natural\" with data.dataset = \"shakespeare\""), msg);
        msg = error("[data]\ndataset = \"shakespeare\"\n[partition]\nmethod = \"dirichlet\"\n");
        assertTrue(msg.contains("partition.method = \"dirichlet\" is invalid"), msg);
    }

    @Test
    void naturalIsOnlyForShakespeareAndPathologicalNotForImdb() {
        String msg = error("[data]\ndataset = \"imdb\"\n[partition]\nmethod = \"natural\"\n");
        assertTrue(msg.contains("partition.method = \"natural\" is invalid"), msg);
        assertTrue(msg.contains("\"natural\" is for shakespeare"), msg);
        msg = error("[data]\ndataset = \"imdb\"\n[partition]\nmethod = \"pathological\"\n");
        assertTrue(msg.contains("\"iid\" or \"dirichlet\" with data.dataset = \"imdb\""), msg);
    }

    @Test
    void badValuesFailNamingKeyValueAndAllowed() {
        String msg = error("[data]\ndataset = \"shakespear\"\n");
        assertTrue(msg.contains("data.dataset = \"shakespear\" is invalid"), msg);
        assertTrue(msg.contains("shakespeare") && msg.contains("imdb"), msg);
        msg = error("[data]\ndataset = \"imdb\"\nseq_len = 0\n");
        assertTrue(msg.contains("data.seq_len = 0"), msg);
        msg = error("[data]\ndataset = \"imdb\"\nvocab_size = 2\n");
        assertTrue(msg.contains("data.vocab_size = 2"), msg);
        msg = error("[data]\ndataset = \"shakespeare\"\nmax_samples_per_client = -1\n");
        assertTrue(msg.contains("data.max_samples_per_client = -1"), msg);
        msg = error("[data]\ndataset = \"imdb\"\nvocab_min_clients = 0\n");
        assertTrue(msg.contains("data.vocab_min_clients = 0"), msg);
    }
    @Test
    void keysOfAnotherDataset_areRefusedNotIgnored() {
        String mnist = error("[data]\ndataset = \"mnist\"\nseq_len = 50\n");
        assertTrue(mnist.contains("data.seq_len applies to data.dataset = \"shakespeare\" or \"imdb\", not \"mnist\""), mnist);
        String shakespeare = error("[data]\ndataset = \"shakespeare\"\nvocab_size = 500\n");
        assertTrue(shakespeare.contains("data.vocab_size applies to data.dataset = \"imdb\""), shakespeare);
        String imdb = error("[data]\ndataset = \"imdb\"\nstride = 3\n");
        assertTrue(imdb.contains("data.stride applies to data.dataset = \"shakespeare\""), imdb);
    }
}
