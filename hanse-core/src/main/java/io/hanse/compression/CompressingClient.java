package io.hanse.compression;

import io.hanse.client.Client;
import io.hanse.client.ClientState;
import io.hanse.client.EvaluateResult;
import io.hanse.client.FitResult;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;

/**
 * The client half of update compression: wraps any {@link Client} and, when the fit config asks for it
 * ({@link Compression#UP}), replaces the trained parameters by a compressed update. Without the keys it passes
 * everything through, so it can wrap every client of a run.
 *
 * <p>Each fit: {@code p = (local - received) + e}, where {@code e} is the residual kept from earlier fits in the
 * client's {@link ClientState} under {@value Compression#STATE_RESIDUAL} (zero at first, and without error
 * feedback); the client sends {@code C(p)} as {@value Compression#COMPRESSED_UPDATE} and keeps
 * {@code e' = p - C(p)}, what compression did not send. This is error feedback / error compensation
 * (Seide et al., "1-bit stochastic gradient descent and its application to data-parallel distributed training of
 * speech DNNs", Interspeech 2014; Stich, Cordonnier and Jaggi, "Sparsified SGD with memory", NeurIPS 2018;
 * Karimireddy et al., "Error feedback fixes SignSGD and other gradient compression schemes", ICML 2019): nothing
 * is lost, only delayed, so the sum of what was sent plus the residual equals the sum of the updates. The returned
 * {@link FitResult#parameters()} is the client's view {@code received + C(p)}; the transport replaces it by the
 * server's reconstruction from the bytes ({@link Compression#reconstruct}).
 *
 * <p>int8's stochastic rounding draws from a generator seeded by this client's seed and the round, so a run
 * reproduces. The residual costs one model-sized vector per client that has trained (4 bytes a parameter). It is
 * updated when the update is encoded: an update lost afterwards (a timeout, a refused push, a server restart)
 * loses what it carried, at most one round's compressed update of this client; the state is in memory, so a
 * restarted client process starts with a zero residual.
 */
public final class CompressingClient implements Client {

    private final Client inner;
    private final ClientState state;
    private final long seed;

    /**
     * @param state where the error-feedback residual lives between fits ({@code ClientStates.of(id)} in a simulation,
     *              one per process in a deployment); null only if error feedback is never asked for
     * @param seed  this client's seed; mixed with the round for int8's rounding
     */
    public CompressingClient(Client inner, ClientState state, long seed) {
        this.inner = inner;
        this.state = state;
        this.seed = seed;
    }

    public Client inner() {
        return inner;
    }

    @Override
    public Parameters getParameters(Scalars config) {
        return inner.getParameters(config);
    }

    @Override
    public FitResult fit(Parameters parameters, Scalars config) {
        Compression c = Compression.fromConfig(config);
        FitResult r = inner.fit(parameters, config);
        if (c.up() == CompressionMethod.NONE) {
            return r;
        }
        parameters.layout().requireSameAs(r.parameters().layout());
        float[] local = r.parameters().flat();
        float[] global = parameters.flat();
        float[] p = new float[local.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = local[i] - global[i];
        }
        if (c.errorFeedback()) {
            if (state == null) {
                throw new IllegalStateException("compression with error feedback keeps a residual on each client, but this client "
                        + "has no ClientState: build CompressingClient with one");
            }
            Parameters residual = state.get(Compression.STATE_RESIDUAL)
                    .filter(e -> e.layout().equals(parameters.layout())).orElse(null);
            if (residual != null) {
                float[] e = residual.flat();
                for (int i = 0; i < p.length; i++) {
                    p[i] += e[i];
                }
            }
        }
        byte[] message = c.encode(p, mix(seed, config.getLong("round", 0)));
        float[] sent = UpdateCodec.decode(message, p.length);
        if (c.errorFeedback()) {
            float[] e = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                e[i] = p[i] - sent[i];
            }
            state.put(Compression.STATE_RESIDUAL, Parameters.wrap(parameters.layout(), e));
        }
        for (int i = 0; i < sent.length; i++) {
            sent[i] += global[i];
        }
        Scalars metrics = r.metrics().toBuilder().put(Compression.COMPRESSED_UPDATE, message).build();
        return new FitResult(Parameters.wrap(parameters.layout(), sent), r.numExamples(), metrics);
    }

    @Override
    public EvaluateResult evaluate(Parameters parameters, Scalars config) {
        return inner.evaluate(parameters, config);
    }

    /** SplitMix64 finaliser of seed and round. */
    static long mix(long seed, long round) {
        long z = seed + 0x9E3779B97F4A7C15L * (round + 1) + 0x5DEECE66DL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
