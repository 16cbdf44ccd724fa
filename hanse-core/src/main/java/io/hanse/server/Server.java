package io.hanse.server;

import io.hanse.client.FitResult;
import io.hanse.core.ParameterMismatchException;
import io.hanse.core.Parameters;
import io.hanse.core.Scalars;
import io.hanse.strategy.AggregatedFit;
import io.hanse.strategy.ClientEvaluation;
import io.hanse.strategy.ClientFailure;
import io.hanse.strategy.ClientFit;
import io.hanse.strategy.EvaluateInstruction;
import io.hanse.strategy.Evaluation;
import io.hanse.strategy.FitInstruction;
import io.hanse.strategy.FitWorkflow;
import io.hanse.strategy.Strategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The federated round loop. Each round: the strategy picks clients and configs, the server sends fit
 * to all of them at once through their {@link ClientProxy}, waits up to the round timeout, checks every
 * result, applies the failure policy, lets the strategy aggregate, then evaluates.
 *
 * <p>The server knows nothing of how clients are reached: simulation and deployment run this same loop
 * with different proxies. A result whose parameters do not match the global model's layout, or hold
 * NaN or infinity, is refused and counted as that client's failure; the global model changes only
 * through the strategy's aggregate of accepted results.
 */
public final class Server {

    private static final Logger log = LoggerFactory.getLogger(Server.class);

    private final ClientManager clients;
    private final Strategy strategy;
    private final ServerConfig config;
    private final RoundListener listener;
    private final History history = new History();
    private volatile Parameters parameters;

    public Server(ClientManager clients, Strategy strategy, ServerConfig config, RoundListener listener) {
        this.clients = clients;
        this.strategy = strategy;
        this.config = config;
        this.listener = listener;
    }

    /** The current global parameters (null before {@link #run()} initialised them). */
    public Parameters parameters() {
        return parameters;
    }

    public History history() {
        return history;
    }

    /** Puts back the records of rounds completed before a restart, in order. */
    public void restoreHistory(List<RoundRecord> previous) {
        previous.forEach(history::add);
    }

    /** Runs all rounds (or until the target accuracy) and returns the history. */
    public History run() throws InterruptedException {
        return run(null, 1);
    }

    /**
     * Runs rounds {@code firstRound..numRounds} from {@code start} parameters (null: initialise them);
     * lets a restarted server continue a run. Records of the rounds already done can be put back with
     * {@link #restoreHistory} first, so that the history covers the whole run.
     */
    public History run(Parameters start, int firstRound) throws InterruptedException {
        if (!clients.waitFor(config.minAvailableClients(), config.waitForClients())) {
            throw new IllegalStateException("only " + clients.numAvailable() + " of min_available_clients = "
                    + config.minAvailableClients() + " clients connected within " + config.waitForClients().toSeconds() + " s");
        }
        listener.onStart(config.numRounds());
        parameters = start != null ? start : initialParameters();
        if (firstRound <= 1) {
            long t0 = System.nanoTime();
            Evaluation initial = strategy.evaluate(0, parameters).orElse(null);
            if (initial != null) {
                record(new RoundRecord(0, 0, 0, List.of(), false, null, Scalars.EMPTY, initial, null, seconds(t0)));
            }
        }
        for (int round = Math.max(1, firstRound); round <= config.numRounds(); round++) {
            RoundRecord r = runRound(round);
            record(r);
            if (!Double.isNaN(config.targetAccuracy()) && r.accuracy() >= config.targetAccuracy()) {
                log.info("round {}: accuracy {} reached target {}, stopping", round, r.accuracy(), config.targetAccuracy());
                break;
            }
            if (strategy.isFinished()) {
                log.info("round {}: the strategy is finished (e.g. its privacy budget is spent), stopping", round);
                break;
            }
        }
        listener.onFinish(history);
        return history;
    }

    private void record(RoundRecord r) {
        history.add(r);
        listener.onRoundCompleted(r, parameters);
        listener.onRound(r);
    }

