package io.hanse.datasets;

import io.hanse.client.Client;
import io.hanse.client.EvaluateResult;
import io.hanse.client.FitResult;
import io.hanse.client.MessageHandler;
import io.hanse.client.PreparingClient;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.data.Dataset;
import io.hanse.server.ClientProxy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StandardizationExchangeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Captures the standardised dataset a client was built from. */
    private static final class Recorder implements Client {
        final Dataset data;

        Recorder(Dataset data) {
            this.data = data;
        }

        @Override
        public Parameters getParameters(Scalars config) {
            return null;
        }

        @Override
        public FitResult fit(Parameters parameters, Scalars config) {
            return new FitResult(parameters, data.size(), Scalars.EMPTY);
        }

        @Override
        public EvaluateResult evaluate(Parameters parameters, Scalars config) {
            return new EvaluateResult(0, data.size(), Scalars.EMPTY);
        }
    }

    private static Dataset table(int rows, int features, long seed, double shift) {
        Random r = new Random(seed);
        float[] x = new float[rows * features];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < features; j++) {
                x[i * features + j] = (float) (shift + (j + 1) * 10 + r.nextGaussian() * (j + 1));
            }
            y[i] = r.nextInt(2);
        }
        return Dataset.classification("t", new int[]{features}, x, y, 2);
    }

    @Test
    void sitesEndUpWithThePooledStandardisationWithoutSharingRows() throws Exception {
        Dataset all = table(300, 4, 1, 0);
        // three sites of different sizes and value ranges
        int[][] parts = {range(0, 40), range(40, 160), range(160, 300)};
        List<ClientProxy> proxies = new ArrayList<>();
        List<AtomicReference<Recorder>> built = new ArrayList<>();
        List<PreparingClient> clients = new ArrayList<>();
        for (int k = 0; k < parts.length; k++) {
            AtomicReference<Recorder> ref = new AtomicReference<>();
            built.add(ref);
            PreparingClient c = StandardizationExchange.client(all.view(parts[k]), d -> {
                Recorder rec = new Recorder(d);
                ref.set(rec);
                return rec;
            });
            clients.add(c);
            proxies.add(new DirectProxy(Integer.toString(k), c, b -> b));
        }
        assertThrows(IllegalStateException.class, () -> clients.get(0).fit(null, Scalars.EMPTY));

        FederatedStandardizer s = StandardizationExchange.run(proxies, 4, TIMEOUT);

        Standardizer pooled = Standardizer.fit(all);
        double[] m = s.exactMean();
        double[] sd = s.exactStd();
        for (int j = 0; j < 4; j++) {
            assertEquals(pooled.exactMean()[j], m[j], 1e-9 * Math.abs(pooled.exactMean()[j]));
            assertEquals(pooled.exactStd()[j], sd[j], 1e-9 * pooled.exactStd()[j]);
        }
        Dataset pooledStd = pooled.apply(all);
        float[] got = new float[4];
        float[] want = new float[4];
        for (int k = 0; k < parts.length; k++) {
            assertTrue(clients.get(k).prepared());
            Dataset d = built.get(k).get().data;
            assertEquals(parts[k].length, d.size());
            for (int i = 0; i < d.size(); i++) {
                d.copyFeatures(i, got, 0);
                pooledStd.copyFeatures(parts[k][i], want, 0);
                assertArrayEquals(want, got, 1e-5f);
            }
            assertEquals(parts[k].length, clients.get(k).evaluate(null, Scalars.EMPTY).numExamples());
        }
    }

    @Test
    void malformedStatisticsAreRefusedNamingTheClient() {
        Dataset all = table(50, 3, 2, 5);
        PreparingClient good = StandardizationExchange.client(all.view(range(0, 25)), Recorder::new);
        PreparingClient bad = StandardizationExchange.client(all.view(range(25, 50)), Recorder::new);
        List<UnaryOperator<byte[]>> tampers = List.of(
                b -> java.util.Arrays.copyOf(b, b.length - 1),                         // truncated
                b -> new byte[0],                                                      // empty
                b -> { byte[] c = b.clone(); c[8] = 7; return c; },                    // wrong feature count
                b -> { byte[] c = b.clone(); putDouble(c, 12, Double.NaN); return c; },// NaN sum
                b -> { byte[] c = b.clone(); putDouble(c, 12 + 24, -1); return c; },   // negative sum of squares
                b -> { byte[] c = b.clone(); c[7] = (byte) 0x80; return c; },          // negative count
                b -> { byte[] c = b.clone(); c[0] = 1; c[1] = 0; c[2] = 0; c[3] = 0; c[4] = 0; c[5] = 0; c[6] = 0; c[7] = 0; return c; },
                // 1 row cannot have the sums of 25: a faked variance
                b -> { byte[] c = b.clone(); c[6] = 0x7f; return c; });                // a count beyond 2^48
        for (UnaryOperator<byte[]> t : tampers) {
            List<ClientProxy> proxies = List.of(new DirectProxy("good", good, b -> b), new DirectProxy("evil", bad, t));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> StandardizationExchange.run(proxies, 3, TIMEOUT));
            assertTrue(e.getMessage().contains("client evil"), e.getMessage());
        }
        // nothing was applied: the exchange stops before APPLY when a reply is bad
        assertFalse(good.prepared());
    }

    @Test
    void clientRefusesABadApplyMessage() {
        Dataset all = table(20, 3, 3, 0);
        PreparingClient c = StandardizationExchange.client(all, Recorder::new);
        FederatedStandardizer s = FederatedStandardizer.combine(List.of(FederatedStandardizer.SiteStatistics.of(all)));
        byte[] body = StandardizationExchange.encodeResult(s);
        byte[] ok = new byte[body.length + 1];
        ok[0] = PreparingClient.APPLY;
        System.arraycopy(body, 0, ok, 1, body.length);
        byte[] zeroStd = ok.clone();
        putDouble(zeroStd, 5 + 24, 0);
        byte[] nanMean = ok.clone();
        putDouble(nanMean, 5, Double.NaN);
        byte[] wrongFeatures = ok.clone();
        wrongFeatures[1] = 4;
        for (byte[] m : List.of(java.util.Arrays.copyOf(ok, 4), java.util.Arrays.copyOf(ok, ok.length - 8), zeroStd, nanMean,
                wrongFeatures, new byte[]{9}, new byte[0])) {
            assertThrows(IllegalArgumentException.class, () -> c.handle(StandardizationExchange.PROTOCOL, m, null, Scalars.EMPTY));
            assertFalse(c.prepared());
        }
        assertThrows(IllegalArgumentException.class, () -> c.handle("secagg+", new byte[]{1}, null, Scalars.EMPTY));
        c.handle(StandardizationExchange.PROTOCOL, ok, null, Scalars.EMPTY);
        assertTrue(c.prepared());
    }

    private static void putDouble(byte[] b, int offset, double v) {
        java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putDouble(offset, v);
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
