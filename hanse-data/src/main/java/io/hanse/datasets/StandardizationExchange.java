package io.hanse.datasets;

import io.hanse.client.Client;
import io.hanse.client.EvaluateResult;
import io.hanse.client.FitResult;
import io.hanse.client.MessageHandler;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.data.Dataset;
import io.hanse.server.ClientProxy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Federated feature standardisation as a message exchange before the first round, for deployments where each
 * site holds only its own rows ({@code protocol = "hanse.standardize"}).
 *
 * <p>Two steps, over {@link ClientProxy#exchange} (so the same in-process and over gRPC):
 * <ol>
 *   <li>{@code STATS}: every client answers with its {@link FederatedStandardizer.SiteStatistics} (row count,
 *       per-feature sums and sums of squares of its raw rows);</li>
 *   <li>{@code APPLY}: the server totals them ({@link FederatedStandardizer#combine}) and sends every client the
 *       resulting means and divisors; each client standardises its rows and only then trains.</li>
 * </ol>
 * The server standardises its held-out test set with the same figures, so model inputs mean the same everywhere,
 * and the result equals what {@code hanse simulate} computes from the same partitions.
 *
 * <p>Privacy: no row leaves a site, but the server sees each site's count, sums and sums of squares, not only
 * their totals; a federation that must hide per-site statistics would sum them with secure aggregation first.
 * Both steps are idempotent, so a server that restarts (or resumes) simply runs them again: clients keep their
 * raw rows and standardise them afresh.
 *
 * <p>Wire format (little-endian): a request is one type byte ({@code 1} STATS, {@code 2} APPLY followed by
 * {@code int features, double[features] mean, double[features] std}); the STATS reply is
 * {@code long count, int features, double[features] sum, double[features] sumOfSquares}; the APPLY reply is
 * the single byte {@code 2}. Every message is checked for length, feature count and finite values before it is used.
 */
public final class StandardizationExchange {

    /** The protocol name carried by {@link ClientProxy#exchange} and {@link MessageHandler#handle}. */
    public static final String PROTOCOL = "hanse.standardize";

    static final byte STATS = 1;
    static final byte APPLY = 2;

    private StandardizationExchange() {
    }

    /**
     * Runs both steps with {@code clients} (all of them must answer) and returns the combined standardiser.
     *
     * @param features number of features every site must report
     * @throws IllegalStateException naming the client, if one fails, times out or answers with a malformed reply
     */
    public static FederatedStandardizer run(List<ClientProxy> clients, int features, Duration timeout) throws InterruptedException {
        if (clients.isEmpty()) {
            throw new IllegalStateException("federated standardisation needs at least one client");
        }
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (ClientProxy c : clients) {
            replies.add(c.exchange(PROTOCOL, new byte[]{STATS}, null, Scalars.EMPTY, timeout));
        }
        List<FederatedStandardizer.SiteStatistics> sites = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            byte[] reply = await(replies.get(i), clients.get(i), "statistics", timeout);
            try {
                sites.add(decodeStatistics(reply, features));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("client " + clients.get(i).id() + " sent malformed statistics: " + e.getMessage(), e);
            }
        }
        FederatedStandardizer s = FederatedStandardizer.combine(sites);
        byte[] apply = encodeApply(s);
        List<CompletableFuture<byte[]>> acks = new ArrayList<>();
        for (ClientProxy c : clients) {
            acks.add(c.exchange(PROTOCOL, apply, null, Scalars.EMPTY, timeout));
        }
        for (int i = 0; i < clients.size(); i++) {
            await(acks.get(i), clients.get(i), "acknowledgement of the standardisation", timeout);
        }
        return s;
    }

    private static byte[] await(CompletableFuture<byte[]> f, ClientProxy c, String what, Duration timeout) throws InterruptedException {
        try {
            // the proxy enforces the timeout itself; the extra second only guards against a proxy that does not
            return f.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("client " + c.id() + " did not send its " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("client " + c.id() + " did not send its " + what + " within " + timeout.toSeconds() + " s", e);
        }
    }

    static byte[] encodeStatistics(FederatedStandardizer.SiteStatistics s) {
        int d = s.features();
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + 16 * d).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(s.count()).putInt(d);
        for (double v : s.sum()) {
            b.putDouble(v);
        }
        for (double v : s.sumOfSquares()) {
            b.putDouble(v);
        }
        return b.array();
    }

    static FederatedStandardizer.SiteStatistics decodeStatistics(byte[] bytes, int features) {
        if (bytes == null || bytes.length < 12) {
            throw new IllegalArgumentException((bytes == null ? 0 : bytes.length) + " bytes, expected at least 12");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long count = b.getLong();
        int d = b.getInt();
        if (d != features) {
            throw new IllegalArgumentException(d + " features, expected " + features);
        }
        if (bytes.length != 12 + 16L * d) {
            throw new IllegalArgumentException(bytes.length + " bytes for " + d + " features, expected " + (12 + 16L * d));
        }
        if (count < 0) {
            throw new IllegalArgumentException("negative row count " + count);
        }
        double[] sum = new double[d];
        double[] sq = new double[d];
        for (int j = 0; j < d; j++) {
            sum[j] = finite(b.getDouble(), "sum", j);
        }
        for (int j = 0; j < d; j++) {
            sq[j] = finite(b.getDouble(), "sum of squares", j);
            if (sq[j] < 0) {
                throw new IllegalArgumentException("negative sum of squares " + sq[j] + " for feature " + j);
            }
        }
        return new FederatedStandardizer.SiteStatistics(count, sum, sq);
    }

    static byte[] encodeApply(FederatedStandardizer s) {
        double[] mean = s.exactMean();
        double[] std = s.exactStd();
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + 16 * mean.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(APPLY).putInt(mean.length);
        for (double v : mean) {
            b.putDouble(v);
        }
        for (double v : std) {
            b.putDouble(v);
        }
        return b.array();
    }

    static Standardizer decodeApply(byte[] bytes, int features) {
        if (bytes.length < 5) {
            throw new IllegalArgumentException("truncated standardisation message of " + bytes.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.get();
        int d = b.getInt();
        if (d != features) {
            throw new IllegalArgumentException("the server's standardisation has " + d + " features, this client's data " + features);
        }
        if (bytes.length != 5 + 16L * d) {
            throw new IllegalArgumentException(bytes.length + " bytes for " + d + " features, expected " + (5 + 16L * d));
        }
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = finite(b.getDouble(), "mean", j);
        }
        for (int j = 0; j < d; j++) {
            std[j] = finite(b.getDouble(), "standard deviation", j);
            if (!(std[j] > 0)) {
                throw new IllegalArgumentException("standard deviation " + std[j] + " of feature " + j + " is not positive");
            }
        }
        return new Standardizer(mean, std);
    }

    private static double finite(double v, String what, int j) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(what + " of feature " + j + " is " + v);
        }
        return v;
    }

    /**
     * A client that holds raw rows until the server's standardisation arrives, then trains on the standardised
     * rows through the client that {@code build} makes from them. Messages of other protocols go to that client
     * (if it handles messages). Training or evaluating before the standardisation fails with a reason, so the
     * server counts the task as failed instead of aggregating a model trained on raw features.
     */
    public static final class StandardizingClient implements Client, MessageHandler {

        private final Dataset raw;
        private final Function<Dataset, Client> build;
        private volatile Client inner;

        public StandardizingClient(Dataset raw, Function<Dataset, Client> build) {
            this.raw = Objects.requireNonNull(raw, "raw");
            this.build = Objects.requireNonNull(build, "build");
        }

        /** True once the server's standardisation has been applied. */
        public boolean standardized() {
            return inner != null;
        }

        @Override
        public byte[] handle(String protocol, byte[] message, Parameters parameters, Scalars config) {
            if (!PROTOCOL.equals(protocol)) {
                if (inner instanceof MessageHandler h) {
                    return h.handle(protocol, message, parameters, config);
                }
                throw new IllegalArgumentException(inner == null
                        ? "'" + protocol + "' message before the federated standardisation ('" + PROTOCOL + "')"
                        : "this client does not handle '" + protocol + "' messages");
            }
            if (message == null || message.length == 0) {
                throw new IllegalArgumentException("empty '" + PROTOCOL + "' message");
            }
            return switch (message[0]) {
                case STATS -> encodeStatistics(FederatedStandardizer.SiteStatistics.of(raw));
                case APPLY -> {
                    Standardizer s = decodeApply(message, raw.featureSize());
                    inner = build.apply(s.apply(raw));
                    yield new byte[]{APPLY}; // transports refuse empty replies
                }
                default -> throw new IllegalArgumentException("unknown '" + PROTOCOL + "' message type " + message[0]);
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
                throw new IllegalStateException("this client has not received the federated standardisation yet ('" + PROTOCOL
                        + "' exchange); it joined after the server ran it, or the server skipped it");
            }
            return c;
        }
    }
}
