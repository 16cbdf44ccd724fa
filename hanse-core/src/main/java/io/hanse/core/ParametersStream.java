package io.hanse.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link ParametersCodec} format (HNSP) written and read piece by piece, so that a model of any size
 * up to the {@code float[]} limit crosses a network in chunks without ever being held as one
 * {@code byte[]} (whose 2 GiB ceiling would cap the model at about 512M floats).
 *
 * <p>The bytes are exactly those of {@link ParametersCodec#encode}: {@link Encoder} produces any byte
 * range of the encoding straight from the flat {@code float[]}, and {@link Decoder} consumes the
 * encoding in arbitrary pieces, validating the header before it allocates the values and checking
 * it against an expected layout and a size limit when given.
 */
public final class ParametersStream {

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int PREAMBLE = 4 + 1 + 4;

    private ParametersStream() {
    }

    /** Bytes of the HNSP header (everything before the values) of {@code layout}. */
    public static long headerSize(ParameterLayout layout) {
        long size = PREAMBLE;
        for (TensorSpec t : layout.tensors()) {
            size += 2 + t.name().getBytes(StandardCharsets.UTF_8).length + 1 + 1 + 4L * t.rank();
        }
        return size;
    }

    /** Bytes of the whole HNSP encoding of parameters of {@code layout}. */
    public static long encodedSize(ParameterLayout layout) {
        return headerSize(layout) + 4L * layout.totalSize();
    }

    /** Bytes of the whole HNSP encoding of parameters of {@code layout} with values of {@code dtype}. */
    public static long encodedSize(ParameterLayout layout, byte dtype) {
        return headerSize(layout) + (long) ParametersCodec.width(dtype) * layout.totalSize();
    }

    /** Bytes of the whole HNSP encoding of {@code parameters}; no allocation. */
    public static long encodedSize(Parameters parameters) {
        return encodedSize(parameters.layout());
    }

    public static Encoder encoder(Parameters parameters) {
        return new Encoder(parameters, ParametersCodec.DTYPE_FLOAT32);
    }

    /**
     * An encoder storing the values as {@code dtype}: {@link ParametersCodec#DTYPE_FLOAT32} (exact) or
     * {@link ParametersCodec#DTYPE_FLOAT16} (rounded to nearest even half, see {@link io.hanse.compression.Float16}).
     */
    public static Encoder encoder(Parameters parameters, byte dtype) {
        return new Encoder(parameters, dtype);
    }

    /**
     * A decoder that accepts only parameters of {@code expected} (null: any layout) and at most
     * {@code maxBytes} bytes of encoding.
     */
    public static Decoder decoder(ParameterLayout expected, long maxBytes) {
        return new Decoder(expected, maxBytes);
    }

    private static byte[] header(ParameterLayout layout, byte dtype) {
        List<byte[]> names = new ArrayList<>(layout.numTensors());
        for (TensorSpec t : layout.tensors()) {
            byte[] name = t.name().getBytes(StandardCharsets.UTF_8);
            if (name.length > 0xFFFF) {
                throw new IllegalArgumentException("tensor name longer than 65535 bytes: " + t.name().substring(0, 40) + "...");
            }
            names.add(name);
        }
        long size = headerSize(layout);
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("parameters header too large: " + size + " bytes");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(ParametersCodec.MAGIC).put(ParametersCodec.VERSION).putInt(layout.numTensors());
        for (int i = 0; i < layout.numTensors(); i++) {
            TensorSpec t = layout.tensor(i);
            buf.putShort((short) names.get(i).length).put(names.get(i)).put(dtype).put((byte) t.rank());
            for (int d : t.shape()) {
                buf.putInt(d);
            }
        }
        return buf.array();
    }

    /** Any byte range of the HNSP encoding of one {@link Parameters}, computed on demand. Thread-safe. */
    public static final class Encoder {
        private final byte[] header;
        private final float[] values;
        /** float16: the encoded values, computed once; null for float32 (read from the values on demand). */
        private final byte[] body;
        private final long size;

        private Encoder(Parameters parameters, byte dtype) {
            int width = ParametersCodec.width(dtype);
            this.header = header(parameters.layout(), dtype);
            this.values = parameters.flat();
            if (dtype == ParametersCodec.DTYPE_FLOAT16) {
                byte[] b = new byte[2 * values.length];
                for (int i = 0; i < values.length; i++) {
                    short h = io.hanse.compression.Float16.fromFloat(values[i]);
                    b[2 * i] = (byte) h;
                    b[2 * i + 1] = (byte) (h >>> 8);
                }
                this.body = b;
            } else {
                this.body = null;
            }
            this.size = header.length + (long) width * values.length;
        }

        /** Total bytes of the encoding. */
        public long size() {
            return size;
        }

        public int headerSize() {
            return header.length;
        }

        /** Bytes {@code [offset, offset + length)} of the encoding, as a new array. */
        public byte[] read(long offset, int length) {
            byte[] out = new byte[length];
            write(offset, out, 0, length);
            return out;
        }

        /** Writes bytes {@code [offset, offset + length)} of the encoding into {@code dst} at {@code dstOffset}. */
        public void write(long offset, byte[] dst, int dstOffset, int length) {
            if (offset < 0 || length < 0 || offset + length > size) {
                throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ") outside the encoding of " + size + " bytes");
            }
            int out = dstOffset;
            int left = length;
            if (offset < header.length) {
                int n = (int) Math.min(left, header.length - offset);
                System.arraycopy(header, (int) offset, dst, out, n);
                out += n;
                left -= n;
                offset += n;
            }
            long v = offset - header.length;
            if (body != null && left > 0) {
                System.arraycopy(body, (int) v, dst, out, left);
                return;
            }
            while (left > 0) {
                int index = (int) (v >>> 2);
                int within = (int) (v & 3);
                if (within == 0 && left >= 4) {
                    int n = left >>> 2;
                    for (int k = 0; k < n; k++) {
                        INT_LE.set(dst, out, Float.floatToRawIntBits(values[index + k]));
                        out += 4;
                    }
                    v += 4L * n;
                    left -= 4 * n;
                } else {
                    int bits = Float.floatToRawIntBits(values[index]);
                    dst[out++] = (byte) (bits >>> (8 * within));
                    v++;
                    left--;
                }
            }
        }
    }

    /** The encoding is larger than allowed: a size limit, not a malformed buffer. */
    public static final class SizeLimitException extends IllegalArgumentException {
        public SizeLimitException(String message) {
            super(message);
        }
    }

    /**
     * Reads an HNSP encoding in pieces of any size. Every header field is checked as it arrives; the
     * values array is allocated only once the whole header has been read and its announced size is
     * within the limit (and its layout equals the expected one, if any). Malformed input fails with
     * {@link IllegalArgumentException}, a layout other than the expected one with
     * {@link ParameterMismatchException} naming the tensor, and a size over the limit with
     * {@link SizeLimitException}. Not thread-safe.
     */
    public static final class Decoder {
        private enum State { PREAMBLE, NAME_LENGTH, NAME, DTYPE_RANK, DIMS, VALUES, DONE }

        private final ParameterLayout expected;
        private final long maxBytes;
        private State state = State.PREAMBLE;
        private byte[] scratch = new byte[PREAMBLE];
        private int need = PREAMBLE;
        private int filled;
        private long bytesRead;

        private int tensorCount;
        private final List<TensorSpec> specs = new ArrayList<>();
        private long elements;
        private String currentName;
        private int currentRank;

        private ParameterLayout layout;
        private float[] values;
        private long valueBytes;
        private long valueBytesRead;
        /** The dtype of the values, from the first tensor; every tensor must have the same. */
        private byte dtype;
        private int width = 4;

        private Decoder(ParameterLayout expected, long maxBytes) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("maxBytes must be > 0, got " + maxBytes);
            }
            this.expected = expected;
            this.maxBytes = maxBytes;
        }

        /** Bytes consumed so far. */
        public long bytesRead() {
            return bytesRead;
        }

        /** The layout announced by the header, or null while the header is incomplete. */
        public ParameterLayout layout() {
            return layout;
        }

        /** The total size announced by the header, or -1 while the header is incomplete. */
        public long announcedSize() {
            return layout == null ? -1 : bytesRead - valueBytesRead + valueBytes;
        }

        public boolean isComplete() {
            return state == State.DONE;
        }

        public void update(byte[] data, int offset, int length) {
            update(ByteBuffer.wrap(data, offset, length));
        }

        /** Consumes all remaining bytes of {@code data}. */
        public void update(ByteBuffer data) {
            while (data.hasRemaining()) {
                if (state == State.DONE) {
                    throw new IllegalArgumentException("more bytes than the parameters header announces (" + bytesRead + " expected)");
                }
                if (state == State.VALUES) {
                    readValues(data);
                    continue;
                }
                int n = Math.min(need - filled, data.remaining());
                checkLimit(bytesRead + n);
                data.get(scratch, filled, n);
                filled += n;
                bytesRead += n;
                if (filled == need) {
                    field();
                }
            }
        }

        /** The decoded parameters; fails if the encoding is incomplete. */
        public Parameters finish() {
            if (state != State.DONE) {
                String what = layout == null ? "the header is incomplete" : (valueBytes - valueBytesRead) + " value bytes are missing";
                throw new IllegalArgumentException("truncated parameters: " + what + " after " + bytesRead + " bytes");
            }
            return Parameters.wrap(layout, values);
        }

        private void checkLimit(long total) {
            if (total > maxBytes) {
                throw new SizeLimitException("parameters exceed the limit of " + maxBytes + " bytes");
            }
        }

        private void expectNext(State next, int bytes) {
            state = next;
            need = bytes;
            filled = 0;
            if (scratch.length < bytes) {
                scratch = new byte[bytes];
            }
        }

        private void field() {
            ByteBuffer f = ByteBuffer.wrap(scratch, 0, need).order(ByteOrder.LITTLE_ENDIAN);
            switch (state) {
                case PREAMBLE -> {
                    for (byte m : ParametersCodec.MAGIC) {
                        if (f.get() != m) {
                            throw new IllegalArgumentException("not a Hanse parameters buffer (bad magic)");
                        }
                    }
                    byte version = f.get();
                    if (version != ParametersCodec.VERSION) {
                        throw new IllegalArgumentException("unsupported parameters format version " + version
                                + ", this build reads " + ParametersCodec.VERSION);
                    }
                    tensorCount = f.getInt();
                    if (tensorCount < 0) {
                        throw new IllegalArgumentException("implausible tensor count " + tensorCount);
                    }
                    if (expected != null && tensorCount != expected.numTensors()) {
                        String which = tensorCount < expected.numTensors()
                                ? "missing tensor '" + expected.tensor(tensorCount).name() + "'"
                                : "unexpected tensors after '" + (expected.numTensors() == 0 ? "" : expected.tensor(expected.numTensors() - 1).name()) + "'";
                        throw new ParameterMismatchException(which + ": got " + tensorCount + " tensors, expected " + expected.numTensors());
                    }
                    // every tensor header takes at least 5 bytes (u16 length, a 1-byte name, dtype, rank)
                    checkLimit(bytesRead + 5L * tensorCount);
                    nextTensorOrValues();
                }
                case NAME_LENGTH -> {
                    int length = Short.toUnsignedInt(f.getShort());
                    if (length == 0) {
                        throw new IllegalArgumentException("tensor " + specs.size() + " has an empty name");
                    }
                    expectNext(State.NAME, length);
                }
                case NAME -> {
                    currentName = new String(scratch, 0, need, StandardCharsets.UTF_8);
                    int i = specs.size();
                    if (expected != null && !expected.tensor(i).name().equals(currentName)) {
                        throw new ParameterMismatchException("tensor " + i + " is named '" + currentName
                                + "', expected '" + expected.tensor(i).name() + "'");
                    }
                    expectNext(State.DTYPE_RANK, 2);
                }
                case DTYPE_RANK -> {
                    byte dt = f.get();
                    if (dt != ParametersCodec.DTYPE_FLOAT32 && dt != ParametersCodec.DTYPE_FLOAT16) {
                        throw new ParameterMismatchException("tensor '" + currentName + "' has dtype code " + dt
                                + ", only float32 (" + ParametersCodec.DTYPE_FLOAT32 + ") and float16 ("
                                + ParametersCodec.DTYPE_FLOAT16 + ") are supported");
                    }
                    if (specs.isEmpty()) {
                        dtype = dt;
                        width = ParametersCodec.width(dt);
                    } else if (dt != dtype) {
                        throw new IllegalArgumentException("tensor '" + currentName + "' has dtype code " + dt
                                + ", the first tensor " + dtype + ": every tensor of a buffer has the same dtype");
                    }
                    currentRank = Byte.toUnsignedInt(f.get());
                    if (currentRank == 0) {
                        tensorDone(new int[0]);
                    } else {
                        expectNext(State.DIMS, 4 * currentRank);
                    }
                }
                case DIMS -> {
                    int[] shape = new int[currentRank];
                    for (int d = 0; d < currentRank; d++) {
                        shape[d] = f.getInt();
                    }
                    tensorDone(shape);
                }
                default -> throw new IllegalStateException(state.toString());
            }
        }

        private void tensorDone(int[] shape) {
            int i = specs.size();
            if (expected != null && !java.util.Arrays.equals(expected.tensor(i).shape(), shape)) {
                throw new ParameterMismatchException("tensor '" + currentName + "' has shape " + java.util.Arrays.toString(shape)
                        + ", expected " + expected.tensor(i).shapeString());
            }
            TensorSpec spec;
            try {
                spec = new TensorSpec(currentName, shape);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad parameters header: " + e.getMessage(), e);
            }
            elements += spec.size();
            if (elements > Integer.MAX_VALUE - 8) {
                throw new SizeLimitException("parameters too large: more than 2^31 elements at tensor '" + currentName + "'");
            }
            checkLimit(bytesRead + (long) width * elements);
            specs.add(spec);
            nextTensorOrValues();
        }

        private void nextTensorOrValues() {
            if (specs.size() < tensorCount) {
                expectNext(State.NAME_LENGTH, 2);
                return;
            }
            try {
                // with an expected layout every name and shape was compared on arrival; otherwise a
                // duplicate name fails here
                layout = expected != null ? expected : new ParameterLayout(specs);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bad parameters header: " + e.getMessage(), e);
            }
            valueBytes = (long) width * layout.totalSize();
            checkLimit(bytesRead + valueBytes);
            values = new float[layout.totalSize()];
            scratch = new byte[4];
            filled = 0;
            state = valueBytes == 0 ? State.DONE : State.VALUES;
        }

        private void readValues(ByteBuffer data) {
            if (width == 2) {
                while (data.hasRemaining() && valueBytesRead < valueBytes) {
                    scratch[filled++] = data.get();
                    valueBytesRead++;
                    bytesRead++;
                    if (filled == 2) {
                        short h = (short) ((scratch[0] & 0xFF) | (scratch[1] << 8));
                        values[(int) ((valueBytesRead - 2) >>> 1)] = io.hanse.compression.Float16.toFloat(h);
                        filled = 0;
                    }
                }
                if (valueBytesRead == valueBytes) {
                    state = State.DONE;
                }
                return;
            }
            // finish a float split across pieces
            if (filled > 0 || (valueBytesRead & 3) != 0 || data.remaining() < 4) {
                int n = (int) Math.min(Math.min(4 - filled, data.remaining()), valueBytes - valueBytesRead);
                data.get(scratch, filled, n);
                filled += n;
                valueBytesRead += n;
                bytesRead += n;
                if (filled == 4) {
                    values[(int) ((valueBytesRead - 4) >>> 2)] = Float.intBitsToFloat((int) INT_LE.get(scratch, 0));
                    filled = 0;
                }
            } else {
                int index = (int) (valueBytesRead >>> 2);
                int n = (int) Math.min(data.remaining() >>> 2, values.length - (long) index);
                data.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, index, n);
                data.position(data.position() + 4 * n);
                valueBytesRead += 4L * n;
                bytesRead += 4L * n;
            }
            if (valueBytesRead == valueBytes) {
                state = State.DONE;
            }
        }
    }
}
