package io.hanse.datasets;

import io.hanse.client.Client;
import io.hanse.client.PreparingClient;
import io.hanse.data.Dataset;
import io.hanse.server.ClientProxy;
import io.hanse.server.PreparationRound;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Federated feature standardisation as a message exchange before the first round, for deployments where each
 * site holds only its own rows ({@code protocol = "hanse.standardize"}).
 *
 * <p>Two steps, a {@link PreparationRound} with {@link PreparingClient}s (so the same in-process and over gRPC):
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
 * <p>Wire format (little-endian; the framing is {@link PreparingClient}'s): a report is
 * {@code long count, int features, double[features] sum, double[features] sumOfSquares}; the result is
 * {@code int features, double[features] mean, double[features] std}. Both are checked for length, feature count and
 * finite values before use.
 */
public final class StandardizationExchange {

    /** The protocol name carried by {@link ClientProxy#exchange} and {@link io.hanse.client.MessageHandler#handle}. */
    public static final String PROTOCOL = "hanse.standardize";

    private StandardizationExchange() {
    }

    /**
     * Runs the exchange with {@code clients} (all of them must answer) and returns the combined standardiser.
     *
     * @param features number of features every site must report
     * @throws IllegalStateException naming the client, if one fails, times out or answers with a malformed reply
     */
    public static FederatedStandardizer run(List<ClientProxy> clients, int features, Duration timeout) throws InterruptedException {
        return PreparationRound.run(PROTOCOL, clients, combiner(features), timeout);
    }

    /** The server's side: checks each site's statistics, totals them, and encodes the means and divisors. */
    public static PreparationRound.Combiner<FederatedStandardizer.SiteStatistics, FederatedStandardizer> combiner(int features) {
        return new PreparationRound.Combiner<>() {
            @Override
            public FederatedStandardizer.SiteStatistics decode(byte[] report) {
                return decodeStatistics(report, features);
            }

            @Override
            public FederatedStandardizer combine(List<FederatedStandardizer.SiteStatistics> reports) {
                return FederatedStandardizer.combine(reports);
            }

            @Override
            public byte[] encode(FederatedStandardizer result) {
                return encodeResult(result);
            }
        };
    }

    /** A site's side: it reports the statistics of its raw rows and trains on them standardised with the result. */
    public static PreparingClient.Preparation preparation(Dataset raw) {
        Objects.requireNonNull(raw, "raw");
        return new PreparingClient.Preparation() {
            @Override
            public String protocol() {
                return PROTOCOL;
            }

            @Override
            public byte[] report() {
                return encodeStatistics(FederatedStandardizer.SiteStatistics.of(raw));
            }

            @Override
            public Dataset apply(byte[] result) {
                return decodeResult(result, raw.featureSize()).apply(raw);
            }
        };
    }

    /** A site holding {@code raw} rows that trains, once standardised, through the client {@code build} makes. */
    public static PreparingClient client(Dataset raw, Function<Dataset, Client> build) {
        return new PreparingClient(preparation(raw), build);
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
        if (count < 0 || count > 1L << 48) {
            throw new IllegalArgumentException("row count " + count + " is invalid, allowed: 0 .. 2^48");
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
            // real rows satisfy (sum x)^2 <= n * sum x^2 (Cauchy-Schwarz); anything else would fake a variance
            if (!Double.isFinite(count * sq[j]) || !Double.isFinite(sum[j] * sum[j])
                    || sum[j] * sum[j] > count * sq[j] * (1 + 1e-9) + Double.MIN_NORMAL) {
                throw new IllegalArgumentException("feature " + j + ": sum " + sum[j] + " and sum of squares " + sq[j]
                        + " cannot come from " + count + " rows");
            }
        }
        return new FederatedStandardizer.SiteStatistics(count, sum, sq);
    }

    static byte[] encodeResult(FederatedStandardizer s) {
        double[] mean = s.exactMean();
        double[] std = s.exactStd();
        ByteBuffer b = ByteBuffer.allocate(4 + 16 * mean.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(mean.length);
        for (double v : mean) {
            b.putDouble(v);
        }
        for (double v : std) {
            b.putDouble(v);
        }
        return b.array();
    }

    static Standardizer decodeResult(byte[] bytes, int features) {
        if (bytes.length < 4) {
            throw new IllegalArgumentException("truncated standardisation result of " + bytes.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int d = b.getInt();
        if (d != features) {
            throw new IllegalArgumentException("the server's standardisation has " + d + " features, this client's data " + features);
        }
        if (bytes.length != 4 + 16L * d) {
            throw new IllegalArgumentException(bytes.length + " bytes for " + d + " features, expected " + (4 + 16L * d));
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
}
