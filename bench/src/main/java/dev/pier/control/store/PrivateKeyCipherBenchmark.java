package dev.pier.control.store;

import dev.pier.config.Certificates;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What encryption at rest adds to reading the store: one private key (an EC P-256 key in
 * PKCS#8 PEM, as the API keeps it) decrypted, as every read of a certificate does, and
 * encrypted, as every upload does. A node reads every certificate on every change it follows
 * ({@code StoredZonesBenchmark}), so {@code decrypt} times the number of certificates is what a
 * change costs more. In the store's package, because the cipher is the store's own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PrivateKeyCipherBenchmark {

    private PrivateKeyCipher cipher;
    private String pem;
    private String stored;

    @Setup
    public void setUp() {
        cipher = new PrivateKeyCipher(StoreKeys.parse(StoreKeys.newKeyText(), "PrivateKeyCipherBenchmark"));
        pem = Certificates.selfSigned("example.com").keyPem();
        stored = cipher.encrypt(pem, "0123456789abcdef0123456789abcdef");
    }

    @Benchmark
    public String decrypt() {
        return cipher.decrypt(stored, "0123456789abcdef0123456789abcdef");
    }

    @Benchmark
    public String encrypt() {
        return cipher.encrypt(pem, "0123456789abcdef0123456789abcdef");
    }
}
