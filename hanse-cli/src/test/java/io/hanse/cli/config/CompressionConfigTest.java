package io.hanse.cli.config;

import io.hanse.compression.CompressionMethod;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompressionConfigTest {

    private static RunConfig parse(String toml) {
        return RunConfig.from(ConfigTree.parse(toml, "test.toml"));
    }

    private static String error(String toml) {
        return assertThrows(ConfigException.class, () -> parse(toml)).getMessage();
    }

    @Test
    void noTable_meansNoCompression() {
        RunConfig.Compression c = parse("").compression();
        assertFalse(c.enabled());
        assertEquals("none", c.up());
        assertEquals("none", c.down());
    }

    @Test
    void topk_withFractionAndFloat16Down_becomesTheCoreSettings() {
        RunConfig.Compression c = parse("[compression]\nup = \"topk\"\ntopk_fraction = 0.01\nerror_feedback = true\ndown = \"float16\"\n")
                .compression();
        assertTrue(c.enabled());
        io.hanse.compression.Compression s = c.toSettings();
        assertEquals(CompressionMethod.TOPK, s.up());
        assertEquals(CompressionMethod.FLOAT16, s.down());
        assertEquals(0.01, s.topkFraction());
        assertTrue(s.errorFeedback());
        assertEquals(2048, parse("[compression]\nup = \"int8\"\nint8_chunk = 2048\n").compression().int8Chunk());
    }

    @Test
    void unknownValues_andKeys_failNamingKeyValueAndAllowedValues() {
        String msg = error("[compression]\nup = \"zip\"\n");
        assertTrue(msg.contains("compression.up") && msg.contains("zip") && msg.contains("int8") && msg.contains("topk"), msg);
        msg = error("[compression]\ndown = \"int8\"\n");
        assertTrue(msg.contains("compression.down") && msg.contains("int8") && msg.contains("float16"), msg);
        msg = error("[compression]\nup = \"topk\"\ntop_k = 0.1\n");
        assertTrue(msg.contains("compression.top_k") && msg.contains("topk_fraction"), msg);
        msg = error("[compression]\nup = \"topk\"\ntopk_fraction = 0\n");
        assertTrue(msg.contains("compression.topk_fraction = 0"), msg);
        msg = error("[compression]\nup = \"topk\"\ntopk_fraction = 1.5\n");
        assertTrue(msg.contains("compression.topk_fraction = 1.5"), msg);
        msg = error("[compression]\nup = \"topk\"\nerror_feedback = \"yes\"\n");
        assertTrue(msg.contains("compression.error_feedback"), msg);
    }

    @Test
    void settingsOfAnotherMethod_areRefused() {
        assertTrue(error("[compression]\nup = \"int8\"\ntopk_fraction = 0.1\n").contains("only to compression.up = \"topk\""));
        assertTrue(error("[compression]\nup = \"topk\"\nint8_chunk = 64\n").contains("only to compression.up = \"int8\""));
        assertTrue(error("[compression]\ndown = \"float16\"\nerror_feedback = false\n").contains("compression.error_feedback"));
    }

    @Test
    void secureAggregation_isRefusedWithAnyCompression() {
        String msg = error("[secagg]\nenabled = true\n[compression]\ndown = \"float16\"\n");
        assertTrue(msg.contains("[compression]") && msg.contains("secagg.enabled = true"), msg);
        msg = error("[secagg]\nenabled = true\n[compression]\nup = \"int8\"\n");
        assertTrue(msg.contains("secagg"), msg);
    }

    @Test
    void clientSideClippingDp_isRefusedWithUpdateCompression_serverSideAndLocalDpAreAllowed() {
        String msg = error("[privacy]\nmode = \"client_fixed\"\nnoise_multiplier = 1.0\nclipping_norm = 1.0\n[compression]\nup = \"topk\"\n");
        assertTrue(msg.contains("client_fixed") && msg.contains("server_fixed"), msg);
        // down compression does not touch the clipped updates
        assertTrue(parse("[privacy]\nmode = \"client_fixed\"\nnoise_multiplier = 1.0\nclipping_norm = 1.0\n[compression]\ndown = \"float16\"\n")
                .compression().enabled());
        assertTrue(parse("[privacy]\nmode = \"server_fixed\"\nnoise_multiplier = 1.0\nclipping_norm = 1.0\n[compression]\nup = \"int8\"\n")
                .compression().enabled());
        assertTrue(parse("[privacy]\nmode = \"local\"\nclipping_norm = 1.0\nlocal_epsilon = 5\n[compression]\nup = \"topk\"\n")
                .compression().enabled());
    }

    @Test
    void robustAggregators_andOtherStrategies_combine() {
        for (String s : new String[]{"name = \"krum\"\nnum_malicious = 1\nmin_fit_clients = 5\n", "name = \"fedmedian\"\n",
                "name = \"scaffold\"\n", "name = \"fedadam\"\n", "name = \"fedavg\"\naggregator = \"trimmed_mean\"\n"}) {
            assertTrue(parse("[strategy]\n" + s + "[compression]\nup = \"topk\"\n").compression().enabled(), s);
        }
    }

    @Test
    void set_overridesCompressionKeys() {
        ConfigTree t = ConfigTree.parse("[compression]\nup = \"topk\"\n", "test.toml");
        t.set("compression.topk_fraction", 0.05);
        assertEquals(0.05, RunConfig.from(t).compression().topkFraction());
    }
}
