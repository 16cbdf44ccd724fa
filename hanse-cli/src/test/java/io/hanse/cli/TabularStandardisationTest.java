package io.hanse.cli;

import io.hanse.cli.config.ConfigTree;
import io.hanse.cli.config.RunConfig;
import io.hanse.data.Dataset;
import io.hanse.datasets.CsvDataset;
import io.hanse.datasets.FederatedStandardizer;
import io.hanse.datasets.LibSvmDataset;
import io.hanse.datasets.Standardizer;
import io.hanse.datasets.TrainTestSplit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tabular data is standardised with statistics combined from the clients' partitions; numerically this must be
 * the pooled fit up to float rounding, and a client process must get exactly the simulation's rows.
 */
class TabularStandardisationTest {

    private static final Path TABULAR = Path.of("..", "data", "tabular").toAbsolutePath().normalize();

    private static RunConfig config(String file, String format, String method, String sizes, long clients) {
        return RunConfig.from(ConfigTree.empty().set("seed", 7L).set("data.dataset", "tabular")
                .set("data.path", TABULAR.resolve(file).toString()).set("data.format", format)
                .set("data.test_fraction", 0.2).set("partition.clients", clients).set("partition.method", method)
                .set("partition.size_distribution", sizes).set("strategy.min_fit_clients", 1L));
    }

    private static void assertRowsClose(Dataset expected, Dataset actual) {
        assertEquals(expected.size(), actual.size());
        assertArrayEquals(expected.labels(), actual.labels());
        int d = expected.featureSize();
        float[] a = new float[d];
        float[] b = new float[d];
        for (int i = 0; i < expected.size(); i++) {
            expected.copyFeatures(i, a, 0);
            actual.copyFeatures(i, b, 0);
            for (int j = 0; j < d; j++) {
                assertEquals(a[j], b[j], 1e-6 * Math.max(1, Math.abs(a[j])), "row " + i + ", feature " + j);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({
            "breast_cancer.csv, sklearn, dirichlet, equal, 5",
            "breast_cancer.csv, sklearn, iid, lognormal, 5",
            "heart_scale, libsvm, iid, lognormal, 3",
    })
    void federatedStandardisation_equalsThePooledOne_andClientsGetTheSimulationsRows(
            String file, String format, String method, String sizes, long clients) throws Exception {
        // Prepare
        RunConfig config = config(file, format, method, sizes, clients);
        Path path = TABULAR.resolve(file);
        Dataset all = format.equals("libsvm") ? LibSvmDataset.load(path, file) : CsvDataset.loadSklearn(path, file);
        TrainTestSplit.Split raw = TrainTestSplit.stratified(all, 0.2, 7);
        Standardizer pooled = Standardizer.fit(raw.train());

        // Execute
        SimulationRunner.Federation federation = SimulationRunner.prepare(config, null);

        // Assert: same numbers as the pooled fit, for the training and the test split
        assertRowsClose(pooled.apply(raw.train()), federation.train());
        assertRowsClose(pooled.apply(raw.test()), federation.test());
        // a deployed server and its clients start from raw rows and standardise once the exchange has run
        assertRowsClose(raw.test(), SimulationRunner.testSet(config, null));
        java.util.List<Dataset> rawPartitions = new java.util.ArrayList<>();
        java.util.List<FederatedStandardizer.SiteStatistics> reports = new java.util.ArrayList<>();
        for (int client = 0; client < clients; client++) {
            Dataset own = SimulationRunner.clientPartition(config, client, null);
            rawPartitions.add(own);
            reports.add(FederatedStandardizer.SiteStatistics.of(own)); // what each site sends in hanse.standardize
        }
        FederatedStandardizer exchanged = FederatedStandardizer.combine(reports);
        assertRowsClose(pooled.apply(raw.test()), exchanged.apply(SimulationRunner.testSet(config, null)));
        // and every client process standardises its partition exactly like the simulation
        for (int client = 0; client < clients; client++) {
            Dataset simulated = federation.train().view(federation.partitions()[client]);
            Dataset alone = exchanged.apply(rawPartitions.get(client));
            assertEquals(simulated.size(), alone.size());
            assertArrayEquals(simulated.labels(), alone.labels());
            float[] a = new float[simulated.featureSize()];
            float[] b = new float[simulated.featureSize()];
            for (int i = 0; i < simulated.size(); i++) {
                simulated.copyFeatures(i, a, 0);
                alone.copyFeatures(i, b, 0);
                assertArrayEquals(a, b, "client " + client + ", row " + i);
            }
        }
    }
}
