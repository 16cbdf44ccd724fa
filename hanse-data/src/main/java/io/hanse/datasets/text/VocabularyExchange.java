package io.hanse.datasets.text;

import io.hanse.client.Client;
import io.hanse.client.PreparingClient;
import io.hanse.data.Dataset;
import io.hanse.server.ClientProxy;
import io.hanse.server.PreparationRound;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The federated vocabulary of {@link FederatedVocabulary} as a message exchange before the first round, for
 * deployments where each client holds only its own texts ({@code protocol = "hanse.vocabulary"}): every client sends
 * its {@link FederatedVocabulary.ClientReport} (its top words with their document counts), the server
 * {@link FederatedVocabulary#aggregate aggregates} them and sends back the vocabulary, and each client encodes its
 * own texts with it. The server encodes its test texts with the same vocabulary. A client never reads another's
 * text, and the result equals {@code hanse simulate}'s from the same partitions.
 *
 * <p>Wire format (big-endian, in {@link PreparingClient}'s framing): a report is {@code int n} and {@code n} times
 * ({@code unsigned short length, UTF-8 word, int count}); the result is {@code int size, int n}
 * and {@code n} words. A report with more words than {@code clientTopWords}, an empty or overlong word, a word twice
 * or a count below 1 is refused naming the client; so is a result that does not fit the vocabulary size.
 */
public final class VocabularyExchange {

    /** The protocol name. */
    public static final String PROTOCOL = "hanse.vocabulary";

    private VocabularyExchange() {
    }

    /** Runs the exchange with {@code clients}, all of which must answer, and returns the vocabulary. */
    public static Vocabulary run(List<ClientProxy> clients, FederatedVocabulary.Settings settings, Duration timeout)
            throws InterruptedException {
        return PreparationRound.run(PROTOCOL, clients, combiner(settings), timeout);
    }

    /** The server's side. */
    public static PreparationRound.Combiner<FederatedVocabulary.ClientReport, Vocabulary> combiner(FederatedVocabulary.Settings settings) {
        return new PreparationRound.Combiner<>() {
            @Override
            public FederatedVocabulary.ClientReport decode(byte[] report) {
                return decodeReport(report, settings.clientTopWords());
            }

            @Override
            public Vocabulary combine(List<FederatedVocabulary.ClientReport> reports) {
                return FederatedVocabulary.aggregate(reports, settings);
            }

            @Override
            public byte[] encode(Vocabulary result) {
                return encodeVocabulary(result);
            }
        };
    }

    /** A client holding {@code ownReviews}: reports its counts, then encodes its reviews with the received vocabulary. */
    public static PreparingClient client(List<Imdb.Review> ownReviews, Imdb.Options options, Function<Dataset, Client> build) {
        Objects.requireNonNull(ownReviews, "ownReviews");
        return new PreparingClient(new PreparingClient.Preparation() {
            @Override
            public String protocol() {
                return PROTOCOL;
            }

            @Override
            public byte[] report() {
                List<String> texts = ownReviews.stream().map(Imdb.Review::text).toList();
                return encodeReport(FederatedVocabulary.ClientReport.count(texts, options.vocabulary()));
            }

            @Override
            public Dataset apply(byte[] result) {
                Vocabulary v = decodeVocabulary(result, options.vocabulary().size());
                return Imdb.encode(Imdb.NAME + "-train", ownReviews, v, options.seqLength());
            }
        }, build);
    }

    static byte[] encodeReport(FederatedVocabulary.ClientReport report) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(report.counts().size());
            for (Map.Entry<String, Integer> e : report.counts().entrySet()) {
                writeWord(out, e.getKey());
                out.writeInt(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static FederatedVocabulary.ClientReport decodeReport(byte[] bytes, int maxWords) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            int n = b.getInt();
            if (n < 0 || n > maxWords) {
                throw new IllegalArgumentException(n + " words, allowed 0 .. " + maxWords + " (vocab_client_top_words)");
            }
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String w = readWord(b);
                int c = b.getInt();
                if (c < 1) {
                    throw new IllegalArgumentException("word " + i + " has count " + c + ", allowed >= 1");
                }
                if (counts.put(w, c) != null) {
                    throw new IllegalArgumentException("word " + i + " appears twice");
                }
            }
            requireEnd(b);
            return FederatedVocabulary.ClientReport.of(counts);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated report of " + bytes.length + " bytes");
        }
    }

    static byte[] encodeVocabulary(Vocabulary v) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(v.size());
            out.writeInt(v.words().size());
            for (String w : v.words()) {
                writeWord(out, w);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Vocabulary decodeVocabulary(byte[] bytes, int expectedSize) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            int size = b.getInt();
            if (size != expectedSize) {
                throw new IllegalArgumentException("the server's vocabulary has " + size + " ids, this client's model " + expectedSize);
            }
            int n = b.getInt();
            if (n < 0 || n > size - Vocabulary.RESERVED) {
                throw new IllegalArgumentException(n + " words for " + size + " ids");
            }
            List<String> words = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                words.add(readWord(b));
            }
            requireEnd(b);
            return new Vocabulary(words, size); // refuses a word twice
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated vocabulary of " + bytes.length + " bytes");
        }
    }

    private static void writeWord(DataOutputStream out, String w) throws IOException {
        byte[] utf8 = w.getBytes(StandardCharsets.UTF_8);
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static String readWord(ByteBuffer b) {
        int len = Short.toUnsignedInt(b.getShort());
        if (len == 0 || len > FederatedVocabulary.MAX_WORD_BYTES) {
            throw new IllegalArgumentException("a word of " + len + " bytes, allowed 1 .. " + FederatedVocabulary.MAX_WORD_BYTES);
        }
        byte[] utf8 = new byte[len];
        b.get(utf8);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a word that is not valid UTF-8");
        }
    }

    private static void requireEnd(ByteBuffer b) {
        if (b.hasRemaining()) {
            throw new IllegalArgumentException(b.remaining() + " bytes after the end");
        }
    }
}
