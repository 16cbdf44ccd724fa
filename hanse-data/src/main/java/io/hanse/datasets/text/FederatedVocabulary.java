package io.hanse.datasets.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A word vocabulary built the way a real federation could build it, without pooling any client's text.
 *
 * <p><b>Protocol.</b> Each client, on its own documents only ({@link ClientReport#count}), tokenizes with
 * {@link WordTokenizer}, counts each word's <em>document frequency</em> (how many of its documents contain it), drops
 * words seen in fewer than {@code minClientDocuments} of its documents, and shares only (word, count) pairs for its
 * {@code clientTopWords} most frequent words. The server ({@link #aggregate}) sums the counts per word, keeps the words
 * reported by at least {@code minClients} clients, and takes the {@code size - 2} words of highest summed count (ties
 * by word, in {@link String#compareTo} order) as ids 2, 3, ... of a {@link Vocabulary} of {@code size} ids.
 * The API enforces the split: {@link #aggregate} accepts only {@link ClientReport}s, which hold counts, never text, and
 * a report is made from one client's own documents.
 *
 * <p><b>Privacy trade-off.</b> A report reveals which words a client uses most and how often, which can identify
 * rare names or topics in its data; {@code minClientDocuments} (a word must occur in several of the client's documents)
 * and {@code minClients} (a word must be common to several clients) limit what a single document or client contributes
 * to the result, but not what the server sees in the reports. A deployment can hide the individual reports by summing
 * them with secure aggregation over a fixed hashed word space (count sketches or hashed buckets, then a second round
 * to resolve the winning words), or use a public vocabulary instead; in a simulation everything runs in one process,
 * but only the reports cross from a client to the aggregation.
 */
public final class FederatedVocabulary {

    /** Longest word (in UTF-8 bytes) a client reports; the tokenizer's words are far shorter. */
    public static final int MAX_WORD_BYTES = 1024;

    private FederatedVocabulary() {
    }

    /**
     * @param size               number of ids of the vocabulary, including padding and out-of-vocabulary (at least 2)
     * @param clientTopWords     words each client reports: its most frequent (by document frequency)
     * @param minClientDocuments a client reports a word only if it occurs in at least this many of its documents
     * @param minClients         the server keeps a word only if at least this many clients reported it
     */
    public record Settings(int size, int clientTopWords, int minClientDocuments, int minClients) {
        public Settings {
            if (size < Vocabulary.RESERVED) {
                throw new IllegalArgumentException("size must be >= 2 (padding and out-of-vocabulary), got " + size);
            }
            if (clientTopWords < 1 || minClientDocuments < 1 || minClients < 1) {
                throw new IllegalArgumentException("clientTopWords, minClientDocuments and minClients must be >= 1, got "
                        + clientTopWords + ", " + minClientDocuments + ", " + minClients);
            }
        }

        /** 10,000 ids; each client reports its top 5,000 words seen in at least 2 of its reviews; a word needs 2 clients. */
        public static Settings defaults() {
            return new Settings(10_000, 5_000, 2, 2);
        }
    }

    /** What one client shares: (word, document count) for its top words. Holds no text. */
    public static final class ClientReport {
        private final Map<String, Integer> counts;

        private ClientReport(Map<String, Integer> counts) {
            this.counts = Collections.unmodifiableMap(counts);
        }

        /**
         * The report of one client, computed on that client's own documents.
         *
         * @param ownDocuments the client's documents (reviews), never another client's
         */
        public static ClientReport count(Iterable<String> ownDocuments, Settings settings) {
            Map<String, Integer> df = new HashMap<>();
            Set<String> seen = new HashSet<>();
            for (String doc : ownDocuments) {
                seen.clear();
                for (String w : WordTokenizer.tokenize(doc)) {
                    // a word longer than a report may carry cannot be in the vocabulary, in a simulation or deployed
                    if (w.length() <= MAX_WORD_BYTES / 4 || w.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_WORD_BYTES) {
                        seen.add(w);
                    }
                }
                for (String w : seen) {
                    df.merge(w, 1, Integer::sum);
                }
            }
            List<Map.Entry<String, Integer>> kept = new ArrayList<>();
            for (Map.Entry<String, Integer> e : df.entrySet()) {
                if (e.getValue() >= settings.minClientDocuments()) {
                    kept.add(e);
                }
            }
            kept.sort(BY_COUNT_THEN_WORD);
            Map<String, Integer> top = new LinkedHashMap<>();
            for (int i = 0; i < Math.min(settings.clientTopWords(), kept.size()); i++) {
                top.put(kept.get(i).getKey(), kept.get(i).getValue());
            }
            return new ClientReport(top);
        }

        /** A report from counts already computed (e.g. received from a client); counts must be positive. */
        public static ClientReport of(Map<String, Integer> counts) {
            Map<String, Integer> copy = new LinkedHashMap<>();
            counts.forEach((w, c) -> {
                if (w == null || w.isEmpty() || c == null || c < 1) {
                    throw new IllegalArgumentException("a report holds non-empty words with positive counts, got " + w + " = " + c);
                }
                copy.put(w, c);
            });
            return new ClientReport(copy);
        }

        /** The shared (word, document count) pairs, most frequent first. */
        public Map<String, Integer> counts() {
            return counts;
        }
    }

    private static final Comparator<Map.Entry<String, Integer>> BY_COUNT_THEN_WORD =
            Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).reversed().thenComparing(Map.Entry::getKey);

    /** The server's step: the vocabulary from the clients' reports alone. */
    public static Vocabulary aggregate(Collection<ClientReport> reports, Settings settings) {
        // long totals: reports come from clients, and int sums of their counts could wrap around
        Map<String, Long> total = new HashMap<>();
        Map<String, Integer> clients = new HashMap<>();
        for (ClientReport r : reports) {
            r.counts().forEach((w, c) -> {
                total.merge(w, (long) c, Long::sum);
                clients.merge(w, 1, Integer::sum);
            });
        }
        List<Map.Entry<String, Long>> kept = new ArrayList<>();
        for (Map.Entry<String, Long> e : total.entrySet()) {
            if (clients.get(e.getKey()) >= settings.minClients()) {
                kept.add(e);
            }
        }
        kept.sort(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed().thenComparing(Map.Entry::getKey));
        int maxWords = settings.size() - Vocabulary.RESERVED;
        List<String> words = new ArrayList<>();
        for (int i = 0; i < Math.min(maxWords, kept.size()); i++) {
            words.add(kept.get(i).getKey());
        }
        return new Vocabulary(words, settings.size());
    }
}
