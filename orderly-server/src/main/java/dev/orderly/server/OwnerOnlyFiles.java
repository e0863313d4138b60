package dev.orderly.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files of secrets in the data folder: created readable by their owner only, never for a moment by others. */
public final class OwnerOnlyFiles {

    private OwnerOnlyFiles() {
    }

    /**
     * Writes {@code text} to a new {@code file} (an old one is replaced), created with mode 600.
     *
     * @return false when the file system has no POSIX permissions and the file has its defaults
     */
    public static boolean write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        boolean restricted = true;
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
            restricted = false;
        }
        Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
        return restricted;
    }
}
