package io.hanse.strategy;

import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What the strategies that need the client's help ({@link FedProx}, {@link Scaffold}, {@link FedNova},
 * {@link QFedAvg}) share: a builder with FedAvg's options that returns its own type, adding keys to a
 * round's fit config, and update arithmetic in double precision.
 */
final class ClientAssisted {

    private static final int BLOCK = 1 << 14;

    private ClientAssisted() {
    }

    /**
     * The instructions with {@code extra} added to each config; {@code extra} wins over a key of the
     * same name from the user's fit config, since the strategy depends on it. All instructions of a
     * round share one config, so it is merged once.
     */
    static List<FitInstruction> withConfig(List<FitInstruction> instructions, Scalars extra) {
        List<FitInstruction> out = new ArrayList<>(instructions.size());
        Scalars last = null;
        Scalars merged = null;
        for (FitInstruction i : instructions) {
            if (i.config() != last) {
                last = i.config();
                merged = last.toBuilder().putAll(extra).build();
            }
            out.add(new FitInstruction(i.client(), i.parameters(), merged));
        }
        return out;
    }

    /**
     * {@code x + sum_k coefficients[k] * (ys[k] - x)}, per value in double precision and rounded to
     * float once. Blocks of values are computed in parallel; each adds the clients in list order, so the
     * result does not depend on the thread count.
     */
    static Parameters moveTowards(Parameters x, List<Parameters> ys, double[] coefficients) {
        ParameterLayout layout = x.layout();
        float[][] sources = new float[ys.size()][];
        for (int k = 0; k < sources.length; k++) {
            layout.requireSameAs(ys.get(k).layout());
            sources[k] = ys.get(k).flat();
        }
        return combine(x, sources, coefficients, true);
    }

    /** {@code base + sum_k coefficients[k] * terms[k]}, in double precision, rounded to float once. */
    static Parameters addScaled(Parameters base, List<Parameters> terms, double[] coefficients) {
        ParameterLayout layout = base.layout();
        float[][] sources = new float[terms.size()][];
        for (int k = 0; k < sources.length; k++) {
            layout.requireSameAs(terms.get(k).layout());
            sources[k] = terms.get(k).flat();
        }
        return combine(base, sources, coefficients, false);
    }

    private static Parameters combine(Parameters base, float[][] sources, double[] coefficients, boolean relative) {
        if (sources.length != coefficients.length) {
            throw new IllegalArgumentException(sources.length + " parameter sets but " + coefficients.length + " coefficients");
        }
        float[] x = base.flat();
        int size = x.length;
        float[] out = new float[size];
        int blocks = (size + BLOCK - 1) / BLOCK;
        IntStream.range(0, blocks).parallel().forEach(b -> {
            int from = b * BLOCK;
            int to = Math.min(size, from + BLOCK);
            double[] acc = new double[to - from];
            for (int k = 0; k < sources.length; k++) {
                float[] src = sources[k];
                double c = coefficients[k];
                for (int i = from; i < to; i++) {
                    double d = relative ? (double) src[i] - x[i] : src[i];
                    acc[i - from] += c * d;
                }
            }
            for (int i = from; i < to; i++) {
                out[i] = (float) (x[i] + acc[i - from]);
            }
        });
        return Parameters.wrap(base.layout(), out);
    }

    /** {@code ||a - b||^2}, in double. */
    static double squaredDistance(Parameters a, Parameters b) {
        a.layout().requireSameAs(b.layout());
        float[] x = a.flat();
        float[] y = b.flat();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) x[i] - y[i];
            s += d * d;
        }
        return s;
    }

    /** A numeric metric, or NaN if absent or not a number. */
    static double number(Scalars metrics, String key) {
        return metrics.get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static void requireFinite(String key, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(key + " = " + value + " is invalid, allowed: finite");
        }
    }

    /**
     * {@link FedAvg.Builder}'s options, each setter returning the concrete builder so that options chain
     * in any order: {@code FedProx.builder(0.01).fractionFit(0.1).minFitClients(10).build()}.
     */
    abstract static class Builder<B extends Builder<B>> extends FedAvg.TypedBuilder<B> {

        @Override
        @SuppressWarnings("unchecked")
        protected final B self() {
            return (B) this;
        }

        @Override
        public abstract FedAvg build();
    }
}