    private Parameters initialParameters() throws InterruptedException {
        Optional<Parameters> p = strategy.initializeParameters(clients);
        if (p.isPresent()) {
            return p.get();
        }
        List<ClientProxy> all = clients.all();
        if (all.isEmpty()) {
            throw new IllegalStateException("the strategy gave no initial parameters and no client is connected to ask");
        }
        ClientProxy first = all.get(0);
        log.info("asking client {} for initial parameters", first.id());
        CompletableFuture<Parameters> request = first.getParameters(Scalars.EMPTY, config.roundTimeout());
        Parameters initial;
        try {
            initial = request.get(config.roundTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            request.cancel(true);
            throw new IllegalStateException("client " + first.id() + " could not provide initial parameters: " + e, e);
        }
        if (initial == null) {
            throw new IllegalStateException("client " + first.id() + " returned no initial parameters");
        }
        int bad = initial.firstNonFiniteTensor();
        if (bad >= 0) {
            throw new IllegalStateException("client " + first.id() + " returned initial parameters whose tensor '"
                    + initial.layout().tensor(bad).name() + "' holds NaN or infinite values");
        }
        return initial;
    }

    private RoundRecord runRound(int round) throws InterruptedException {
        long t0 = System.nanoTime();
        List<FitInstruction> instructions = strategy.configureFit(round, parameters, clients);
        if (instructions.isEmpty()) {
            log.warn("round {}: the strategy selected no client; global model unchanged", round);
            return new RoundRecord(round, 0, 0, List.of(), false, "no client selected", Scalars.EMPTY,
                    null, null, seconds(t0));
        }
        Optional<FitWorkflow> workflow = strategy.fitWorkflow();
        if (workflow.isPresent()) {
            return runWorkflowRound(round, t0, instructions, workflow.get());
        }
        List<ClientFit> results = new ArrayList<>();
        List<ClientFailure> failures = new ArrayList<>();
        Parameters global = parameters;
        collect(instructions, i -> i.client().fit(i.parameters(), i.config(), config.roundTimeout()), FitInstruction::client,
                (client, result) -> {
                    String problem = check(global, result);
                    if (problem == null) {
                        results.add(new ClientFit(client.id(), result));
                    } else {
                        log.warn("round {}: refused the update of client {}: {}", round, client.id(), problem);
                        failures.add(new ClientFailure(client.id(), problem));
                    }
                }, failures, round, "fit");

        listener.onClientResults(round, List.copyOf(results), List.copyOf(failures));
        String error = failurePolicy(instructions.size(), results.size(), failures.size());
        boolean aggregated = false;
        Scalars fitMetrics = Scalars.EMPTY;
        if (error == null) {
            try {
                AggregatedFit agg = strategy.aggregateFit(round, results, failures);
                if (agg.parameters().isPresent()) {
                    Parameters next = agg.parameters().get();
                    global.layout().requireSameAs(next.layout());
                    parameters = next;
                    aggregated = true;
                }
                fitMetrics = agg.metrics();
            } catch (IllegalArgumentException e) {
                // e.g. every client reported 0 examples, or the strategy produced another layout
                log.error("round {}: aggregation failed", round, e);
                error = "aggregation failed: " + e.getMessage();
            }
        }
        if (error != null) {
            log.error("round {} discarded, global model unchanged: {}", round, error);
        }

        Evaluation centralized = strategy.evaluate(round, parameters).orElse(null);
        Evaluation distributed = evaluateOnClients(round);
        List<String> reasons = failures.stream().map(f -> f.clientId() + ": " + f.reason()).toList();
        return new RoundRecord(round, instructions.size(), results.size(), reasons, aggregated, error, fitMetrics,
                centralized, distributed, seconds(t0));
    }

    /**
     * A round whose fit phase the strategy runs itself ({@link Strategy#fitWorkflow()}, e.g. secure
     * aggregation): the same failure policy, counted on the clients whose updates are in the aggregate, and the
     * same checks of the new global parameters; {@link Strategy#aggregateFit} is not called.
     */
    private RoundRecord runWorkflowRound(int round, long t0, List<FitInstruction> instructions, FitWorkflow workflow)
            throws InterruptedException {
        Parameters global = parameters;
        FitWorkflow.Outcome outcome;
        try {
            outcome = workflow.run(round, global, instructions, config.roundTimeout());
        } catch (RuntimeException e) {
            log.error("round {}: the fit workflow failed", round, e);
            outcome = new FitWorkflow.Outcome(null, 0, List.of(), "fit workflow failed: " + e.getMessage(), Scalars.EMPTY);
        }
        List<ClientFailure> failures = outcome.failures();
        listener.onClientResults(round, List.of(), List.copyOf(failures));
        int completed = outcome.completed();
        String error = outcome.error() != null ? outcome.error() : failurePolicy(instructions.size(), completed, failures.size());
        boolean aggregated = false;
        Scalars fitMetrics = outcome.metrics();
        if (error == null && outcome.aggregate() != null) {
            Parameters next = outcome.aggregate();
            try {
                global.layout().requireSameAs(next.layout());
                int bad = next.firstNonFiniteTensor();
                if (bad >= 0) {
                    error = "aggregation failed: tensor '" + next.layout().tensor(bad).name() + "' holds NaN or infinite values";
                } else {
                    parameters = next;
                    aggregated = true;
                }
            } catch (ParameterMismatchException e) {
                error = "aggregation failed: " + e.getMessage();
            }
        }
        if (error != null) {
            log.error("round {} discarded, global model unchanged: {}", round, error);
        }
        Evaluation centralized = strategy.evaluate(round, parameters).orElse(null);
        Evaluation distributed = evaluateOnClients(round);
        List<String> reasons = failures.stream().map(f -> f.clientId() + ": " + f.reason()).toList();
        return new RoundRecord(round, instructions.size(), completed, reasons, aggregated, error, fitMetrics,
                centralized, distributed, seconds(t0));
    }

    private Evaluation evaluateOnClients(int round) throws InterruptedException {
        List<EvaluateInstruction> instructions = strategy.configureEvaluate(round, parameters, clients);
        if (instructions.isEmpty()) {
            return null;
        }
        List<ClientEvaluation> results = new ArrayList<>();
        List<ClientFailure> failures = new ArrayList<>();
        collect(instructions, i -> i.client().evaluate(i.parameters(), i.config(), config.roundTimeout()),
                EvaluateInstruction::client,
                (client, result) -> {
                    if (Double.isFinite(result.loss())) {
                        results.add(new ClientEvaluation(client.id(), result));
                    } else {
                        failures.add(new ClientFailure(client.id(), "evaluation loss is " + result.loss()));
                    }
                }, failures, round, "evaluate");
        return strategy.aggregateEvaluate(round, results, failures).orElse(null);
    }

    /** Null if the round may be aggregated, else why not. */
    private String failurePolicy(int sampled, int completed, int failed) {
        if (completed == 0) {
            return "no client delivered a usable result (" + failed + " failed)";
        }
        if (failed > 0 && !config.acceptFailures()) {
            return failed + " of " + sampled + " clients failed and accept_failures is false";
        }
        double rate = completed / (double) sampled;
        if (rate < config.minCompletionRate()) {
            return String.format(Locale.ROOT, "only %d of %d clients completed (%.2f), below min_completion_rate %.2f",
                    completed, sampled, rate, config.minCompletionRate());
        }
        return null;
    }

    /** Null if {@code result} may be aggregated into {@code global}, else the reason to refuse it. */
    static String check(Parameters global, FitResult result) {
        try {
            global.layout().requireSameAs(result.parameters().layout());
        } catch (ParameterMismatchException e) {
            return e.getMessage();
        }
        int bad = result.parameters().firstNonFiniteTensor();
        if (bad >= 0) {
            return "tensor '" + global.layout().tensor(bad).name() + "' holds NaN or infinite values";
        }
        return null;
    }

    /** Sends every instruction at once, then waits for all of them until one shared deadline. */
    private <I, R> void collect(List<I> instructions, Function<I, CompletableFuture<R>> send, Function<I, ClientProxy> client,
                                java.util.function.BiConsumer<ClientProxy, R> onResult, List<ClientFailure> failures,
                                int round, String what) throws InterruptedException {
        List<CompletableFuture<R>> futures = new ArrayList<>(instructions.size());
        for (I i : instructions) {
            CompletableFuture<R> f;
            try {
                f = send.apply(i);
                if (f == null) {
                    f = CompletableFuture.failedFuture(new IllegalStateException("the client proxy returned no future"));
                }
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            futures.add(f);
        }
        long deadline = System.nanoTime() + config.roundTimeout().toNanos();
        for (int k = 0; k < futures.size(); k++) {
            ClientProxy c = client.apply(instructions.get(k));
            CompletableFuture<R> f = futures.get(k);
            try {
                R r = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (r == null) {
                    log.warn("round {}: client {} {} returned no result", round, c.id(), what);
                    failures.add(new ClientFailure(c.id(), what + " returned no result"));
                    continue;
                }
                onResult.accept(c, r);
            } catch (TimeoutException e) {
                f.cancel(true);
                failures.add(new ClientFailure(c.id(), what + " timed out after " + config.roundTimeout().toMillis() + " ms"));
            } catch (ExecutionException | CancellationException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                String reason = what + " failed: " + (cause.getMessage() != null ? cause.getMessage() : cause.toString());
                log.warn("round {}: client {} {}", round, c.id(), reason);
                failures.add(new ClientFailure(c.id(), reason));
            }
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** A duration in seconds, for configs. */
    public static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }
}
