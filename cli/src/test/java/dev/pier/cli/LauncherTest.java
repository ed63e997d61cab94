package dev.pier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The launcher's JDK search, run as a user would run it. */
class LauncherTest {

    @Test
    void noSuitableJdkGivesOneClearSentence() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "../bin/find-jdk");
        pb.environment().put("JAVA_HOME", "/usr/lib/jvm/java-17-openjdk-amd64");
        pb.environment().put("PIER_JVM_DIR", new File("target/no-jdks-here").getAbsolutePath());
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(err.lines()).singleElement().asString().startsWith("pier needs a JDK 21 or newer");
    }

    @Test
    void findsAJdk21OrNewer() throws Exception {
        Process p = new ProcessBuilder("bash", "../bin/find-jdk").start();
        String home = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).isZero();
        Process version = new ProcessBuilder(home + "/bin/java", "-XshowSettings:properties", "-version")
                .redirectErrorStream(true).start();
        String props = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        version.waitFor();
        int major = Integer.parseInt(props.replaceAll("(?s).*java.specification.version = (\\d+).*", "$1"));
        assertThat(major).isGreaterThanOrEqualTo(21);
    }
}
