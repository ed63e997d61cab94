package dev.pier.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class ReceiveBuffersTest {

    private final ChannelConfig config = new EmbeddedChannel().config();
    private final RecvByteBufAllocator.ExtendedHandle handle = (RecvByteBufAllocator.ExtendedHandle) ReceiveBuffers.INSTANCE.newHandle();

    /** One read loop as a channel runs it: reads {@code bytes} into a buffer of the handle's guess. */
    private boolean read(int bytes) {
        handle.reset(config);
        int size = handle.guess();
        handle.attemptedBytesRead(size);
        handle.lastBytesRead(Math.min(bytes, size));
        handle.incMessagesRead(1);
        boolean more = handle.continueReading();
        handle.readComplete();
        return more;
    }

    @Test
    void startsAt2KiBAndAllocatesWhatItGuesses() {
        assertThat(handle.guess()).isEqualTo(2048);
        ByteBuf buf = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
        try {
            assertThat(buf.capacity()).isEqualTo(2048);
        } finally {
            buf.release();
        }
    }

    @Test
    void aFullReadGrowsSixteenfoldUpTo256KiB() {
        read(1 << 20);
        assertThat(handle.guess()).isEqualTo(32 * 1024);
        read(1 << 20);
        assertThat(handle.guess()).isEqualTo(256 * 1024);
        read(1 << 20);
        assertThat(handle.guess()).isEqualTo(256 * 1024);
    }

    @Test
    void smallReadsHalveEverySecondReadDownTo64Bytes() {
        read(40);
        assertThat(handle.guess()).as("one small read changes nothing").isEqualTo(2048);
        read(40);
        assertThat(handle.guess()).isEqualTo(1024);
        for (int i = 0; i < 20; i++) {
            read(40);
        }
        assertThat(handle.guess()).isEqualTo(64);
    }

    @Test
    void aReadBetweenHalfAndAllKeepsTheSize() {
        for (int i = 0; i < 4; i++) {
            read(1500);
        }
        assertThat(handle.guess()).isEqualTo(2048);
    }

    /** One read per readiness: the transport goes back to the poller even after a full buffer. */
    @Test
    void readsOncePerReadiness() {
        assertThat(read(1 << 20)).isFalse();
        assertThat(read(10)).isFalse();
    }
}
