package io.hanse.compression;

import io.hanse.client.Client;
import io.hanse.client.ClientState;
import io.hanse.client.EvaluateResult;
import io.hanse.client.FitResult;
import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.core.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorFeedbackTest {

    private static final ParameterLayout LAYOUT = ParameterLayout.of(TensorSpec.of("w", 10, 20), TensorSpec.of("b", 20));

    /** "Trains" by adding a fixed update per round: multiples of 1/64 in [-4, 4], so every float sum here is exact. */
    static final class FixedUpdates implements Client {
        final float[][] updates;

        FixedUpdates(int rounds, long seed) {
            Random r = new Random(seed);
            updates = new float[rounds + 1][LAYOUT.totalSize()];
            for (float[] u : updates) {
                for (int i = 0; i < u.length; i++) {
                    u[i] = (r.nextInt(513) - 256) / 64f;
                }
            }
        }

        @Override
        public Parameters getParameters(Scalars config) {
            return Parameters.zeros(LAYOUT);
        }

        @Override
        public FitResult fit(Parameters parameters, Scalars config) {
            float[] u = updates[config.getInt("round", 0)];
            float[] out = parameters.copyFlat();
            for (int i = 0; i < out.length; i++) {
                out[i] += u[i];
            }
            return new FitResult(Parameters.wrap(LAYOUT, out), 10, Scalars.of("train_loss", 0.5));
        }

        @Override
        public EvaluateResult evaluate(Parameters parameters, Scalars config) {
            return new EvaluateResult(1, 1, Scalars.EMPTY);
        }
    }

    private static Scalars config(Compression c, int round) {
        return c.addTo(Scalars.of("round", round));
    }

    @Test
    void topK_withErrorFeedback_sentPlusResidual_equalsTheSumOfUpdates_exactly() {
        int rounds = 12;
        FixedUpdates inner = new FixedUpdates(rounds, 1);
        ClientState state = new ClientState();
        CompressingClient client = new CompressingClient(inner, state, 7);
        Compression c = Compression.up(CompressionMethod.TOPK).withTopkFraction(0.05);
        Parameters global = Parameters.zeros(LAYOUT);
        float[] sentSum = new float[LAYOUT.totalSize()];
        float[] updateSum = new float[LAYOUT.totalSize()];
        float[] previousResidual = new float[LAYOUT.totalSize()];
        for (int round = 1; round <= rounds; round++) {
            FitResult r = client.fit(global, config(c, round));
            byte[] message = (byte[]) r.metrics().get(Compression.COMPRESSED_UPDATE);
            float[] sent = UpdateCodec.decode(message, LAYOUT.totalSize());
            float[] residual = state.get(Compression.STATE_RESIDUAL).orElseThrow().flat();
            int nonZero = 0;
            for (int i = 0; i < sent.length; i++) {
                float p = inner.updates[round][i] + previousResidual[i];
                // the residual holds exactly what was not sent this round
                assertEquals(p - sent[i], residual[i], 0, "round " + round + ", value " + i);
                if (sent[i] != 0) {
                    nonZero++;
                    assertEquals(0f, residual[i], 0, "a sent value leaves nothing behind");
                }
                sentSum[i] += sent[i];
                updateSum[i] += inner.updates[round][i];
            }
            assertTrue(nonZero <= UpdateCodec.topKCount(sent.length, 0.05));
            // the client's view of the result is the received global plus what it sent
            assertArrayEquals(sent, r.parameters().minus(global).flat());
            assertEquals(0.5, r.metrics().getDouble("train_loss", 0));
            previousResidual = residual.clone();
        }
        for (int i = 0; i < sentSum.length; i++) {
            assertEquals(updateSum[i], sentSum[i] + previousResidual[i], 0, "value " + i);
        }
    }

    @Test
    void int8_withErrorFeedback_sentPlusResidual_equalsTheSumOfUpdates_toFloatPrecision() {
        FixedUpdates inner = new FixedUpdates(20, 2);
        ClientState state = new ClientState();
        CompressingClient client = new CompressingClient(inner, state, 3);
        Compression c = Compression.up(CompressionMethod.INT8).withInt8Chunk(64);
        Parameters global = Parameters.zeros(LAYOUT);
        double[] sentSum = new double[LAYOUT.totalSize()];
        double[] updateSum = new double[LAYOUT.totalSize()];
        for (int round = 1; round <= 20; round++) {
            float[] sent = UpdateCodec.decode((byte[]) client.fit(global, config(c, round)).metrics().get(Compression.COMPRESSED_UPDATE),
                    LAYOUT.totalSize());
            for (int i = 0; i < sent.length; i++) {
                sentSum[i] += sent[i];
                updateSum[i] += inner.updates[round][i];
            }
        }
        float[] residual = state.get(Compression.STATE_RESIDUAL).orElseThrow().flat();
        for (int i = 0; i < residual.length; i++) {
            assertEquals(updateSum[i], sentSum[i] + residual[i], 1e-4, "value " + i);
            // the residual stays below one quantisation step (8 / 255) rather than growing
            assertTrue(Math.abs(residual[i]) < 8.0 / 255 * 1.01, "residual " + residual[i]);
        }
    }

    @Test
    void withoutErrorFeedback_nothingIsKept_andTheSameSeedGivesTheSameMessage() {
        FixedUpdates inner = new FixedUpdates(2, 4);
        ClientState state = new ClientState();
        Compression c = Compression.up(CompressionMethod.INT8).withErrorFeedback(false);
        byte[] a = (byte[]) new CompressingClient(inner, state, 9).fit(Parameters.zeros(LAYOUT), config(c, 1)).metrics()
                .get(Compression.COMPRESSED_UPDATE);
        byte[] b = (byte[]) new CompressingClient(inner, null, 9).fit(Parameters.zeros(LAYOUT), config(c, 1)).metrics()
                .get(Compression.COMPRESSED_UPDATE);
        byte[] otherRound = (byte[]) new CompressingClient(inner, null, 9).fit(Parameters.zeros(LAYOUT), config(c, 2)).metrics()
                .get(Compression.COMPRESSED_UPDATE);
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, otherRound));
        assertTrue(state.isEmpty());
        // error feedback needs a state
        assertThrows(IllegalStateException.class, () -> new CompressingClient(inner, null, 9)
                .fit(Parameters.zeros(LAYOUT), config(Compression.up(CompressionMethod.TOPK), 1)));
    }

    @Test
    void withoutCompressionKeys_theResultPassesThroughUnchanged() {
        FixedUpdates inner = new FixedUpdates(1, 5);
        CompressingClient client = new CompressingClient(inner, new ClientState(), 1);
        FitResult r = client.fit(Parameters.zeros(LAYOUT), Scalars.of("round", 1));
        assertFalse(r.metrics().contains(Compression.COMPRESSED_UPDATE));
        assertArrayEquals(inner.updates[1], r.parameters().flat());
        Parameters down = Parameters.zeros(LAYOUT);
        assertSame(down, Compression.received(down, Scalars.of("round", 1)));
    }

    @Test
    void serverReconstruction_isGlobalPlusDecodedUpdate_andRefusesOverflow() {
        float[] g = new float[LAYOUT.totalSize()];
        java.util.Arrays.fill(g, 1.5f);
        Parameters global = Parameters.wrap(LAYOUT, g);
        float[] u = new float[g.length];
        u[3] = 0.25f;
        u[219] = -2f;
        Parameters p = Compression.reconstruct(global, UpdateCodec.topK(u, 2));
        assertEquals(1.75f, p.flat()[3]);
        assertEquals(-0.5f, p.flat()[219]);
        assertEquals(1.5f, p.flat()[0]);
        float[] huge = new float[g.length];
        huge[205] = Float.MAX_VALUE;
        Parameters big = Parameters.wrap(LAYOUT, huge);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Compression.reconstruct(big, UpdateCodec.topK(huge, 1)));
        assertTrue(e.getMessage().contains("tensor 'b'") && e.getMessage().contains("index 5"), e.getMessage());
    }

    @Test
    void downCompression_roundsTheGlobalModelToFloat16_unlessAValueDoesNotFit() {
        Compression c = Compression.NONE.withDown(CompressionMethod.FLOAT16);
        float[] g = new float[LAYOUT.totalSize()];
        g[0] = 0.1f;
        Parameters global = Parameters.wrap(LAYOUT, g);
        Parameters received = Compression.received(global, c.addTo(Scalars.EMPTY));
        assertEquals(Float16.round(0.1f), received.flat()[0]);
        g[1] = 1e6f;
        assertSame(global, Compression.received(global, c.addTo(Scalars.EMPTY)), "sent as float32 rather than as infinity");
        assertFalse(c.addTo(Scalars.EMPTY).contains(Compression.UP));
    }

    @Test
    void settings_travelInTheConfig_andComeBackTheSame() {
        Compression c = Compression.up(CompressionMethod.TOPK).withTopkFraction(0.02).withErrorFeedback(false)
                .withDown(CompressionMethod.FLOAT16);
        assertEquals(c, Compression.fromConfig(c.addTo(Scalars.of("round", 3))));
        Compression i = Compression.up(CompressionMethod.INT8).withInt8Chunk(128);
        assertEquals(i, Compression.fromConfig(i.addTo(Scalars.EMPTY)));
        assertEquals(Compression.NONE, Compression.fromConfig(Scalars.EMPTY));
        assertThrows(IllegalArgumentException.class, () -> Compression.fromConfig(Scalars.of(Compression.UP, "zip")));
        assertThrows(IllegalArgumentException.class, () -> Compression.NONE.withDown(CompressionMethod.TOPK));
        assertThrows(IllegalArgumentException.class, () -> c.withTopkFraction(0));
    }
}
