package io.hanse.cli;

import io.hanse.server.RoundListener;
import io.hanse.server.RoundRecord;
import io.hanse.server.TrafficMeter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes {@code rounds.csv}: a header, then one row per round as it finishes (flushed, so a plotting
 * tool can follow a long run). Empty cells mean "not measured in this round".
 */
public final class RoundsCsv implements RoundListener, AutoCloseable {

    public static final String HEADER = "round,accuracy,loss,seconds,clients_sampled,clients_completed,clients_failed,"
            + "aggregated,train_loss,distributed_loss,distributed_accuracy,epsilon,bytes_up,bytes_down,error";

    private final Writer out;
    private volatile TrafficMeter traffic;
    private long lastUp;
    private long lastDown;

    /** A CSV whose bytes columns stay empty until a {@link #meter} is set. */
    public RoundsCsv(Path file) {
        this(file, null);
    }

    /**
     * A CSV whose bytes columns hold the traffic of each round (fit and evaluation), from {@code traffic}'s running
     * totals: {@code bytes_up} clients to server, {@code bytes_down} server to clients, encoded payload bytes.
     */
    public RoundsCsv(Path file, TrafficMeter traffic) {
        this.traffic = traffic;
        // counted from here: traffic before the first round (a data preparation exchange) is in no round's row
        if (traffic != null) {
            this.lastUp = traffic.bytesUp();
            this.lastDown = traffic.bytesDown();
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            out.write(HEADER + "\n");
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Rows of rounds that ran before a restart, without traffic figures. */
    public void writeAll(java.util.List<RoundRecord> previous) {
        for (RoundRecord r : previous) {
            write(r, "", "");
        }
    }

    /** Sets the traffic totals the bytes columns come from (a simulation's federation, created after the CSV). */
    public void meter(TrafficMeter meter) {
        this.traffic = meter;
        this.lastUp = meter.bytesUp();
        this.lastDown = meter.bytesDown();
    }

    @Override
    public void onRound(RoundRecord r) {
        String up = "";
        String down = "";
        TrafficMeter t = traffic;
        if (t != null) {
            long u = t.bytesUp();
            long d = t.bytesDown();
            up = Long.toString(u - lastUp);
            down = Long.toString(d - lastDown);
            lastUp = u;
            lastDown = d;
        }
        write(r, up, down);
    }

    private void write(RoundRecord r, String up, String down) {
        String row = String.join(",",
                Integer.toString(r.round()),
                num(r.accuracy()),
                num(r.loss()),
                String.format(Locale.ROOT, "%.3f", r.seconds()),
                Integer.toString(r.sampled()),
                Integer.toString(r.completed()),
                Integer.toString(r.failures().size()),
                Boolean.toString(r.aggregated()),
                num(r.fitMetrics().getDouble("train_loss", Double.NaN)),
                num(r.distributed() == null ? Double.NaN : r.distributed().loss()),
                num(r.distributed() == null ? Double.NaN : r.distributed().accuracy()),
                num(r.fitMetrics().getDouble("epsilon", Double.NaN)),
                up,
                down,
                r.error() == null ? "" : '"' + r.error().replace("\"", "\"\"") + '"');
        try {
            out.write(row + "\n");
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write rounds.csv", e);
        }
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
