package io.hanse.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Compact binary serialisation of {@link Parameters}.
 *
 * <pre>
 * magic "HNSP" | u8 version (1) | u32 tensor count
 * per tensor: u16 name length | UTF-8 name | u8 dtype (1 = float32, 2 = float16) | u8 rank | u32 dims[rank]
 * then the values of every tensor, in order, as little-endian float32 (or IEEE float16; all tensors share one dtype)
 * </pre>
 *
 * Float32 values are stored bit for bit, so a round trip is exact (NaN payloads and signed zeros included);
 * float16 ({@link #encode(Parameters, byte)}) rounds to nearest even and decodes to the float32 of that half.
 * Decoding checks every length before allocating, so a truncated or hostile buffer fails with
 * {@link IllegalArgumentException} rather than an out-of-memory error.
 */
public final class ParametersCodec {

    static final byte[] MAGIC = {'H', 'N', 'S', 'P'};
    static final byte VERSION = 1;
    public static final byte DTYPE_FLOAT32 = 1;
    /** IEEE half precision values (2 bytes each), e.g. a global model sent with down compression; decoded to float32. */
    public static final byte DTYPE_FLOAT16 = 2;

    private ParametersCodec() {
    }

    /** Bytes a value of {@code dtype} takes. */
    static int width(byte dtype) {
        return switch (dtype) {
            case DTYPE_FLOAT32 -> 4;
            case DTYPE_FLOAT16 -> 2;
            default -> throw new IllegalArgumentException("unknown dtype code " + dtype);
        };
    }

    /** The encoding with values stored as {@code dtype} ({@link #DTYPE_FLOAT32} or {@link #DTYPE_FLOAT16}). */
    public static byte[] encode(Parameters parameters, byte dtype) {
        ParametersStream.Encoder e = ParametersStream.encoder(parameters, dtype);
        if (e.size() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("parameters too large for one buffer: " + e.size() + " bytes");
        }
        return e.read(0, (int) e.size());
    }

    public static byte[] encode(Parameters parameters) {
        ParameterLayout layout = parameters.layout();
        List<byte[]> names = new ArrayList<>();
        long headerSize = 4 + 1 + 4;
        for (TensorSpec t : layout.tensors()) {
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            if (name.length > 0xFFFF) {
                throw new IllegalArgumentException("tensor name longer than 65535 bytes: " + t.name().substring(0, 40) + "...");
            }
            names.add(name);
            headerSize += 2 + name.length + 1 + 1 + 4L * t.rank();
        }
        long total = headerSize + 4L * parameters.size();
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("parameters too large for one buffer: " + total + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put(VERSION).putInt(layout.numTensors());
        for (int i = 0; i < layout.numTensors(); i++) {
            TensorSpec t = layout.tensor(i);
            buf.putShort((short) names.get(i).length).put(names.get(i)).put(DTYPE_FLOAT32).put((byte) t.rank());
            for (int d : t.shape()) {
                buf.putInt(d);
            }
        }
        buf.asFloatBuffer().put(parameters.flat());
        return buf.array();
    }

    public static Parameters decode(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            for (byte m : MAGIC) {
                if (buf.get() != m) {
                    throw new IllegalArgumentException("not a Hanse parameters buffer (bad magic)");
                }
            }
            byte version = buf.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported parameters format version " + version + ", this build reads " + VERSION);
            }
            int count = buf.getInt();
            // each tensor header takes at least 4 bytes, so count is bounded by the buffer
            if (count < 0 || count > buf.remaining() / 4) {
                throw new IllegalArgumentException("implausible tensor count " + count + " for a buffer of " + bytes.length + " bytes");
            }
            List<TensorSpec> specs = new ArrayList<>(count);
            byte valueType = DTYPE_FLOAT32;
            for (int i = 0; i < count; i++) {
                int nameLength = Short.toUnsignedInt(buf.getShort());
                if (nameLength > buf.remaining()) {
                    throw new IllegalArgumentException("tensor " + i + ": name length " + nameLength + " exceeds the buffer");
                }
                byte[] name = new byte[nameLength];
                buf.get(name);
                String tensorName = new String(name, StandardCharsets.UTF_8);
                byte dtype = buf.get();
                if (i == 0) {
                    valueType = dtype;
                } else if (dtype != valueType && (dtype == DTYPE_FLOAT32 || dtype == DTYPE_FLOAT16)) {
                    throw new IllegalArgumentException("tensor '" + tensorName + "' has dtype code " + dtype
                            + ", the first tensor " + valueType + ": every tensor of a buffer has the same dtype");
                }
                if (dtype != DTYPE_FLOAT32 && dtype != DTYPE_FLOAT16) {
                    throw new ParameterMismatchException("tensor '" + tensorName + "' has dtype code " + dtype
                            + ", only float32 (1) and float16 (2) are supported");
                }
                int rank = Byte.toUnsignedInt(buf.get());
                int[] shape = new int[rank];
                for (int d = 0; d < rank; d++) {
                    shape[d] = buf.getInt();
                }
                specs.add(new TensorSpec(tensorName, shape));
            }
            ParameterLayout layout = new ParameterLayout(specs);
            long expected = (long) width(valueType) * layout.totalSize();
            if (buf.remaining() != expected) {
                throw new IllegalArgumentException("parameters buffer holds " + buf.remaining() + " value bytes, its header announces " + expected);
            }
            float[] values = new float[layout.totalSize()];
            if (valueType == DTYPE_FLOAT16) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = io.hanse.compression.Float16.toFloat(buf.getShort());
                }
            } else {
                buf.asFloatBuffer().get(values);
            }
            return Parameters.wrap(layout, values);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated parameters buffer (" + bytes.length + " bytes)", e);
        }
    }
}
