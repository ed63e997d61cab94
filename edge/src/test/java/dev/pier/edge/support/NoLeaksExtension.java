package dev.pier.edge.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when a Netty buffer leaked during it. Leaks show up only once the buffer
 * is garbage collected and a later allocation polls the detector, so this collects garbage and
 * allocates a little before it looks. It takes the leaks it sees out of the record, so a leak
 * fails the class that was running and not every class after it. Registered for every test
 * class (junit-platform.properties).
 */
public final class NoLeaksExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 100; i++) {
                ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(16);
                probe.release();
            }
        }
        assertThat(LeakRecorder.takeReported()).as("Netty buffer leaks in " + context.getDisplayName()).isEmpty();
    }
}
