package io.hanse.client;

import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.data.Dataset;

import java.util.Objects;
import java.util.function.Function;

/**
 * A client whose training data depends on a statistic of the whole federation (feature means and deviations, a
 * vocabulary): it keeps its raw data until the server's {@link io.hanse.server.PreparationRound} has collected every
 * client's report and sent back the combined result, then trains on the prepared data through the client that
 * {@code build} makes from it.
 *
 * <p>Messages of {@link Preparation#protocol()}: {@code [1]} asks for this client's report; {@code [2, result...]}
 * delivers the result, answered with {@code [2]}. Both are idempotent, so a server that restarts simply runs the
 * round again. Messages of other protocols go to the built client (if it handles messages). Training or
 * evaluating before the result arrives fails with a reason, so the server counts the task as failed instead of
 * aggregating a model trained on unprepared data.
 */
public final class PreparingClient implements Client, MessageHandler {

    /** First byte of the message that asks for the client's report. */
    public static final byte REPORT = 1;
    /** First byte of the message that carries the combined result; also the acknowledgement. */
    public static final byte APPLY = 2;

    /** The client's side of one preparation: what it reports and how it prepares its data from the result. */
    public interface Preparation {

        /** The protocol name, e.g. {@code "hanse.standardize"}. */
        String protocol();

        /** This client's report, computed on its own raw data only. */
        byte[] report();

        /**
         * The prepared training data, from the server's result.
         *
         * @throws IllegalArgumentException if the result is malformed; the client stays unprepared
         */
        Dataset apply(byte[] result);
    }

    private final Preparation preparation;
    private final Function<Dataset, Client> build;
    private volatile Client inner;

    public PreparingClient(Preparation preparation, Function<Dataset, Client> build) {
        this.preparation = Objects.requireNonNull(preparation, "preparation");
        this.build = Objects.requireNonNull(build, "build");
    }

    /** True once the server's result has been applied. */
    public boolean prepared() {
        return inner != null;
    }

    @Override
    public byte[] handle(String protocol, byte[] message, Parameters parameters, Scalars config) {
        if (!preparation.protocol().equals(protocol)) {
            if (inner instanceof MessageHandler h) {
                return h.handle(protocol, message, parameters, config);
            }
            throw new IllegalArgumentException(inner == null
                    ? "'" + protocol + "' message before the data preparation ('" + preparation.protocol() + "')"
                    : "this client does not handle '" + protocol + "' messages");
        }
        if (message == null || message.length == 0) {
            throw new IllegalArgumentException("empty '" + protocol + "' message");
        }
        return switch (message[0]) {
            case REPORT -> preparation.report();
            case APPLY -> {
                byte[] result = java.util.Arrays.copyOfRange(message, 1, message.length);
                inner = build.apply(preparation.apply(result));
                yield new byte[]{APPLY}; // transports refuse empty replies
            }
            default -> throw new IllegalArgumentException("unknown '" + protocol + "' message type " + message[0]);
        };
    }

    @Override
    public Parameters getParameters(Scalars config) {
        return ready().getParameters(config);
    }

    @Override
    public FitResult fit(Parameters parameters, Scalars config) {
        return ready().fit(parameters, config);
    }

    @Override
    public EvaluateResult evaluate(Parameters parameters, Scalars config) {
        return ready().evaluate(parameters, config);
    }

    private Client ready() {
        Client c = inner;
        if (c == null) {
            throw new IllegalStateException("this client has not received the result of the data preparation ('"
                    + preparation.protocol() + "') yet; it joined after the server ran it, or the server skipped it");
        }
        return c;
    }
}
