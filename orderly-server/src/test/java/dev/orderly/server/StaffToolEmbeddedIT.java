package dev.orderly.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.server.postgres.Database;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The staff command with the embedded database: while Orderly holds the data folder it says so and
 * changes nothing; once Orderly is stopped it starts the folder's PostgreSQL itself and does its work.
 */
class StaffToolEmbeddedIT {

    @Test
    void withTheEmbeddedDatabaseOrderlyMustBeStoppedFirst() throws Exception {
        Path dir = Files.createTempDirectory("orderly-staff-cli");
        Map<String, String> env = new HashMap<>();
        env.put("ORDERLY_DATA_DIR", dir.toString());
        env.put("ORDERLY_DATABASE_URL", "");
        Settings settings = TestApp.settings(env);
        assertThat(settings.databaseUrl()).isEmpty();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] add = {"add", "--login", "kim", "--name", "Kim Minji", "--role", "operator", "--password-stdin"};

        Vertx vertx = Vertx.vertx();
        // What a running Orderly holds: the folder's embedded PostgreSQL.
        Database running = Database.embedded(vertx, dir.resolve("postgres"), 2);
        try {
            assertThat(StaffTool.run(add, settings, password(), print(out), print(err))).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("Orderly is running on the data folder")
                    .contains("Stop Orderly (Ctrl+C), run this command, then start Orderly again");
            assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("created");
        } finally {
            running.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }

        assertThat(StaffTool.run(add, settings, password(), print(out), print(err))).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("created operator 'kim' (Kim Minji)").contains("otpauth://totp/");
    }

    private static ByteArrayInputStream password() {
        return new ByteArrayInputStream("a long enough password\n".getBytes(StandardCharsets.UTF_8));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
