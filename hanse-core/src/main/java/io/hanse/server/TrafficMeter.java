package io.hanse.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals of the encoded payload bytes a transport moved: {@link #bytesDown()} from the server to clients
 * (global models, protocol messages' parameters), {@link #bytesUp()} from clients to the server (trained parameters
 * or compressed updates, protocol replies). Configs and metrics are not counted. A simulation counts the sizes of
 * the encodings it would send; the gRPC transport counts the bytes of the chunks it actually sent and received; for
 * the same run the two agree byte for byte.
 */
public interface TrafficMeter {

    long bytesUp();

    long bytesDown();

    /** A thread-safe counter. */
    final class Counter implements TrafficMeter {
        private final LongAdder up = new LongAdder();
        private final LongAdder down = new LongAdder();

        public void addUp(long bytes) {
            up.add(bytes);
        }

        public void addDown(long bytes) {
            down.add(bytes);
        }

        @Override
        public long bytesUp() {
            return up.sum();
        }

        @Override
        public long bytesDown() {
            return down.sum();
        }
    }
}
