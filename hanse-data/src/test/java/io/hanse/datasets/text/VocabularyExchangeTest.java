package io.hanse.datasets.text;

import io.hanse.client.Client;
import io.hanse.client.EvaluateResult;
import io.hanse.client.FitResult;
import io.hanse.client.PreparingClient;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.data.Dataset;
import io.hanse.datasets.DirectProxy;
import io.hanse.partition.DirichletPartitioner;
import io.hanse.server.ClientProxy;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VocabularyExchangeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String[] GOOD = {"great", "superb", "fine", "moving", "fun"};
    private static final String[] BAD = {"awful", "dull", "boring", "weak", "mess"};
    private static final String[] COMMON = {"film", "movie", "the", "a", "plot", "actor", "scene"};

    private static List<Imdb.Review> reviews(int n, long seed) {
        Random r = new Random(seed);
        List<Imdb.Review> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            StringBuilder t = new StringBuilder();
            for (int w = 0; w < 6 + r.nextInt(10); w++) {
                String[] pool = r.nextInt(3) == 0 ? (label == 1 ? GOOD : BAD) : COMMON;
                t.append(pool[r.nextInt(pool.length)]).append(r.nextInt(20) == 0 ? "-" + i : "").append(' ');
            }
            out.add(new Imdb.Review(t.toString(), label));
        }
        return out;
    }

    private record Captured(Dataset data) implements Client {
        @Override
        public Parameters getParameters(Scalars config) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FitResult fit(Parameters parameters, Scalars config) {
            throw new UnsupportedOperationException();
        }

        @Override
        public EvaluateResult evaluate(Parameters parameters, Scalars config) {
            return new EvaluateResult(0, data.size(), Scalars.EMPTY);
        }
    }

    @Test
    void deployedClientsGetTheSimulationsVocabularyAndData_fromTheirOwnReviewsOnly() throws Exception {
        List<Imdb.Review> all = reviews(400, 1);
        Imdb.Options o = new Imdb.Options(12, new FederatedVocabulary.Settings(20, 8, 2, 2), 0, 0);
        int k = 5;
        long seed = 9;
        DirichletPartitioner partitioner = new DirichletPartitioner(0.5);
        Imdb.Federation simulated = Imdb.federate(all, o, partitioner, k, seed);

        List<ClientProxy> proxies = new ArrayList<>();
        List<AtomicReference<Dataset>> built = new ArrayList<>();
        List<PreparingClient> clients = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            AtomicReference<Dataset> ref = new AtomicReference<>();
            built.add(ref);
            // each client is handed only its own reviews
            PreparingClient c = VocabularyExchange.client(Imdb.clientReviews(all, o, partitioner, k, seed, i), o, d -> {
                ref.set(d);
                return new Captured(d);
            });
            clients.add(c);
            proxies.add(new DirectProxy(Integer.toString(i), c));
        }
        assertThrows(IllegalStateException.class, () -> clients.get(0).evaluate(null, Scalars.EMPTY));

        Vocabulary v = VocabularyExchange.run(proxies, o.vocabulary(), TIMEOUT);

        assertEquals(simulated.vocabulary().words(), v.words());
        assertEquals(20, v.size());
        float[] got = new float[12];
        float[] want = new float[12];
        for (int i = 0; i < k; i++) {
            assertTrue(clients.get(i).prepared());
            Dataset mine = built.get(i).get();
            Dataset sim = simulated.train().view(simulated.partitions()[i]);
            assertEquals(sim.size(), mine.size());
            for (int j = 0; j < mine.size(); j++) {
                mine.copyFeatures(j, got, 0);
                sim.copyFeatures(j, want, 0);
                assertArrayEquals(want, got);
                assertEquals(sim.label(j), mine.label(j));
            }
        }
        Dataset test = Imdb.encode(Imdb.NAME + "-test", Imdb.testReviews(all, o, seed), v, 12);
        assertEquals(simulated.test().size(), test.size());
        for (int j = 0; j < test.size(); j++) {
            test.copyFeatures(j, got, 0);
            simulated.test().copyFeatures(j, want, 0);
            assertArrayEquals(want, got);
        }
    }

    @Test
    void malformedReportsAreRefusedNamingTheClient_andNothingIsSent() throws IOException {
        List<Imdb.Review> all = reviews(100, 2);
        Imdb.Options o = new Imdb.Options(8, new FederatedVocabulary.Settings(30, 4, 1, 1), 0, 0);
        PreparingClient good = VocabularyExchange.client(all.subList(0, 20), o, Captured::new);
        PreparingClient evil = VocabularyExchange.client(all.subList(20, 40), o, Captured::new);
        List<UnaryOperator<byte[]>> tampers = List.of(
                b -> Arrays.copyOf(b, b.length - 1),
                b -> Arrays.copyOf(b, b.length + 3),
                b -> new byte[0],
                b -> report(Map.of("x", 0)),
                b -> report(Map.of("a", 1, "b", 1, "c", 1, "d", 1, "e", 1)),  // more than clientTopWords = 4
                b -> report(Map.of("", 3)),
                b -> { byte[] c = b.clone(); c[6] = (byte) 0xff; return c; });  // invalid UTF-8 in the first word
        for (UnaryOperator<byte[]> t : tampers) {
            List<ClientProxy> proxies = List.of(new DirectProxy("good", good), new DirectProxy("evil", evil, t));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> VocabularyExchange.run(proxies, o.vocabulary(), TIMEOUT));
            assertTrue(e.getMessage().contains("client evil sent a malformed 'hanse.vocabulary' report"), e.getMessage());
        }
        assertFalse(good.prepared());
    }

    @Test
    void aVocabularyOfTheWrongSizeIsRefusedByTheClient() {
        Imdb.Options o = new Imdb.Options(8, new FederatedVocabulary.Settings(30, 4, 1, 1), 0, 0);
        PreparingClient c = VocabularyExchange.client(reviews(10, 3), o, Captured::new);
        byte[] body = VocabularyExchange.encodeVocabulary(new Vocabulary(List.of("film", "plot"), 31));
        byte[] message = new byte[body.length + 1];
        message[0] = PreparingClient.APPLY;
        System.arraycopy(body, 0, message, 1, body.length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c.handle(VocabularyExchange.PROTOCOL, message, null, Scalars.EMPTY));
        assertTrue(e.getMessage().contains("31 ids, this client's model 30"), e.getMessage());
        assertFalse(c.prepared());
    }

    private static byte[] report(Map<String, Integer> counts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(counts.size());
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                byte[] w = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeShort(w.length);
                out.write(w);
                out.writeInt(e.getValue());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
