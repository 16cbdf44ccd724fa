package io.hanse.cli;

import io.hanse.client.ModelClient;
import io.hanse.core.Scalars;
import io.hanse.server.RoundListener;
import io.hanse.strategy.ClientFailure;
import io.hanse.strategy.ClientFit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@code clients.csv}: one row per client and round of the fit phase, as each round finishes (flushed):
 * {@code round,client,status,num_examples,train_loss,steps,reason}. {@code status} is {@code ok} for an update the
 * server accepted and {@code failed} (with the reason) for a client that timed out, crashed or whose update was
 * refused. Empty cells mean "not reported". With secure aggregation only failures are listed: the server never
 * sees an individual update.
 */
public final class ClientsCsv implements RoundListener, AutoCloseable {

    public static final String HEADER = "round,client,status,num_examples,train_loss,steps,reason";

    private final Writer out;

    public ClientsCsv(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            out.write(HEADER + "\n");
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    @Override
    public void onClientResults(int round, List<ClientFit> fits, List<ClientFailure> failures) {
        try {
            for (ClientFit f : fits) {
                Scalars m = f.result().metrics();
                out.write(round + "," + csv(f.clientId()) + ",ok," + f.result().numExamples() + ","
                        + (m.keys().contains(ModelClient.TRAIN_LOSS) ? String.format(Locale.ROOT, "%.6g", m.getDouble(ModelClient.TRAIN_LOSS, Double.NaN)) : "")
                        + "," + (m.keys().contains(ModelClient.STEPS) ? Long.toString(m.getLong(ModelClient.STEPS, 0)) : "") + ",\n");
            }
            for (ClientFailure f : failures) {
                out.write(round + "," + csv(f.clientId()) + ",failed,,,," + csv(f.reason()) + "\n");
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write clients.csv", e);
        }
    }

    /** Quotes a cell that holds a comma, quote or line break, as RFC 4180 does. */
    static String csv(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
