package dev.pier.edge.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * How large a buffer each read of a connection gets: adaptive, from 64 bytes to 256 KiB,
 * starting at 2 KiB, with one read per readiness. Sizes are powers of two; a read that fills its
 * buffer makes the next one 16 times larger (bulk transfers reach 256 KiB in two reads, and a
 * 64 KiB message with its frame header then takes one read), and two reads in a row that would
 * have fit in half make it half as large (a chatty connection of small messages settles at its
 * message size).
 *
 * <p>It sizes as Netty's {@code AdaptiveRecvByteBufAllocator} does above 512 bytes, in one object
 * per channel of 32 bytes where Netty's handle, its calculator and its "maybe more data" supplier
 * are three objects of 112 bytes: a proxied WebSocket has two channels and keeps their handles for
 * as long as it is open, idle or not.
 */
public final class ReceiveBuffers implements RecvByteBufAllocator {

    /** The one allocator: its handles keep no reference to it. */
    public static final ReceiveBuffers INSTANCE = new ReceiveBuffers();

    static final int MIN_SHIFT = 6;      // 64 B
    static final int INITIAL_SHIFT = 11; // 2 KiB
    static final int MAX_SHIFT = 18;     // 256 KiB
    /** A read that fills its buffer: the next is this many doublings larger. */
    static final int GROW_SHIFT = 4;
    /** Reads per readiness, as Netty's allocators do unless a channel option says otherwise. */
    static final int MAX_MESSAGES_PER_READ = 1;

    private ReceiveBuffers() {
    }

    @Override
    public Handle newHandle() {
        return new SizingHandle();
    }

    /** One channel's sizing, and the counts of the read loop in progress. */
    static final class SizingHandle implements ExtendedHandle, UncheckedBooleanSupplier {

        private ChannelConfig config;
        private int totalMessages;
        private int totalBytesRead;
        private int attemptedBytesRead;
        private int lastBytesRead;
        /** log2 of the next buffer's size. */
        private byte shift = INITIAL_SHIFT;
        /** The last read would have fit in half: one more such read halves the size. */
        private boolean decreaseNow;

        @Override
        public ByteBuf allocate(ByteBufAllocator alloc) {
            return alloc.ioBuffer(guess());
        }

        @Override
        public int guess() {
            return 1 << shift;
        }

        @Override
        public void reset(ChannelConfig config) {
            this.config = config;
            totalMessages = 0;
            totalBytesRead = 0;
        }

        @Override
        public void incMessagesRead(int numMessages) {
            totalMessages += numMessages;
        }

        @Override
        public void lastBytesRead(int bytes) {
            if (bytes == attemptedBytesRead) {
                record(bytes); // the buffer was filled: more is likely waiting, grow at once
            }
            lastBytesRead = bytes;
            if (bytes > 0) {
                totalBytesRead += bytes;
            }
        }

        @Override
        public int lastBytesRead() {
            return lastBytesRead;
        }

        @Override
        public void attemptedBytesRead(int bytes) {
            attemptedBytesRead = bytes;
        }

        @Override
        public int attemptedBytesRead() {
            return attemptedBytesRead;
        }

        @Override
        public boolean continueReading() {
            return continueReading(this);
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
            return config.isAutoRead() && maybeMoreDataSupplier.get() && totalMessages < MAX_MESSAGES_PER_READ && totalBytesRead > 0;
        }

        /** Whether the last read may have left data behind: it filled its buffer. */
        @Override
        public boolean get() {
            return attemptedBytesRead == lastBytesRead;
        }

        @Override
        public void readComplete() {
            record(totalBytesRead < 0 ? Integer.MAX_VALUE : totalBytesRead);
        }

        private void record(int bytes) {
            if (shift > MIN_SHIFT && bytes <= 1 << (shift - 1)) {
                if (decreaseNow) {
                    shift--;
                }
                decreaseNow = !decreaseNow;
            } else if (bytes >= 1 << shift) {
                shift = (byte) Math.min(shift + GROW_SHIFT, MAX_SHIFT);
                decreaseNow = false;
            }
        }
    }
}
