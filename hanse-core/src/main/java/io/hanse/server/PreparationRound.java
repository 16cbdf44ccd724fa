package io.hanse.server;

import io.hanse.client.PreparingClient;
import io.hanse.core.Scalars;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The server's side of a data preparation before the first round (see {@link PreparingClient}): it asks every client
 * for its report, decodes and checks each one, combines them, and sends the result to every client. Reports travel
 * over {@link ClientProxy#exchange}, so this runs the same in-process and over gRPC.
 */
public final class PreparationRound {

    /** What the server does with the reports of one protocol. */
    public interface Combiner<T, R> {

        /**
         * One client's report, checked.
         *
         * @throws IllegalArgumentException if it is malformed (the round fails naming the client)
         */
        T decode(byte[] report);

        /** The federation's result from all reports. */
        R combine(List<T> reports);

        /** The result as sent to the clients. */
        byte[] encode(R result);
    }

    private PreparationRound() {
    }

    /**
     * Runs the round with {@code clients}, all of which must answer.
     *
     * @throws IllegalStateException naming the client, if one fails, times out or sends a malformed report; no
     *                               result is sent to anyone then
     */
    public static <T, R> R run(String protocol, List<ClientProxy> clients, Combiner<T, R> combiner, Duration timeout)
            throws InterruptedException {
        if (clients.isEmpty()) {
            throw new IllegalStateException("the '" + protocol + "' preparation needs at least one client");
        }
        List<CompletableFuture<byte[]>> replies = new ArrayList<>();
        for (ClientProxy c : clients) {
            replies.add(c.exchange(protocol, new byte[]{PreparingClient.REPORT}, null, Scalars.EMPTY, timeout));
        }
        List<T> reports = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            byte[] reply = await(replies.get(i), clients.get(i), "report", timeout);
            try {
                reports.add(combiner.decode(reply));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("client " + clients.get(i).id() + " sent a malformed '" + protocol + "' report: "
                        + e.getMessage(), e);
            }
        }
        R result = combiner.combine(reports);
        byte[] body = combiner.encode(result);
        byte[] message = new byte[body.length + 1];
        message[0] = PreparingClient.APPLY;
        System.arraycopy(body, 0, message, 1, body.length);
        List<CompletableFuture<byte[]>> acks = new ArrayList<>();
        for (ClientProxy c : clients) {
            acks.add(c.exchange(protocol, message, null, Scalars.EMPTY, timeout));
        }
        for (int i = 0; i < clients.size(); i++) {
            await(acks.get(i), clients.get(i), "acknowledgement of the '" + protocol + "' result", timeout);
        }
        return result;
    }

    private static byte[] await(CompletableFuture<byte[]> f, ClientProxy c, String what, Duration timeout) throws InterruptedException {
        try {
            // the proxy enforces the timeout itself; the extra second only guards against one that does not
            return f.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new IllegalStateException("client " + c.id() + " did not send its " + what + ": "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.toString()), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("client " + c.id() + " did not send its " + what + " within " + timeout.toSeconds() + " s", e);
        }
    }
}
