package io.hanse.engine.tensorflow;

import io.hanse.core.ParameterLayout;
import io.hanse.core.Parameters;
import io.hanse.core.TensorSpec;
import io.hanse.data.Dataset;
import io.hanse.model.EvalStats;
import io.hanse.model.Initializer;
import io.hanse.model.Layer;
import io.hanse.model.LocalObjective;
import io.hanse.model.Loss;
import io.hanse.model.ModelSpec;
import io.hanse.model.OptimizerSpec;
import io.hanse.model.TrainStats;
import io.hanse.model.TrainableModel;
import io.hanse.model.TrainingOptions;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.buffer.IntDataBuffer;
import org.tensorflow.ndarray.buffer.LongDataBuffer;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.math.Mean;
import org.tensorflow.op.train.BatchMatMul;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.ApplyMomentum;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A {@link ModelSpec} as a TensorFlow graph with its own session.
 *
 * <p><b>Graph.</b> The parameters are legacy (reference) variables in exactly the order and shapes of
 * {@link ModelSpec#layout()}; they are set through {@code Assign} ops fed from placeholders, so
 * {@link #getParameters()} and {@link #setParameters} are exact. Training steps use TensorFlow's raw
 * training ops ({@code ApplyGradientDescent}, {@code ApplyMomentum}, {@code ApplyAdam},
 * {@code ApplyRMSProp}, {@code ApplyAdagradV2}), which update the variables in place. Every update of a
 * step has a control dependency on all gradients and on the loss of that step, so nothing reads a
 * variable that is being overwritten.
 *
 * <p><b>Unrolling.</b> One session call has a fixed cost (feeds, executor start, fetches) that
 * dominates small models such as the 2NN at B=10. Runs of full minibatches are therefore trained
 * {@link #unroll()} steps per call: the graph holds K copies of the step, step {@code k+1} reads the
 * variables through {@code Identity} ops that depend on every update of step {@code k}, and the K
 * minibatches arrive as one {@code [K, B, inputSize]} block. A tail shorter than K runs in power-of-two
 * chunks, a smaller last batch of an epoch in the single-step graph. Every variant computes the same
 * sequence of minibatches and updates, bit for bit (tested). Graph variants (optimizer kind, steps per
 * call, with or without weight decay) are built lazily on first use and kept, since a pooled model is
 * reused by many clients; TensorFlow extends the running session with them.
 *
 * <p><b>Sequence layers.</b> Embeddings are {@code GatherV2} on ids cast to int32 and clipped to the
 * vocabulary. LSTM and GRU layers are unrolled statically over T with MatMul, Split, Slice, Sigmoid, Tanh,
 * Mul and Add (the input's projection for all steps is one MatMul); attention uses {@code BatchMatMulV3}
 * with the heads as a batch dimension and {@code Softmax}; layer norm uses Mean and Rsqrt. TensorFlow's
 * C++ gradient registry has gradients for all of these (GatherV2 included, giving a dense table gradient),
 * so {@link Graph#addGradients} needs no custom gradient; {@code GradientCheckTest} checks every layer
 * against central differences. Models with recurrent or attention layers run one step per session call
 * by default (see {@link #unroll()}): their step graph is large (char_lstm: about 0.8 s to build one
 * step, 6 s for K=8) and a step costs tens of milliseconds, so unrolling saves nothing.
 *
 * <p><b>Losses and optimizers.</b> Class labels are fed as ints and one-hot encoded in the graph, because
 * TensorFlow's C++ gradient registry (used by {@link Graph#addGradients}) has no gradient for the sparse
 * cross-entropy op. Weight decay adds {@code weightDecay * L2Loss(w)} ({@code = weightDecay/2 * sum w^2})
 * for every parameter tensor to the training loss. Adam's {@code beta^t} powers are computed in Java
 * from the step count within the fit and fed. Adagrad uses {@code ApplyAdagradV2}, whose epsilon keeps an
 * accumulator of 0 from dividing by zero. RMSprop's mean square starts at 0 (as in Keras and PyTorch);
 * TensorFlow's op adds epsilon inside the square root.
 *
 * <p><b>Local objectives.</b> {@link #fit(Dataset, TrainingOptions, double, long, LocalObjective)} adds
 * FedProx's proximal gradient {@code mu * (w - w0)} and SCAFFOLD's gradient correction {@code c - c_i} to
 * each step's gradient, in that order, before the optimizer update: {@code g' = (g + mu (w - w0)) + corr}.
 * {@code w0} is a non-trainable copy of the parameters, assigned in the graph at the start of the fit;
 * the correction lives in non-trainable variables assigned once per fit; mu is fed like the other
 * hyper-parameters. Each term is in the graph only when used (the graph variant records it), so a fit
 * without them runs exactly the graph it ran before. Neither term is counted in the reported loss.
 *
 * <p><b>Determinism.</b> Shuffling uses a {@link SplittableRandom} seeded by the fit's seed, dropout uses
 * stateless random ops seeded from it and the global step, and optimizer slots are reset at the start
 * of every fit, so a fit depends only on the parameters, data, options and seed.
 *
 * <p>Not thread-safe: one thread uses a model at a time.
 */
final class TensorFlowModel implements TrainableModel {

    /** Default number of optimizer steps per session call for runs of full minibatches. */
    static final int DEFAULT_UNROLL = Integer.getInteger("hanse.tensorflow.unroll", 8);

    /** Whether {@code hanse.tensorflow.unroll} was set, which then applies to sequence models too. */
    private static final boolean UNROLL_SET = System.getProperty("hanse.tensorflow.unroll") != null;

    /** Most input values (floats) one unrolled session call is fed: 4 MiB. */
    static final long MAX_BLOCK_VALUES = 1L << 20;

    private static final Shape SCALAR = Shape.scalar();

    private final ModelSpec spec;
    private final ParameterLayout layout;
    private final int inputSize;
    private final int numOutputs;
    private final boolean classification;
    /** Language model: every position predicts the next token (see {@link Loss#NEXT_TOKEN_CROSS_ENTROPY}). */
    private final boolean nextToken;
    private final int numDropout;

    private final Graph graph;
    private final Ops tf;
    private final Session session;

    private final List<Variable<TFloat32>> vars = new ArrayList<>();
    private final List<Placeholder<TFloat32>> assignInputs = new ArrayList<>();
    private final Op assignAll;

    private final Placeholder<TFloat32> learningRate;
    private final Placeholder<TFloat32> momentum;
    private final Placeholder<TFloat32> beta1;
    private final Placeholder<TFloat32> beta2;
    private final Placeholder<TFloat32> epsilon;
    private final Placeholder<TFloat32> rho;
    private final Placeholder<TFloat32> weightDecay;
    private final Placeholder<TFloat32> initialAccumulator;
    private final Placeholder<TInt64> dropoutSeed;

    private final Map<StepKey, StepGraph> stepGraphs = new HashMap<>();
    private final Map<OptimizerSpec.Kind, Slots> slots = new EnumMap<>(OptimizerSpec.Kind.class);
    /** FedProx: mu, the start-of-fit copy of the parameters and the op that takes it; built on first use. */
    private Placeholder<TFloat32> proximalMu;
    private List<Variable<TFloat32>> anchors;
    private Op takeAnchors;
    /** SCAFFOLD: the gradient correction per tensor, and how it is set; built on first use. */
    private List<Variable<TFloat32>> corrections;
    private List<Placeholder<TFloat32>> correctionInputs;
    private Op assignCorrections;
    private EvalGraph evalGraph;
    private int unroll;
    /** Loss and gradients for one batch, for gradient checks; built on first use. */
    private GradientGraph gradientGraph;
    private boolean closed;

    TensorFlowModel(ModelSpec spec, long seed, int intraOpThreads) {
        this.spec = spec;
        this.layout = spec.layout();
        this.inputSize = spec.inputSize();
        this.numOutputs = spec.numOutputs();
        this.classification = spec.loss() != Loss.MEAN_SQUARED_ERROR;
        this.nextToken = spec.loss() == Loss.NEXT_TOKEN_CROSS_ENTROPY;
        this.numDropout = dropoutSites(spec);
        // Recurrent and attention layers are unrolled over T in the graph, so K steps per call would
        // multiply an already large graph (char_lstm: ~10^4 ops per step) for no gain: one step of such a
        // model costs far more than the session call's overhead that unrolling saves.
        this.unroll = spec.hasSequenceLayers() && !UNROLL_SET ? 1 : Math.max(1, DEFAULT_UNROLL);
        this.graph = new Graph();
        Session s = null;
        try {
            this.tf = Ops.create(graph);
            for (TensorSpec t : layout.tensors()) {
                Shape shape = Shape.of(toLongs(t.shape()));
                Variable<TFloat32> v = tf.withName(safeName(t.name())).variable(shape, TFloat32.class);
                Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
                vars.add(v);
                assignInputs.add(in);
            }
            List<Op> assigns = new ArrayList<>();
            for (int i = 0; i < vars.size(); i++) {
                assigns.add(tf.assign(vars.get(i), assignInputs.get(i)));
            }
            assignAll = tf.withControlDependencies(assigns).noOp();
            learningRate = scalar();
            momentum = scalar();
            beta1 = scalar();
            beta2 = scalar();
            epsilon = scalar();
            rho = scalar();
            weightDecay = scalar();
            initialAccumulator = scalar();
            dropoutSeed = tf.placeholder(TInt64.class, Placeholder.shape(Shape.of(2)));
            s = new Session(graph, sessionConfig(intraOpThreads));
            this.session = s;
            setParameters(Initializer.glorotUniform(layout, seed));
        } catch (RuntimeException | Error e) {
            if (s != null) {
                s.close();
            }
            graph.close();
            throw e;
        }
    }

    /**
     * Session options. Ops run in the calling thread (negative inter-op threads): no hand-off to a
     * shared inter-op pool per op, which for small models costs more than the op, and the CPU time of a
     * fit is the calling thread's. Grappler is off: on these graphs it bought no speed (measured on the
     * 2NN and the CNN), cost graph-build time, and it is free to rewrite the control dependencies that
     * order reads and in-place updates. System properties {@code hanse.tensorflow.interOpThreads} and
     * {@code hanse.tensorflow.grappler} override both, for measurements.
     */
    private static ConfigProto sessionConfig(int intraOpThreads) {
        ConfigProto.Builder b = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(intraOpThreads)
                .setInterOpParallelismThreads(Integer.getInteger("hanse.tensorflow.interOpThreads", -1));
        if (!Boolean.parseBoolean(System.getProperty("hanse.tensorflow.grappler", "false"))) {
            b.setGraphOptions(GraphOptions.newBuilder()
                    .setRewriteOptions(RewriterConfig.newBuilder().setDisableMetaOptimizer(true)));
        }
        return b.build();
    }

    private Placeholder<TFloat32> scalar() {
        return tf.placeholder(TFloat32.class, Placeholder.shape(SCALAR));
    }

    /** Optimizer steps per session call for runs of full minibatches. */
    int unroll() {
        return unroll;
    }

    /** Sets the steps per session call; 1 runs one step per call. Results do not depend on it. */
    void setUnroll(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("unroll must be >= 1, got " + k);
        }
        this.unroll = k;
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public ParameterLayout layout() {
        return layout;
    }

    // ---------------------------------------------------------------------------------------------
    // Parameters

    @Override
    public Parameters getParameters() {
        ensureOpen();
        float[] out = new float[layout.totalSize()];
        Session.Runner r = session.runner();
        for (Variable<TFloat32> v : vars) {
            r.fetch(v);
        }
        try (Result res = r.run()) {
            for (int i = 0; i < vars.size(); i++) {
                TFloat32 t = (TFloat32) res.get(i);
                int n = layout.tensor(i).size();
                t.copyTo(DataBuffers.of(out, false, false).offset(layout.offset(i)).narrow(n));
            }
        }
        return Parameters.wrap(layout, out);
    }

    @Override
    public void setParameters(Parameters parameters) {
        ensureOpen();
        layout.requireSameAs(parameters.layout());
        float[] flat = parameters.flat();
        List<TFloat32> tensors = new ArrayList<>(vars.size());
        try {
            Session.Runner r = session.runner();
            for (int i = 0; i < vars.size(); i++) {
                TensorSpec t = layout.tensor(i);
                TFloat32 tensor = TFloat32.tensorOf(Shape.of(toLongs(t.shape())),
                        DataBuffers.of(flat, true, false).offset(layout.offset(i)).narrow(t.size()));
                tensors.add(tensor);
                r.feed(assignInputs.get(i), tensor);
            }
            r.addTarget(assignAll);
            r.run().close();
        } finally {
            closeAll(tensors);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Training

    @Override
    public TrainStats fit(Dataset data, TrainingOptions options, double lr, long seed) {
        return fit(data, options, lr, seed, LocalObjective.NONE);
    }

    @Override
    public TrainStats fit(Dataset data, TrainingOptions options, double lr, long seed, LocalObjective objective) {
        ensureOpen();
        checkData(data);
        if (objective == null) {
            objective = LocalObjective.NONE;
        }
        if (objective.hasGradientCorrection()) {
            layout.requireSameAs(objective.gradientCorrection().layout());
        }
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate = " + lr + " is invalid, allowed: > 0");
        }
        int n = data.size();
        int batch = options.batchSize();
        int stepsPerEpoch = (n + batch - 1) / batch;
        long planned = (long) stepsPerEpoch * options.epochs();
        if (options.maxSteps() > 0) {
            planned = Math.min(planned, options.maxSteps());
        }
        if (planned > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("fit of " + planned + " steps is too long");
        }
        int total = (int) planned;
        if (total == 0) {
            return new TrainStats(Double.NaN, 0, 0);
        }

        // The examples of every step, in order: epoch e's (reshuffled) order at e * n.
        int epochsUsed = (total + stepsPerEpoch - 1) / stepsPerEpoch;
        int[] sequence = new int[Math.multiplyExact(epochsUsed, n)];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int e = 0; e < epochsUsed; e++) {
            if (options.shuffle()) {
                for (int i = n - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    int tmp = order[i];
                    order[i] = order[j];
                    order[j] = tmp;
                }
            }
            System.arraycopy(order, 0, sequence, e * n, n);
        }
        int[] starts = new int[total];
        int[] sizes = new int[total];
        for (int s = 0; s < total; s++) {
            int e = s / stepsPerEpoch;
            int j = s % stepsPerEpoch;
            starts[s] = e * n + j * batch;
            sizes[s] = Math.min(batch, n - j * batch);
        }

        OptimizerSpec opt = options.optimizer();
        boolean nesterov = opt.kind() == OptimizerSpec.Kind.MOMENTUM && opt.nesterov();
        boolean decay = options.weightDecay() > 0;
        boolean proximal = objective.hasProximalTerm();
        boolean corrected = objective.hasGradientCorrection();
        resetSlots(opt);
        if (proximal) {
            proximalTerm();
            session.runner().addTarget(takeAnchors).run().close();
        }
        if (corrected) {
            setGradientCorrection(objective.gradientCorrection());
        }
        long dropoutKey = mix(seed ^ 0x5DEECE66DL);

        List<Tensor> hyper = new ArrayList<>();
        try {
            Feeds feeds = new Feeds(data, sequence, starts, sizes, opt, dropoutKey);
            feeds.add(learningRate, (float) lr, hyper);
            switch (opt.kind()) {
                case SGD -> {
                }
                case MOMENTUM -> feeds.add(momentum, (float) opt.momentum(), hyper);
                case ADAM -> {
                    feeds.add(beta1, (float) opt.beta1(), hyper);
                    feeds.add(beta2, (float) opt.beta2(), hyper);
                    feeds.add(epsilon, (float) opt.epsilon(), hyper);
                }
                case RMSPROP -> {
                    feeds.add(rho, (float) opt.rho(), hyper);
                    feeds.add(momentum, (float) opt.momentum(), hyper);
                    feeds.add(epsilon, (float) opt.epsilon(), hyper);
                }
                case ADAGRAD -> feeds.add(epsilon, (float) opt.epsilon(), hyper);
            }
            if (decay) {
                feeds.add(weightDecay, (float) options.weightDecay(), hyper);
            }
            if (proximal) {
                feeds.add(proximalMu, (float) objective.proximalMu(), hyper);
            }

            double lossSum = 0;
            long examples = 0;
            int step = 0;
            while (step < total) {
                int k = stepsForCall(sizes, step, total, batch);
                lossSum += stepGraph(new StepKey(opt.kind(), nesterov, k, decay, proximal, corrected)).run(feeds, step);
                for (int s = step; s < step + k; s++) {
                    examples += sizes[s];
                }
                step += k;
            }
            return new TrainStats(lossSum / total, total, examples);
        } finally {
            closeAll(hyper);
        }
    }

    /**
     * Steps for the session call starting at {@code step}: the unroll within a run of full minibatches,
     * else the largest power of two that fits the rest of the run, so a tail of r steps takes at most
     * log2(r) + 1 calls; 1 for a smaller last batch. The unroll is capped so that one call's input block
     * stays within {@link #MAX_BLOCK_VALUES}: large batches gain nothing from unrolling.
     */
    private int stepsForCall(int[] sizes, int step, int total, int batch) {
        int k = (int) Math.max(1, Math.min(unroll, MAX_BLOCK_VALUES / ((long) batch * inputSize)));
        int run = 0;
        while (step + run < total && run < k && sizes[step + run] == batch) {
            run++;
        }
        if (run >= k) {
            return k;
        }
        return run <= 1 ? 1 : Integer.highestOneBit(run);
    }

    /** What a fit feeds: the plan of minibatches and the hyper-parameters, shared by all its session calls. */
    private final class Feeds {
        final Dataset data;
        final float[] features;
        final int[] sequence;
        final int[] starts;
        final int[] sizes;
        final OptimizerSpec optimizer;
        final long dropoutKey;
        final List<Placeholder<TFloat32>> placeholders = new ArrayList<>();
        final List<TFloat32> values = new ArrayList<>();

        Feeds(Dataset data, int[] sequence, int[] starts, int[] sizes, OptimizerSpec optimizer, long dropoutKey) {
            this.data = data;
            this.features = data.baseFeatures();
            this.sequence = sequence;
            this.starts = starts;
            this.sizes = sizes;
            this.optimizer = optimizer;
            this.dropoutKey = dropoutKey;
        }

        void add(Placeholder<TFloat32> p, float value, List<Tensor> owned) {
            TFloat32 t = TFloat32.scalarOf(value);
            owned.add(t);
            placeholders.add(p);
            values.add(t);
        }
    }

    private StepGraph stepGraph(StepKey key) {
        StepGraph g = stepGraphs.get(key);
        if (g == null) {
            slots(key.kind());
            if (key.proximal()) {
                proximalTerm();
            }
            if (key.corrected()) {
                gradientCorrection();
            }
            g = new StepGraph(key);
            stepGraphs.put(key, g);
        }
        return g;
    }

    private record StepKey(OptimizerSpec.Kind kind, boolean nesterov, int steps, boolean decay, boolean proximal,
                           boolean corrected) {
    }

    /** Builds FedProx's graph parts on first use: mu, and the anchors {@code w0} with the op that copies w into them. */
    private void proximalTerm() {
        if (anchors != null) {
            return;
        }
        proximalMu = scalar();
        List<Variable<TFloat32>> list = new ArrayList<>(vars.size());
        List<Op> copies = new ArrayList<>(vars.size());
        for (int i = 0; i < vars.size(); i++) {
            TensorSpec t = layout.tensor(i);
            Variable<TFloat32> a = tf.withName(safeName(t.name()) + "_anchor").variable(Shape.of(toLongs(t.shape())), TFloat32.class);
            list.add(a);
            copies.add(tf.assign(a, tf.identity(vars.get(i))));
        }
        takeAnchors = tf.withControlDependencies(copies).noOp();
        anchors = list;
    }

    /** Builds SCAFFOLD's correction variables on first use. */
    private void gradientCorrection() {
        if (corrections != null) {
            return;
        }
        List<Variable<TFloat32>> list = new ArrayList<>(vars.size());
        List<Placeholder<TFloat32>> inputs = new ArrayList<>(vars.size());
        List<Op> assigns = new ArrayList<>(vars.size());
        for (int i = 0; i < vars.size(); i++) {
            TensorSpec t = layout.tensor(i);
            Shape shape = Shape.of(toLongs(t.shape()));
            Variable<TFloat32> c = tf.withName(safeName(t.name()) + "_correction").variable(shape, TFloat32.class);
            Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(shape));
            list.add(c);
            inputs.add(in);
            assigns.add(tf.assign(c, in));
        }
        assignCorrections = tf.withControlDependencies(assigns).noOp();
        correctionInputs = inputs;
        corrections = list;
    }

    /** Sets the gradient correction for this fit, exactly. */
    private void setGradientCorrection(Parameters correction) {
        gradientCorrection();
        float[] flat = correction.flat();
        List<TFloat32> tensors = new ArrayList<>(vars.size());
        try {
            Session.Runner r = session.runner();
            for (int i = 0; i < vars.size(); i++) {
                TensorSpec t = layout.tensor(i);
                TFloat32 tensor = TFloat32.tensorOf(Shape.of(toLongs(t.shape())),
                        DataBuffers.of(flat, true, false).offset(layout.offset(i)).narrow(t.size()));
                tensors.add(tensor);
                r.feed(correctionInputs.get(i), tensor);
            }
            r.addTarget(assignCorrections);
            r.run().close();
        } finally {
            closeAll(tensors);
        }
    }

    /** The optimizer's slot variables (momentum, Adam moments, ...), one list per slot kind. */
    private static final class Slots {
        final List<List<Variable<TFloat32>>> lists = new ArrayList<>();
        Op reset;

        Variable<TFloat32> get(int slot, int var) {
            return lists.get(slot).get(var);
        }
    }

    private Slots slots(OptimizerSpec.Kind kind) {
        Slots s = slots.get(kind);
        if (s != null) {
            return s;
        }
        s = new Slots();
        int count = switch (kind) {
            case SGD -> 0;
            case MOMENTUM, ADAGRAD -> 1;
            case ADAM, RMSPROP -> 2;
        };
        List<Op> resets = new ArrayList<>();
        Operand<TFloat32> zero = tf.constant(0f);
        for (int k = 0; k < count; k++) {
            List<Variable<TFloat32>> list = new ArrayList<>();
            for (int i = 0; i < vars.size(); i++) {
                TensorSpec t = layout.tensor(i);
                Variable<TFloat32> v = tf.withName(safeName(t.name()) + "_" + kind.configName() + k)
                        .variable(Shape.of(toLongs(t.shape())), TFloat32.class);
                list.add(v);
                Operand<TFloat32> value = kind == OptimizerSpec.Kind.ADAGRAD ? initialAccumulator : zero;
                resets.add(tf.assign(v, tf.fill(tf.constant(t.shape()), value)));
            }
            s.lists.add(list);
        }
        s.reset = resets.isEmpty() ? null : tf.withControlDependencies(resets).noOp();
        slots.put(kind, s);
        return s;
    }

    private void resetSlots(OptimizerSpec opt) {
        Slots s = slots(opt.kind());
        if (s.reset == null) {
            return;
        }
        if (opt.kind() == OptimizerSpec.Kind.ADAGRAD) {
            try (TFloat32 init = TFloat32.scalarOf((float) opt.initialAccumulator())) {
                session.runner().feed(initialAccumulator, init).addTarget(s.reset).run().close();
            }
        } else {
            session.runner().addTarget(s.reset).run().close();
        }
    }

    /** K consecutive optimizer steps as one graph, run by one session call. */
    private final class StepGraph {
        final StepKey key;
        final int k;
        final Placeholder<TFloat32> x;
        final Placeholder<? extends TType> y;
        final Placeholder<TFloat32> beta1Power;
        final Placeholder<TFloat32> beta2Power;
        final Operand<TFloat32> losses;
        // feed tensors reused between calls with the same batch size
        int cachedBatch = -1;
        TFloat32 xTensor;
        Tensor yTensor;
        TFloat32 beta1Tensor;
        TFloat32 beta2Tensor;
        TInt64 seedTensor;
        int[] labelScratch;
        float[] targetScratch;

        StepGraph(StepKey key) {
            this.key = key;
            this.k = key.steps();
            x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(k, -1, inputSize)));
            y = classification
                    ? tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(k, -1)))
                    : tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(k, -1)));
            boolean adam = key.kind() == OptimizerSpec.Kind.ADAM;
            beta1Power = adam ? tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(k))) : null;
            beta2Power = adam ? tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(k))) : null;
            List<Operand<TFloat32>> xs = unstack(x, k);
            List<Operand<TType>> ys = unstack(y, k);
            List<Operand<TFloat32>> b1 = adam ? unstack(beta1Power, k) : null;
            List<Operand<TFloat32>> b2 = adam ? unstack(beta2Power, k) : null;

            List<Op> previousUpdates = List.of();
            List<Operand<TFloat32>> stepLosses = new ArrayList<>();
            for (int s = 0; s < k; s++) {
                // Step s reads the variables only after every update of step s - 1.
                Ops reads = previousUpdates.isEmpty() ? tf : tf.withControlDependencies(previousUpdates);
                List<Operand<TFloat32>> w = new ArrayList<>(vars.size());
                Output<?>[] wOutputs = new Output<?>[vars.size()];
                for (int i = 0; i < vars.size(); i++) {
                    Operand<TFloat32> read = reads.identity(vars.get(i));
                    w.add(read);
                    wOutputs[i] = read.asOutput();
                }
                Operand<TFloat32> out = forward(xs.get(s), w, numDropout > 0 ? dropoutSeed : null, (long) s * numDropout);
                Operand<TFloat32> loss = tf.math.mean(exampleLosses(out, targets(xs.get(s), ys.get(s))), tf.constant(0));
                if (key.decay()) {
                    List<Operand<TFloat32>> squares = new ArrayList<>();
                    for (Operand<TFloat32> wi : w) {
                        squares.add(tf.nn.l2Loss(wi));
                    }
                    Operand<TFloat32> sum = squares.size() == 1 ? squares.get(0) : tf.math.addN(squares);
                    loss = tf.math.add(loss, tf.math.mul(weightDecay, sum));
                }
                Output<?>[] grads = graph.addGradients(loss.asOutput(), wOutputs);
                // Every update of this step waits for all its gradients and its loss: the updates are in
                // place, and a gradient or the loss computed after an update would read the new values.
                List<Op> deps = new ArrayList<>(grads.length + 1);
                List<Operand<TFloat32>> g = new ArrayList<>(grads.length);
                for (int i = 0; i < grads.length; i++) {
                    @SuppressWarnings("unchecked")
                    Operand<TFloat32> grad = (Output<TFloat32>) grads[i];
                    if (key.proximal()) {
                        // FedProx: the gradient of mu/2 ||w - w0||^2, from this step's reads
                        grad = tf.math.add(grad, tf.math.mul(proximalMu, tf.math.sub(w.get(i), anchors.get(i))));
                    }
                    if (key.corrected()) {
                        // SCAFFOLD: c - c_i
                        grad = tf.math.add(grad, corrections.get(i));
                    }
                    Operand<TFloat32> gi = tf.identity(grad);
                    g.add(gi);
                    deps.add((Op) gi);
                }
                Operand<TFloat32> lossRead = tf.identity(loss);
                deps.add((Op) lossRead);
                stepLosses.add(lossRead);
                Ops updates = tf.withControlDependencies(deps);
                List<Op> applied = new ArrayList<>(vars.size());
                for (int i = 0; i < vars.size(); i++) {
                    applied.add(applyUpdate(updates, key, i, g.get(i), adam ? b1.get(s) : null, adam ? b2.get(s) : null));
                }
                previousUpdates = applied;
            }
            losses = tf.withControlDependencies(previousUpdates).identity(tf.stack(stepLosses));
        }

        /** Runs steps {@code step .. step + k - 1} of the fit; returns the sum of their losses. */
        double run(Feeds f, int step) {
            int b = f.sizes[step];
            boolean cache = b == f.sizes[0];
            List<Tensor> temporary = new ArrayList<>();
            try {
                if (!cache || cachedBatch != b) {
                    if (cache) {
                        closeFeeds();
                    }
                    TFloat32 xt = TFloat32.tensorOf(Shape.of(k, b, inputSize));
                    Tensor yt = classification ? TInt32.tensorOf(Shape.of(k, b)) : TFloat32.tensorOf(Shape.of(k, b));
                    TFloat32 b1t = beta1Power != null ? TFloat32.tensorOf(Shape.of(k)) : null;
                    TFloat32 b2t = beta2Power != null ? TFloat32.tensorOf(Shape.of(k)) : null;
                    TInt64 st = TInt64.tensorOf(Shape.of(2));
                    if (cache) {
                        xTensor = xt;
                        yTensor = yt;
                        beta1Tensor = b1t;
                        beta2Tensor = b2t;
                        seedTensor = st;
                        cachedBatch = b;
                    } else {
                        temporary.addAll(Arrays.asList(xt, yt, st));
                        if (b1t != null) {
                            temporary.add(b1t);
                            temporary.add(b2t);
                        }
                        return runWith(f, step, b, xt, yt, b1t, b2t, st);
                    }
                }
                return runWith(f, step, b, xTensor, yTensor, beta1Tensor, beta2Tensor, seedTensor);
            } finally {
                closeAll(temporary);
            }
        }

        private double runWith(Feeds f, int step, int b, TFloat32 xt, Tensor yt, TFloat32 b1t, TFloat32 b2t, TInt64 st) {
            FloatDataBuffer xb = xt.asRawTensor().data().asFloats();
            int fs = inputSize;
            Dataset data = f.data;
            int n = k * b;
            if (classification) {
                if (labelScratch == null || labelScratch.length < n) {
                    labelScratch = new int[n];
                }
            } else if (targetScratch == null || targetScratch.length < n) {
                targetScratch = new float[n];
            }
            int row = 0;
            for (int s = 0; s < k; s++) {
                int start = f.starts[step + s];
                for (int r = 0; r < b; r++, row++) {
                    int example = f.sequence[start + r];
                    int base = data.baseRow(example);
                    xb.offset((long) row * fs).write(f.features, base * fs, fs);
                    if (classification) {
                        labelScratch[row] = data.label(example);
                    } else {
                        targetScratch[row] = data.target(example);
                    }
                }
            }
            if (classification) {
                IntDataBuffer yb = yt.asRawTensor().data().asInts();
                yb.write(labelScratch, 0, n);
            } else {
                FloatDataBuffer yb = yt.asRawTensor().data().asFloats();
                yb.write(targetScratch, 0, n);
            }
            Session.Runner r = session.runner().feed(x, xt).feed(y, yt);
            for (int i = 0; i < f.placeholders.size(); i++) {
                r.feed(f.placeholders.get(i), f.values.get(i));
            }
            if (beta1Power != null) {
                FloatDataBuffer p1 = b1t.asRawTensor().data().asFloats();
                FloatDataBuffer p2 = b2t.asRawTensor().data().asFloats();
                for (int s = 0; s < k; s++) {
                    int t = step + s + 1; // Adam's step count t, from 1 in every fit
                    p1.setFloat((float) Math.pow(f.optimizer.beta1(), t), s);
                    p2.setFloat((float) Math.pow(f.optimizer.beta2(), t), s);
                }
                r.feed(beta1Power, b1t).feed(beta2Power, b2t);
            }
            if (numDropout > 0) {
                LongDataBuffer sb = st.asRawTensor().data().asLongs();
                sb.setLong(f.dropoutKey, 0);
                sb.setLong((long) step * numDropout, 1);
                r.feed(dropoutSeed, st);
            }
            r.fetch(losses);
            double sum = 0;
            try (Result res = r.run()) {
                TFloat32 l = (TFloat32) res.get(0);
                for (int s = 0; s < k; s++) {
                    sum += l.getFloat(s);
                }
            }
            return sum;
        }

        void closeFeeds() {
            closeAll(Arrays.asList(xTensor, yTensor, beta1Tensor, beta2Tensor, seedTensor));
            xTensor = null;
            yTensor = null;
            beta1Tensor = null;
            beta2Tensor = null;
            seedTensor = null;
            cachedBatch = -1;
        }
    }

    private Op applyUpdate(Ops t, StepKey key, int i, Operand<TFloat32> g, Operand<TFloat32> b1p, Operand<TFloat32> b2p) {
        Variable<TFloat32> v = vars.get(i);
        Slots s = slots.get(key.kind());
        return switch (key.kind()) {
            case SGD -> t.train.applyGradientDescent(v, learningRate, g);
            case MOMENTUM -> t.train.applyMomentum(v, s.get(0, i), learningRate, g, momentum,
                    ApplyMomentum.useNesterov(key.nesterov()));
            case ADAM -> t.train.applyAdam(v, s.get(0, i), s.get(1, i), b1p, b2p, learningRate, beta1, beta2, epsilon, g);
            case RMSPROP -> t.train.applyRmsProp(v, s.get(0, i), s.get(1, i), learningRate, rho, momentum, epsilon, g);
            case ADAGRAD -> t.train.applyAdagradV2(v, s.get(0, i), learningRate, epsilon, g);
        };
    }

    @SuppressWarnings("unchecked")
    private <T extends TType> List<Operand<T>> unstack(Operand<? extends TType> value, int k) {
        List<Operand<T>> out = new ArrayList<>(k);
        for (Output<?> o : tf.unstack(value, (long) k).output()) {
            out.add((Operand<T>) o);
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // Model

    /**
     * The model's outputs for flat inputs {@code x} of shape {@code [b, inputSize]} with parameters
     * {@code w}; dropout is active when {@code seed} is given.
     */
    private Operand<TFloat32> forward(Operand<TFloat32> x, List<? extends Operand<TFloat32>> w, Operand<TInt64> seed, long seedOffset) {
        List<int[]> shapes = spec.shapes();
        int[] inputShape = spec.inputShape();
        Operand<TFloat32> h = x;
        if (inputShape.length != 1) {
            h = tf.reshape(h, tf.constant(batched(inputShape)));
        }
        int p = 0;
        int dropout = 0;
        for (int i = 0; i < spec.layers().size(); i++) {
            Layer layer = spec.layers().get(i);
            int[] in = shapes.get(i);
            if (layer instanceof Layer.Dense d && d.perStep()) {
                // one [d, units] kernel for every position: fold the positions into the batch
                h = tf.reshape(h, tf.constant(new int[]{-1, in[1]}));
                h = activate(tf.nn.biasAdd(tf.linalg.matMul(h, w.get(p)), w.get(p + 1)), d.activation());
                h = tf.reshape(h, tf.constant(new int[]{-1, in[0], d.units()}));
                p += 2;
            } else if (layer instanceof Layer.Dense d) {
                if (in.length != 1) {
                    h = tf.reshape(h, tf.constant(new int[]{-1, product(in)}));
                }
                h = tf.nn.biasAdd(tf.linalg.matMul(h, w.get(p)), w.get(p + 1));
                h = activate(h, d.activation());
                p += 2;
            } else if (layer instanceof Layer.Conv2D c) {
                long st = c.stride();
                h = tf.nn.conv2d(h, w.get(p), List.of(1L, st, st, 1L), c.padding().name());
                h = activate(tf.nn.biasAdd(h, w.get(p + 1)), c.activation());
                p += 2;
            } else if (layer instanceof Layer.MaxPool2D m) {
                h = tf.nn.maxPool(h, tf.constant(new int[]{1, m.poolSize(), m.poolSize(), 1}),
                        tf.constant(new int[]{1, m.stride(), m.stride(), 1}), "VALID");
            } else if (layer instanceof Layer.Flatten) {
                h = tf.reshape(h, tf.constant(new int[]{-1, product(in)}));
            } else if (layer instanceof Layer.Reshape r) {
                h = tf.reshape(h, tf.constant(batched(r.shape())));
            } else if (layer instanceof Layer.Dropout dr) {
                h = dropout(h, dr.rate(), seed, seedOffset + dropout);
                dropout++;
            } else if (layer instanceof Layer.Embedding e) {
                // ids arrive as exact float32 integers; clipping keeps an id out of range from failing the
                // session run (Gather checks its indices on the CPU)
                Operand<TInt32> ids = tf.clipByValue(tf.dtypes.cast(h, TInt32.class), tf.constant(0), tf.constant(e.vocabSize() - 1));
                h = tf.gather(w.get(p), ids, tf.constant(0));
                p += 1;
            } else if (layer instanceof Layer.LSTM r) {
                h = lstm(h, in[0], in[1], r.units(), r.returnSequences(), w.get(p), w.get(p + 1));
                p += 2;
            } else if (layer instanceof Layer.GRU r) {
                h = gru(h, in[0], in[1], r.units(), r.returnSequences(), w.get(p), w.get(p + 1));
                p += 2;
            } else if (layer instanceof Layer.LayerNorm n) {
                h = layerNorm(h, in.length, w.get(p), w.get(p + 1), n.epsilon());
                p += 2;
            } else if (layer instanceof Layer.MultiHeadSelfAttention a) {
                h = attention(h, in[0], in[1], a.heads(), a.keyDim(), a.causal(), w.subList(p, p + 8));
                p += 8;
            } else if (layer instanceof Layer.PositionalEncoding) {
                h = tf.math.add(h, tf.constant(positionalEncoding(in[0], in[1])));
            } else if (layer instanceof Layer.TransformerEncoder t) {
                int steps = in[0];
                int d = in[1];
                // post-LN (Vaswani et al. 2017): sublayer, dropout, residual, layer norm
                Operand<TFloat32> a = attention(h, steps, d, t.heads(), d / t.heads(), false, w.subList(p, p + 8));
                a = dropout(a, t.dropout(), seed, seedOffset + dropout);
                h = layerNorm(tf.math.add(h, a), 2, w.get(p + 8), w.get(p + 9), Layer.TransformerEncoder.EPSILON);
                Operand<TFloat32> f = tf.reshape(h, tf.constant(new int[]{-1, d}));
                f = tf.nn.relu(tf.nn.biasAdd(tf.linalg.matMul(f, w.get(p + 10)), w.get(p + 11)));
                f = tf.nn.biasAdd(tf.linalg.matMul(f, w.get(p + 12)), w.get(p + 13));
                f = dropout(tf.reshape(f, tf.constant(new int[]{-1, steps, d})), t.dropout(), seed, seedOffset + dropout + 1);
                h = layerNorm(tf.math.add(h, f), 2, w.get(p + 14), w.get(p + 15), Layer.TransformerEncoder.EPSILON);
                dropout += 2;
                p += 16;
            } else if (layer instanceof Layer.GlobalAveragePooling1D) {
                h = tf.math.mean(h, tf.constant(1));
            } else if (layer instanceof Layer.GlobalMaxPooling1D) {
                h = tf.max(h, tf.constant(1));
            } else {
                throw new IllegalArgumentException("layer " + i + " (" + layer + ") is not supported by the TensorFlow engine");
            }
        }
        return h;
    }

    /** Dropout sites per step, each with its own random stream: a dropout layer has one, an encoder block two. */
    private static int dropoutSites(ModelSpec spec) {
        int n = 0;
        for (Layer l : spec.layers()) {
            if (l instanceof Layer.Dropout) {
                n++;
            } else if (l instanceof Layer.TransformerEncoder) {
                n += 2;
            }
        }
        return n;
    }

    /** Inverted dropout with the stateless stream {@code site} of the step's seed; identity in evaluation. */
    private Operand<TFloat32> dropout(Operand<TFloat32> h, double rate, Operand<TInt64> seed, long site) {
        if (seed == null || rate <= 0) {
            return h;
        }
        Operand<TInt64> s = tf.math.add(seed, tf.constant(new long[]{0, site}));
        Operand<TFloat32> u = tf.random.statelessRandomUniform(tf.shape(h), s);
        Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant((float) rate)), TFloat32.class);
        return tf.math.mul(h, tf.math.mul(keep, tf.constant((float) (1.0 / (1.0 - rate)))));
    }

    /**
     * The input's contribution to every step of a recurrent layer, bias included: one
     * {@code [b T, d] x [d, gates]} product instead of T small ones, as {@code T} tensors {@code [b, gates]}.
     */
    private List<Operand<TFloat32>> inputProjection(Operand<TFloat32> x, int steps, int d, int gates, Operand<TFloat32> kernel,
                                                    Operand<TFloat32> bias) {
        Operand<TFloat32> wx = tf.slice(kernel, tf.constant(new int[]{0, 0}), tf.constant(new int[]{d, gates}));
        Operand<TFloat32> xw = tf.nn.biasAdd(tf.linalg.matMul(tf.reshape(x, tf.constant(new int[]{-1, d})), wx), bias);
        Operand<TFloat32> seq = tf.reshape(xw, tf.constant(new int[]{-1, steps, gates}));
        List<Operand<TFloat32>> out = new ArrayList<>(steps);
        for (Output<TFloat32> o : tf.unstack(seq, (long) steps, Unstack.axis(1L)).output()) {
            out.add(o);
        }
        return out;
    }

    /**
     * LSTM unrolled over the T steps with primitive ops, whose gradients TensorFlow's C++ registry has.
     * The state starts at zero, so step 0 skips the recurrent product and the forget gate.
     */
    private Operand<TFloat32> lstm(Operand<TFloat32> x, int steps, int d, int units, boolean sequences, Operand<TFloat32> kernel,
                                   Operand<TFloat32> bias) {
        List<Operand<TFloat32>> xs = inputProjection(x, steps, d, 4 * units, kernel, bias);
        Operand<TFloat32> wh = tf.slice(kernel, tf.constant(new int[]{d, 0}), tf.constant(new int[]{units, 4 * units}));
        Operand<TFloat32> h = null;
        Operand<TFloat32> c = null;
        List<Operand<TFloat32>> outputs = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            Operand<TFloat32> z = h == null ? xs.get(t) : tf.math.add(xs.get(t), tf.linalg.matMul(h, wh));
            List<Output<TFloat32>> gates = tf.split(tf.constant(1), z, 4L).output(); // Keras order i, f, c, o
            Operand<TFloat32> in = tf.math.mul(tf.math.sigmoid(gates.get(0)), tf.math.tanh(gates.get(2)));
            c = c == null ? in : tf.math.add(tf.math.mul(tf.math.sigmoid(gates.get(1)), c), in);
            h = tf.math.mul(tf.math.sigmoid(gates.get(3)), tf.math.tanh(c));
            if (sequences) {
                outputs.add(h);
            }
        }
        return sequences ? tf.stack(outputs, Stack.axis(1L)) : h;
    }

    /** GRU (Cho et al. 2014, reset before the recurrent product) unrolled like {@link #lstm}. */
    private Operand<TFloat32> gru(Operand<TFloat32> x, int steps, int d, int units, boolean sequences, Operand<TFloat32> kernel,
                                  Operand<TFloat32> bias) {
        List<Operand<TFloat32>> xs = inputProjection(x, steps, d, 3 * units, kernel, bias);
        Operand<TFloat32> uzr = tf.slice(kernel, tf.constant(new int[]{d, 0}), tf.constant(new int[]{units, 2 * units}));
        Operand<TFloat32> uh = tf.slice(kernel, tf.constant(new int[]{d, 2 * units}), tf.constant(new int[]{units, units}));
        Operand<TInt32> zero = tf.constant(new int[]{0, 0});
        Operand<TInt32> zrSize = tf.constant(new int[]{-1, 2 * units});
        Operand<TInt32> hStart = tf.constant(new int[]{0, 2 * units});
        Operand<TInt32> hSize = tf.constant(new int[]{-1, units});
        Operand<TFloat32> h = null;
        List<Operand<TFloat32>> outputs = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            Operand<TFloat32> xzr = tf.slice(xs.get(t), zero, zrSize);
            Operand<TFloat32> xh = tf.slice(xs.get(t), hStart, hSize);
            Operand<TFloat32> zr = tf.math.sigmoid(h == null ? xzr : tf.math.add(xzr, tf.linalg.matMul(h, uzr)));
            List<Output<TFloat32>> gates = tf.split(tf.constant(1), zr, 2L).output();
            Output<TFloat32> z = gates.get(0);
            Operand<TFloat32> candidate = tf.math.tanh(h == null ? xh : tf.math.add(xh, tf.linalg.matMul(tf.math.mul(gates.get(1), h), uh)));
            // h = z h + (1 - z) h~, written as h~ + z (h - h~); from h = 0: h~ - z h~
            h = h == null ? tf.math.sub(candidate, tf.math.mul(z, candidate))
                    : tf.math.add(candidate, tf.math.mul(z, tf.math.sub(h, candidate)));
            if (sequences) {
                outputs.add(h);
            }
        }
        return sequences ? tf.stack(outputs, Stack.axis(1L)) : h;
    }

    /** Layer norm over the last axis of an input of {@code rank} non-batch dimensions. */
    private Operand<TFloat32> layerNorm(Operand<TFloat32> x, int rank, Operand<TFloat32> gamma, Operand<TFloat32> beta, double epsilon) {
        Operand<TInt32> axis = tf.constant(rank);
        Operand<TFloat32> centred = tf.math.sub(x, tf.math.mean(x, axis, Mean.keepDims(true)));
        Operand<TFloat32> variance = tf.math.mean(tf.math.square(centred), axis, Mean.keepDims(true));
        Operand<TFloat32> normed = tf.math.mul(centred, tf.math.rsqrt(tf.math.add(variance, tf.constant((float) epsilon))));
        return tf.math.add(tf.math.mul(normed, gamma), beta);
    }

    /**
     * Multi-head self-attention on {@code [b, T, d]}; {@code w} holds the query, key, value and output
     * kernels and biases in layout order. Heads are a batch dimension of {@code BatchMatMul}.
     */
    private Operand<TFloat32> attention(Operand<TFloat32> x, int steps, int d, int heads, int keyDim, boolean causal,
                                        List<? extends Operand<TFloat32>> w) {
        Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[]{-1, d}));
        Operand<TInt32> split = tf.constant(new int[]{-1, steps, heads, keyDim});
        Operand<TInt32> swap = tf.constant(new int[]{0, 2, 1, 3});
        List<Operand<TFloat32>> qkv = new ArrayList<>(3);
        for (int j = 0; j < 3; j++) {
            Operand<TFloat32> proj = tf.nn.biasAdd(tf.linalg.matMul(flat, w.get(2 * j)), w.get(2 * j + 1));
            qkv.add(tf.linalg.transpose(tf.reshape(proj, split), swap)); // [b, heads, T, keyDim]
        }
        // scaling the queries before the product is the same as scaling the scores, and cheaper
        Operand<TFloat32> q = tf.math.mul(qkv.get(0), tf.constant((float) (1 / Math.sqrt(keyDim))));
        Operand<TFloat32> scores = tf.train.batchMatMul(q, qkv.get(1), TFloat32.class, BatchMatMul.adjY(true)); // [b, heads, T, T]
        if (causal) {
            float[][] mask = new float[steps][steps];
            for (int i = 0; i < steps; i++) {
                for (int j = i + 1; j < steps; j++) {
                    mask[i][j] = -1e9f; // softmax weight exp(-1e9) = 0: no attention to later steps
                }
            }
            scores = tf.math.add(scores, tf.constant(mask));
        }
        Operand<TFloat32> context = tf.train.batchMatMul(tf.nn.softmax(scores), qkv.get(2), TFloat32.class);
        context = tf.reshape(tf.linalg.transpose(context, swap), tf.constant(new int[]{-1, heads * keyDim}));
        Operand<TFloat32> out = tf.nn.biasAdd(tf.linalg.matMul(context, w.get(6)), w.get(7));
        return tf.reshape(out, tf.constant(new int[]{-1, steps, d}));
    }

    /** The sinusoidal encoding of Vaswani et al. 2017 for T steps of d features, computed in double. */
    static float[][] positionalEncoding(int steps, int d) {
        float[][] pe = new float[steps][d];
        for (int t = 0; t < steps; t++) {
            for (int j = 0; j < d; j++) {
                double angle = t / Math.pow(10000, (double) (j - j % 2) / d);
                pe[t][j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
            }
        }
        return pe;
    }

    private Operand<TFloat32> activate(Operand<TFloat32> h, Layer.Activation a) {
        return switch (a) {
            case LINEAR -> h;
            case RELU -> tf.nn.relu(h);
            case TANH -> tf.math.tanh(h);
            case SIGMOID -> tf.math.sigmoid(h);
        };
    }

    /**
     * The targets of a language model, {@code [b, T]}: position {@code t} predicts input token {@code t+1}, the last
     * position the label. Ids are clipped to the outputs like the embedding clips them, so a stray id cannot fail a run.
     */
    private Operand<TInt32> nextTokens(Operand<TFloat32> x, Operand<TInt32> y) {
        int steps = inputSize;
        Operand<TInt32> ids = tf.dtypes.cast(tf.reshape(x, tf.constant(new int[]{-1, steps})), TInt32.class);
        Operand<TInt32> shifted = tf.slice(ids, tf.constant(new int[]{0, 1}), tf.constant(new int[]{-1, steps - 1}));
        Operand<TInt32> targets = tf.concat(List.of(shifted, tf.reshape(y, tf.constant(new int[]{-1, 1}))), tf.constant(1));
        return tf.clipByValue(targets, tf.constant(0), tf.constant(numOutputs - 1));
    }

    /** What the outputs are scored against: the labels, or for a language model its {@link #nextTokens}. */
    @SuppressWarnings("unchecked")
    private Operand<? extends TType> targets(Operand<TFloat32> x, Operand<? extends TType> y) {
        return nextToken ? nextTokens(x, (Operand<TInt32>) y) : y;
    }

    /** Per-example loss, shape {@code [b]}, against {@link #targets}. */
    @SuppressWarnings("unchecked")
    private Operand<TFloat32> exampleLosses(Operand<TFloat32> out, Operand<? extends TType> y) {
        if (nextToken) {
            // mean cross-entropy over the T positions of each example (the dense op, as below)
            int steps = inputSize;
            Operand<TInt32> targets = tf.reshape((Operand<TInt32>) y, tf.constant(new int[]{-1}));
            Operand<TFloat32> oneHot = tf.oneHot(targets, tf.constant(numOutputs), tf.constant(1f), tf.constant(0f));
            Operand<TFloat32> logits = tf.reshape(out, tf.constant(new int[]{-1, numOutputs}));
            Operand<TFloat32> perPosition = tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss();
            return tf.math.mean(tf.reshape(perPosition, tf.constant(new int[]{-1, steps})), tf.constant(1));
        }
        if (classification) {
            // TensorFlow's C++ gradient registry has no gradient for the sparse op; one-hot labels use the
            // dense op, whose gradient is registered.
            Operand<TFloat32> oneHot = tf.oneHot((Operand<TInt32>) y, tf.constant(numOutputs), tf.constant(1f), tf.constant(0f));
            return tf.nn.softmaxCrossEntropyWithLogits(out, oneHot).loss();
        }
        Operand<TFloat32> prediction = tf.reshape(out, tf.constant(new int[]{-1}));
        return tf.math.square(tf.math.sub(prediction, (Operand<TFloat32>) y));
    }

    // ---------------------------------------------------------------------------------------------
    // Evaluation

    private final class EvalGraph {
        final Placeholder<TFloat32> x;
        final Placeholder<? extends TType> y;
        final Operand<TFloat32> lossSum;
        final Operand<TInt32> correct;

        EvalGraph() {
            x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, inputSize)));
            y = classification
                    ? tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)))
                    : tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
            Operand<TFloat32> out = forward(x, vars, null, 0);
            Operand<? extends TType> targets = targets(x, y);
            lossSum = tf.reduceSum(exampleLosses(out, targets), tf.constant(0));
            if (classification) {
                @SuppressWarnings("unchecked")
                Operand<TInt32> labels = (Operand<TInt32>) targets;
                // a language model counts correct positions: argmax over the tokens of every position
                Operand<TInt32> predicted = tf.math.argMax(out, tf.constant(nextToken ? 2 : 1), TInt32.class);
                Operand<TInt32> hits = tf.dtypes.cast(tf.math.equal(predicted, labels), TInt32.class);
                correct = tf.reduceSum(nextToken ? tf.reshape(hits, tf.constant(new int[]{-1})) : hits, tf.constant(0));
            } else {
                correct = null;
            }
        }
    }

    /**
     * The mean loss of one batch and its gradients, for gradient checks: the same forward pass and
     * {@link Graph#addGradients} as training, on the current parameters, with dropout active under a fixed
     * seed (so the loss is a deterministic, differentiable function of the parameters).
     */
    private final class GradientGraph {
        final Placeholder<TFloat32> x;
        final Placeholder<TInt32> y;
        final Operand<TFloat32> loss;
        final Output<?>[] gradients;

        GradientGraph() {
            x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, inputSize)));
            y = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            boolean tokens = spec.layers().get(0) instanceof Layer.Embedding; // no gradient to integer ids
            List<Operand<TFloat32>> w = new ArrayList<>(vars.size());
            Output<?>[] wrt = new Output<?>[vars.size() + (tokens ? 0 : 1)];
            for (int i = 0; i < vars.size(); i++) {
                Operand<TFloat32> read = tf.identity(vars.get(i));
                w.add(read);
                wrt[i] = read.asOutput();
            }
            if (!tokens) {
                wrt[vars.size()] = x.asOutput();
            }
            Operand<TInt64> seed = numDropout > 0 ? tf.constant(new long[]{0x1234, 0x5678}) : null;
            loss = tf.math.mean(exampleLosses(forward(x, w, seed, 0), targets(x, y)), tf.constant(0));
            gradients = graph.addGradients(loss.asOutput(), wrt);
        }
    }

    /**
     * For gradient checks of a classification model: {@code [loss]}, then with {@code gradients} the
     * gradient of the loss for every parameter tensor (flat, layout order) and for the input {@code x}
     * (absent when the first layer is an embedding). {@code x} holds {@code labels.length} examples.
     */
    float[][] lossAndGradients(float[] x, int[] labels, boolean gradients) {
        ensureOpen();
        if (!classification) {
            throw new IllegalStateException("gradient checks need a classification model");
        }
        if (gradientGraph == null) {
            gradientGraph = new GradientGraph();
        }
        GradientGraph g = gradientGraph;
        int b = labels.length;
        try (TFloat32 xt = TFloat32.tensorOf(Shape.of(b, inputSize), DataBuffers.of(x, true, false));
             TInt32 yt = TInt32.tensorOf(Shape.of(b), DataBuffers.of(labels, true, false))) {
            Session.Runner r = session.runner().feed(g.x, xt).feed(g.y, yt).fetch(g.loss);
            if (gradients) {
                for (Output<?> o : g.gradients) {
                    r.fetch(o);
                }
            }
            try (Result res = r.run()) {
                float[][] out = new float[res.size()][];
                for (int i = 0; i < res.size(); i++) {
                    TFloat32 t = (TFloat32) res.get(i);
                    out[i] = new float[(int) t.shape().size()];
                    t.copyTo(DataBuffers.of(out[i], false, false));
                }
                return out;
            }
        }
    }

    @Override
    public EvalStats evaluate(Dataset data, int batchSize) {
        ensureOpen();
        checkData(data);
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size = " + batchSize + " is invalid, allowed: >= 1");
        }
        int n = data.size();
        if (n == 0) {
            return new EvalStats(Double.NaN, Double.NaN, 0);
        }
        if (evalGraph == null) {
            evalGraph = new EvalGraph();
        }
        EvalGraph g = evalGraph;
        float[] features = data.baseFeatures();
        int fs = inputSize;
        double lossSum = 0;
        long correct = 0;
        int[] labels = classification ? new int[Math.min(batchSize, n)] : null;
        float[] targets = classification ? null : new float[Math.min(batchSize, n)];
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            try (TFloat32 xt = TFloat32.tensorOf(Shape.of(b, fs))) {
                FloatDataBuffer xb = xt.asRawTensor().data().asFloats();
                for (int r = 0; r < b; r++) {
                    int base = data.baseRow(start + r);
                    xb.offset((long) r * fs).write(features, base * fs, fs);
                    if (classification) {
                        labels[r] = data.label(start + r);
                    } else {
                        targets[r] = data.target(start + r);
                    }
                }
                try (Tensor yt = classification
                        ? TInt32.tensorOf(Shape.of(b), DataBuffers.of(labels, true, false).narrow(b))
                        : TFloat32.tensorOf(Shape.of(b), DataBuffers.of(targets, true, false).narrow(b))) {
                    Session.Runner r = session.runner().feed(g.x, xt).feed(g.y, yt).fetch(g.lossSum);
                    if (classification) {
                        r.fetch(g.correct);
                    }
                    try (Result res = r.run()) {
                        lossSum += ((TFloat32) res.get(0)).getFloat();
                        if (classification) {
                            correct += ((TInt32) res.get(1)).getInt();
                        }
                    }
                }
            }
        }
        // a language model's accuracy is over its predictions: T per example
        long predictions = nextToken ? (long) n * inputSize : n;
        return new EvalStats(lossSum / n, classification ? (double) correct / predictions : Double.NaN, n);
    }

    // ---------------------------------------------------------------------------------------------

    private void checkData(Dataset data) {
        if (data.featureSize() != inputSize) {
            throw new IllegalArgumentException("dataset " + data + " has " + data.featureSize()
                    + " features per example, model '" + spec.name() + "' needs " + inputSize);
        }
        if (classification != data.isClassification()) {
            throw new IllegalArgumentException("model '" + spec.name() + "' with loss " + spec.loss() + " needs a "
                    + (classification ? "classification" : "regression") + " dataset, got " + data);
        }
        if (classification && data.numClasses() > numOutputs) {
            throw new IllegalArgumentException("dataset " + data + " has " + data.numClasses() + " classes, model '"
                    + spec.name() + "' has " + numOutputs + " outputs");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model '" + spec.name() + "' is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (StepGraph g : stepGraphs.values()) {
            g.closeFeeds();
        }
        try {
            session.close();
        } finally {
            graph.close();
        }
    }

    private static void closeAll(List<? extends Tensor> tensors) {
        for (Tensor t : tensors) {
            if (t != null) {
                t.close();
            }
        }
    }

    private static long[] toLongs(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            out[i] = shape[i];
        }
        return out;
    }

    private static int[] batched(int[] shape) {
        int[] out = new int[shape.length + 1];
        out[0] = -1;
        System.arraycopy(shape, 0, out, 1, shape.length);
        return out;
    }

    private static int product(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** A TensorFlow op name from a parameter name such as {@code 0_dense/kernel}. */
    private static String safeName(String name) {
        return "p" + name.replaceAll("[^A-Za-z0-9_.\\-]", "_");
    }

    /** SplitMix64 finaliser: spreads a seed over all bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
