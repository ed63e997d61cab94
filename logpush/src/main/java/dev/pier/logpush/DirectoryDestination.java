package dev.pier.logpush;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A local directory: each batch is a file {@code NAME.log.gz}, written beside and renamed into
 * place, so a file that is there is whole and a batch delivered again replaces itself.
 */
final class DirectoryDestination implements Destination {

    private final Path directory;

    DirectoryDestination(Path directory) {
        this.directory = directory;
    }

    @Override
    public void deliver(String name, byte[] gzipped) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(name + ".log.gz");
        Path temporary = directory.resolve("." + name + ".log.gz.tmp");
        Files.write(temporary, gzipped);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public String toString() {
        return directory.toString();
    }
}
