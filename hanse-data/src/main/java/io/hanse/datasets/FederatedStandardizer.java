package io.hanse.datasets;

import io.hanse.data.Dataset;
import java.util.List;
import java.util.Objects;

/**
 * Feature standardisation fitted federatedly: every site shares only its number of rows and, per feature, the
 * sum and the sum of squares of its values ({@link SiteStatistics}), never a row. These are plain sums over the
 * sites, so a federation can total them in one round of secure summation; {@link #combine} turns the totals into
 * the mean and population standard deviation that {@link Standardizer#fit} would compute on the pooled rows.
 *
 * <p>Numerics: the variance is {@code sumSq / n - mean^2}, evaluated in double. For features whose spread is
 * not tiny next to their magnitude this agrees with the pooled two-pass computation to about 1e-12 relative.
 * A feature is treated as constant (only centred, divisor 1, as {@link Standardizer} does) when its standard
 * deviation is at most 1e-12 or its variance is within the cancellation error of the formula, i.e. at most
 * {@value #RELATIVE_VARIANCE_FLOOR} times {@code sumSq / n} (a coefficient of variation below about 1e-6);
 * the pooled fit would divide such a near-constant feature by a tiny standard deviation instead.
 */
public final class FederatedStandardizer {

    /** Variances at most this fraction of the mean square are indistinguishable from cancellation noise. */
    static final double RELATIVE_VARIANCE_FLOOR = 1e-12;

    /**
     * What one site shares: its row count and, per feature, the sum and the sum of squares of its values.
     * Arrays are owned by the record (copied in and out).
     */
    public record SiteStatistics(long count, double[] sum, double[] sumOfSquares) {

        public SiteStatistics {
            Objects.requireNonNull(sum, "sum");
            Objects.requireNonNull(sumOfSquares, "sumOfSquares");
            if (count < 0) {
                throw new IllegalArgumentException("count " + count + " is negative");
            }
            if (sum.length != sumOfSquares.length) {
                throw new IllegalArgumentException(sum.length + " sums but " + sumOfSquares.length + " sums of squares");
            }
            sum = sum.clone();
            sumOfSquares = sumOfSquares.clone();
        }

        /** The statistics of the examples of {@code site} (which may be a view, and may be empty). */
        public static SiteStatistics of(Dataset site) {
            int d = site.featureSize();
            double[] sum = new double[d];
            double[] sq = new double[d];
            float[] row = new float[d];
            for (int i = 0; i < site.size(); i++) {
                site.copyFeatures(i, row, 0);
                for (int j = 0; j < d; j++) {
                    double v = row[j];
                    sum[j] += v;
                    sq[j] += v * v;
                }
            }
            return new SiteStatistics(site.size(), sum, sq);
        }

        /** Number of features. */
        public int features() {
            return sum.length;
        }

        @Override
        public double[] sum() {
            return sum.clone();
        }

        @Override
        public double[] sumOfSquares() {
            return sumOfSquares.clone();
        }
    }

    private final Standardizer standardizer;
    private final long count;

    private FederatedStandardizer(Standardizer standardizer, long count) {
        this.standardizer = standardizer;
        this.count = count;
    }

    /** The statistics of every partition ({@code partitions[k]} are row indices of {@code train}). */
    public static List<SiteStatistics> siteStatistics(Dataset train, int[][] partitions) {
        SiteStatistics[] out = new SiteStatistics[partitions.length];
        for (int k = 0; k < partitions.length; k++) {
            out[k] = SiteStatistics.of(train.view(partitions[k]));
        }
        return List.of(out);
    }

    /** Totals the sites' statistics (what secure summation would reveal) and derives mean and standard deviation. */
    public static FederatedStandardizer combine(List<SiteStatistics> sites) {
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("no site statistics to combine");
        }
        int d = sites.get(0).features();
        long n = 0;
        double[] sum = new double[d];
        double[] sq = new double[d];
        for (SiteStatistics s : sites) {
            if (s.features() != d) {
                throw new IllegalArgumentException("a site has " + s.features() + " features, another " + d);
            }
            n = Math.addExact(n, s.count()); // counts may come from clients
            for (int j = 0; j < d; j++) {
                sum[j] += s.sum[j];
                sq[j] += s.sumOfSquares[j];
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("cannot fit a standardizer on sites that hold no examples");
        }
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = sum[j] / n;
            double meanSquare = sq[j] / n;
            double var = meanSquare - mean[j] * mean[j];
            double s = var > RELATIVE_VARIANCE_FLOOR * meanSquare ? Math.sqrt(var) : 0;
            std[j] = s > 1e-12 ? s : 1;
        }
        return new FederatedStandardizer(new Standardizer(mean, std), n);
    }

    /** A new dataset (own arrays) holding {@code data}'s examples standardised, exactly as {@link Standardizer#apply}. */
    public Dataset apply(Dataset data) {
        return standardizer.apply(data);
    }

    /** The equivalent {@link Standardizer}. */
    public Standardizer standardizer() {
        return standardizer;
    }

    /** Total number of examples over all sites. */
    public long count() {
        return count;
    }

    /** Per-feature means (a copy). */
    public float[] mean() {
        return standardizer.mean();
    }

    /** Per-feature divisors (a copy; 1 for constant features). */
    public float[] std() {
        return standardizer.std();
    }

    /** Per-feature means in double precision (a copy). */
    public double[] exactMean() {
        return standardizer.exactMean();
    }

    /** Per-feature divisors in double precision (a copy). */
    public double[] exactStd() {
        return standardizer.exactStd();
    }
}
