package io.hanse.compression;

import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The communication compression of a run: how clients encode their updates ({@link #up}) and how the server
 * encodes the global model it sends ({@link #down}).
 *
 * <p>The server decides; the settings reach the clients as keys of every fit (and evaluate) config, added by
 * {@link CompressedStrategy}, so a client never needs its own copy of the run's configuration. A client wrapped
 * in {@link CompressingClient} sends, instead of its trained parameters, the HNSC encoding ({@link UpdateCodec})
 * of its update {@code local - received global} (plus its error-feedback residual) as the fit metric
 * {@value #COMPRESSED_UPDATE}; the transport ships those bytes instead of the parameters and the server side of
 * the transport rebuilds {@code global + decoded update} with {@link #reconstruct}, so strategies receive ordinary
 * parameters. Down compression is applied by the transport when a config carries {@value #DOWN}.
 *
 * @param up            the update encoding; {@link CompressionMethod#NONE}: full float32 parameters, as without compression
 * @param down          {@link CompressionMethod#NONE} or {@link CompressionMethod#FLOAT16}
 * @param topkFraction  the fraction of values top-k keeps, in (0, 1]
 * @param errorFeedback whether the client keeps what compression lost (the residual) and adds it to its next update
 * @param int8Chunk     values sharing one int8 offset and scale
 */
public record Compression(CompressionMethod up, CompressionMethod down, double topkFraction, boolean errorFeedback, int int8Chunk) {

    /** Config key, string: the update encoding ({@code float16}, {@code int8}, {@code topk}). */
    public static final String UP = "compression_up";
    /** Config key, string: the encoding of the global model sent with the task ({@code float16}). */
    public static final String DOWN = "compression_down";
    /** Config key, double: top-k's fraction. */
    public static final String TOPK_FRACTION = "compression_topk_fraction";
    /** Config key, boolean: error feedback. */
    public static final String ERROR_FEEDBACK = "compression_error_feedback";
    /** Config key, long: int8 chunk size. */
    public static final String INT8_CHUNK = "compression_int8_chunk";
    /** Fit metric, bytes: the HNSC-encoded update; the transport ships it instead of the parameters. */
    public static final String COMPRESSED_UPDATE = "compressed_update";
    /** Key of the error-feedback residual in the client's {@link io.hanse.client.ClientState}. */
    public static final String STATE_RESIDUAL = "compression_residual";

    public static final Compression NONE = new Compression(CompressionMethod.NONE, CompressionMethod.NONE, 0.01, true,
            UpdateCodec.DEFAULT_INT8_CHUNK);

    public Compression {
        if (up == null || down == null) {
            throw new IllegalArgumentException("compression methods must not be null");
        }
        if (down != CompressionMethod.NONE && down != CompressionMethod.FLOAT16) {
            throw new IllegalArgumentException("down compression '" + down.key() + "' is invalid, allowed: none, float16");
        }
        if (!(topkFraction > 0 && topkFraction <= 1)) {
            throw new IllegalArgumentException("top-k fraction " + topkFraction + " is invalid, allowed: (0, 1]");
        }
        if (int8Chunk < 1) {
            throw new IllegalArgumentException("int8 chunk " + int8Chunk + " is invalid, allowed: >= 1");
        }
    }

    public static Compression up(CompressionMethod up) {
        return new Compression(up, CompressionMethod.NONE, NONE.topkFraction, true, NONE.int8Chunk);
    }

    public Compression withDown(CompressionMethod down) {
        return new Compression(up, down, topkFraction, errorFeedback, int8Chunk);
    }

    public Compression withTopkFraction(double fraction) {
        return new Compression(up, down, fraction, errorFeedback, int8Chunk);
    }

    public Compression withErrorFeedback(boolean on) {
        return new Compression(up, down, topkFraction, on, int8Chunk);
    }

    public Compression withInt8Chunk(int chunk) {
        return new Compression(up, down, topkFraction, errorFeedback, chunk);
    }

    /** Whether anything is compressed. */
    public boolean enabled() {
        return up != CompressionMethod.NONE || down != CompressionMethod.NONE;
    }

    /** {@code config} with this compression's keys (unchanged if nothing is compressed). */
    public Scalars addTo(Scalars config) {
        if (!enabled()) {
            return config;
        }
        Scalars.Builder b = config.toBuilder();
        if (up != CompressionMethod.NONE) {
            b.put(UP, up.key()).put(ERROR_FEEDBACK, errorFeedback);
            if (up == CompressionMethod.TOPK) {
                b.put(TOPK_FRACTION, topkFraction);
            }
            if (up == CompressionMethod.INT8) {
                b.put(INT8_CHUNK, (long) int8Chunk);
            }
        }
        if (down != CompressionMethod.NONE) {
            b.put(DOWN, down.key());
        }
        return b.build();
    }

    /** The compression a config asks for ({@link #NONE} without the keys); fails on an invalid value. */
    public static Compression fromConfig(Scalars config) {
        if (config == null || (!config.contains(UP) && !config.contains(DOWN))) {
            return NONE;
        }
        return new Compression(CompressionMethod.of(config.getString(UP, "none")), CompressionMethod.of(config.getString(DOWN, "none")),
                config.getDouble(TOPK_FRACTION, NONE.topkFraction), config.getBoolean(ERROR_FEEDBACK, true),
                (int) Math.min(Integer.MAX_VALUE, config.getLong(INT8_CHUNK, NONE.int8Chunk)));
    }

    /** Whether the global model sent with a task of {@code config} goes as float16. */
    public static boolean float16Down(Scalars config) {
        return config != null && CompressionMethod.FLOAT16.key().equals(config.getString(DOWN, "none"));
    }

    /**
     * Whether {@code global} can go as float16: every value within the finite half range. A model that is not is
     * sent as float32 rather than with infinities.
     */
    public static boolean fitsFloat16(Parameters global) {
        for (float v : global.flat()) {
            if (!(Math.abs(v) <= Float16.MAX_VALUE)) {
                return false;
            }
        }
        return true;
    }

    /**
     * What a client receives as the global model for a task of {@code config}: {@code global} rounded to float16 when
     * down compression is on (and every value fits), else {@code global} itself. The simulation's transport uses it
     * so that virtual clients see what remote ones decode.
     */
    public static Parameters received(Parameters global, Scalars config) {
        if (!float16Down(config) || !fitsFloat16(global)) {
            return global;
        }
        return global.map(Float16::round);
    }

    /**
     * Encodes {@code update} with {@link #up}; {@code seed} drives int8's stochastic rounding. An int8 or top-k message
     * is then DEFLATE-compressed when that makes it smaller ({@link UpdateCodec#deflated}): updates are far from
     * uniform (many near-zero changes, e.g. the weights of MNIST's always-blank border pixels), so the 8-bit codes
     * and top-k's index gaps carry fewer than 8 bits of information each. Lossless: the server decodes the same values.
     */
    public byte[] encode(float[] update, long seed) {
        return switch (up) {
            case FLOAT16 -> UpdateCodec.float16(update);
            case INT8 -> UpdateCodec.deflated(UpdateCodec.int8(update, int8Chunk, new SplittableRandom(seed)));
            case TOPK -> UpdateCodec.deflated(UpdateCodec.topK(update, UpdateCodec.topKCount(update.length, topkFraction)));
            case NONE, DEFLATED -> throw new IllegalStateException("no update compression configured");
        };
    }

    /**
     * The server's side: {@code reference + decoded update}, where {@code reference} is the global model the server
     * sent with the task (its full-precision copy, also under down compression).
     *
     * @throws IllegalArgumentException if the message is malformed or the sum is not finite
     */
    public static Parameters reconstruct(Parameters reference, byte[] message) {
        ParameterLayout layout = reference.layout();
        float[] delta = UpdateCodec.decode(message, layout.totalSize());
        float[] g = reference.flat();
        for (int i = 0; i < delta.length; i++) {
            float x = g[i] + delta[i];
            if (!Float.isFinite(x)) {
                int t = tensorOf(layout, i);
                throw new IllegalArgumentException("the reconstructed parameters' tensor '" + layout.tensor(t).name()
                        + "' holds " + x + " at index " + (i - layout.offset(t)));
            }
            delta[i] = x;
        }
        return Parameters.wrap(layout, delta);
    }

    private static int tensorOf(ParameterLayout layout, int flatIndex) {
        int t = 0;
        while (t + 1 < layout.numTensors() && layout.offset(t + 1) <= flatIndex) {
            t++;
        }
        return t;
    }

    /** {@code metrics} without {@link #COMPRESSED_UPDATE}. */
    public static Scalars withoutPayload(Scalars metrics) {
        if (!metrics.contains(COMPRESSED_UPDATE)) {
            return metrics;
        }
        Map<String, Object> m = new LinkedHashMap<>(metrics.asMap());
        m.remove(COMPRESSED_UPDATE);
        return Scalars.copyOf(m);
    }

    /** The settings as a description for summaries. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("up", up.key());
        m.put("down", down.key());
        if (up == CompressionMethod.TOPK) {
            m.put("topk_fraction", topkFraction);
        }
        if (up == CompressionMethod.INT8) {
            m.put("int8_chunk", int8Chunk);
        }
        if (up != CompressionMethod.NONE) {
            m.put("error_feedback", errorFeedback);
        }
        return m;
    }
}
