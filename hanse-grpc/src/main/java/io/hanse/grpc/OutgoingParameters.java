package io.hanse.grpc;

import com.google.protobuf.ByteString;
import io.hanse.core.Parameters;
import io.hanse.core.ParametersStream;
import io.hanse.grpc.proto.ParametersInfo;

/** Parameters prepared for download: their encoder, size, chunk count and SHA-256, computed once. */
final class OutgoingParameters {

    final String id;
    final Parameters parameters;
    final ParametersStream.Encoder encoder;
    final int chunkBytes;
    final int numChunks;
    final ParametersInfo info;
    /** The dtype the values travel as: float32, or float16 under down compression. */
    final byte dtype;

    OutgoingParameters(String id, Parameters parameters, int chunkBytes) {
        this(id, parameters, chunkBytes, io.hanse.core.ParametersCodec.DTYPE_FLOAT32);
    }

    /** {@code parameters} (the server's full-precision copy, kept for rebuilding compressed updates) encoded as {@code dtype}. */
    OutgoingParameters(String id, Parameters parameters, int chunkBytes, byte dtype) {
        this.id = id;
        this.parameters = parameters;
        this.dtype = dtype;
        this.encoder = ParametersStream.encoder(parameters, dtype);
        this.chunkBytes = chunkBytes;
        long chunks = Protocol.numChunks(encoder.size(), chunkBytes);
        if (chunks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("parameters of " + encoder.size() + " bytes need more than 2^31 chunks of " + chunkBytes + " bytes");
        }
        this.numChunks = (int) chunks;
        this.info = ParametersInfo.newBuilder()
                .setParametersId(id)
                .setTotalBytes(encoder.size())
                .setNumChunks(numChunks)
                .setSha256(ByteString.copyFrom(Protocol.sha256(encoder)))
                .build();
    }

    /** Bytes of chunk {@code index}. */
    byte[] chunk(int index) {
        long off = (long) index * chunkBytes;
        int n = (int) Math.min(chunkBytes, encoder.size() - off);
        return encoder.read(off, n);
    }
}
