package dev.pier.edge.support;

import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector, made to remember what it reports so that {@link NoLeaksExtension}
 * can fail the build on a leaked buffer instead of only logging it. Installed with
 * {@code -Dio.netty.customResourceLeakDetector} (see edge/pom.xml).
 */
public final class LeakRecorder<T> extends ResourceLeakDetector<T> {

    private static final Queue<String> LEAKS = new ConcurrentLinkedQueue<>();

    public LeakRecorder(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /** The constructor Netty looks for first (older factories pass a maximum; it is unused). */
    public LeakRecorder(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval);
    }

    /**
     * The leaks reported since the last call, forgotten here: each is reported to one test
     * class only, so a leak fails the class it was seen in and not every class after it.
     */
    static List<String> takeReported() {
        List<String> taken = new ArrayList<>();
        for (String leak; (leak = LEAKS.poll()) != null; ) {
            taken.add(leak);
        }
        return taken;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType);
        super.reportUntracedLeak(resourceType);
    }
}
