package io.hanse.compression;

import java.util.ArrayList;
import java.util.List;

/** How an update (client to server) or the global model (server to client) is encoded. */
public enum CompressionMethod {
    /** Plain float32 (the HNSP parameters format). */
    NONE("none", 0),
    /** IEEE half precision, round to nearest even: 2 bytes a value. */
    FLOAT16("float16", 1),
    /** 8-bit codes with a float32 offset and scale per chunk, stochastic rounding: about 1 byte a value. */
    INT8("int8", 2),
    /** The k largest magnitudes only, as index gaps (varints) and float32 values. */
    TOPK("topk", 3),
    /**
     * Not a config choice: an int8 or top-k message losslessly compressed with DEFLATE, sent when that is smaller
     * (see {@link UpdateCodec#deflated}).
     */
    DEFLATED("deflated", 4);

    private final String key;
    private final int code;

    CompressionMethod(String key, int code) {
        this.key = key;
        this.code = code;
    }

    /** The name used in configs ({@code "int8"}). */
    public String key() {
        return key;
    }

    /** The method byte of the HNSC format. */
    int code() {
        return code;
    }

    /** The method named {@code key}; fails naming the allowed names. */
    public static CompressionMethod of(String key) {
        for (CompressionMethod m : values()) {
            if (m.key.equals(key) && m != DEFLATED) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown compression method '" + key + "', allowed: " + keys());
    }

    static CompressionMethod ofCode(int code) {
        for (CompressionMethod m : values()) {
            if (m.code == code && m != NONE) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown compression method code " + code);
    }

    public static List<String> keys() {
        List<String> k = new ArrayList<>();
        for (CompressionMethod m : values()) {
            if (m != DEFLATED) {
                k.add(m.key);
            }
        }
        return k;
    }
}
