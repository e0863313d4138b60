package dev.orderly.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orderly.registry.RegistryCsv;
import dev.orderly.server.Settings;
import dev.orderly.server.StaffTool;
import dev.orderly.server.TestApp;
import dev.orderly.server.TestPrivacy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry tool against a fresh database: import, the demo file, re-sealing after a key rotation. */
class RegistryToolIT {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private static Settings settings(String databaseUrl, Map<String, String> keys) {
        Map<String, String> env = new HashMap<>(keys);
        env.put("ORDERLY_DATABASE_URL", databaseUrl);
        env.put("ORDERLY_DEMO", "false");
        env.put("ORDERLY_DEMO_PEOPLE", "500");
        return TestApp.settings(env);
    }

    private static Path file(String content) throws Exception {
        Path f = Files.createTempFile("registry", ".csv");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void aCleanFileIsImportedAndABadOneReportedLineByLineWithoutValues() throws Exception {
        Settings s = settings(TestApp.settings(Map.of()).databaseUrl().orElseThrow(), TestPrivacy.settings(11, "p1"));
        Path good = file(RegistryCsv.HEADER + "\n640505-1234567,홍길동,1964-05-05,010-1234-5678\n");
        Path bad = file(RegistryCsv.HEADER + "\n650606-2345678,이영희,1965-06-06,010-2222-3333\n650606-2345679,이영희,1965-06-06,02-222-3333\n");

        assertThat(RegistryTool.run(new String[] {"import", good.toString()}, s, out)).isZero();
        assertThat(RegistryTool.run(new String[] {"import", bad.toString()}, s, out)).isEqualTo(1);

        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("imported 1 residents (1 added, 0 updated)")
                .contains("nothing imported: 1 problem(s)").contains("  line 3, phone: not a Korean mobile number")
                .doesNotContain("2345679").doesNotContain("222-3333");
    }

    @Test
    void theDemoFileImportsAsItIs() throws Exception {
        Settings s = settings(TestApp.settings(Map.of()).databaseUrl().orElseThrow(), TestPrivacy.settings(11, "p1"));
        Path demo = Files.createTempFile("demo", ".csv");

        assertThat(RegistryTool.run(new String[] {"demo-csv", demo.toString()}, s, out)).isZero();
        assertThat(RegistryTool.run(new String[] {"import", demo.toString()}, s, out)).isZero();

        assertThat(Files.readAllLines(demo)).hasSize(501).first().isEqualTo(RegistryCsv.HEADER);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("imported 500 residents (500 added, 0 updated)");
    }

    @Test
    void afterAKeyRotationResealingLetsTheOldKeyGo() throws Exception {
        String db = TestApp.settings(Map.of()).databaseUrl().orElseThrow();
        Path demo = Files.createTempFile("demo", ".csv");
        RegistryTool.run(new String[] {"demo-csv", demo.toString()}, settings(db, TestPrivacy.settings(11, "p1")), out);
        RegistryTool.run(new String[] {"import", demo.toString()}, settings(db, TestPrivacy.settings(11, "p1")), out);
        assertThat(StaffTool.run(new String[] {"add", "--login", "kim", "--name", "Kim", "--role", "auditor", "--password-stdin"},
                settings(db, TestPrivacy.settings(11, "p1")), new ByteArrayInputStream("a long enough password\n".getBytes(StandardCharsets.UTF_8)),
                out, out)).isZero();

        Settings withoutOldKey = settings(db, TestPrivacy.settings(11, "p2"));
        assertThatThrownBy(() -> RegistryTool.run(new String[] {"reseal-phones"}, withoutOldKey, out))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("lacks key(s) [p1]");

        assertThat(RegistryTool.run(new String[] {"reseal-phones"}, settings(db, TestPrivacy.settings(11, "p2", "p1")), out)).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("re-sealed 500 phone numbers and 1 staff authenticator secrets with key 'p2'")
                .contains("keys no longer needed: [p1]");
        assertThat(RegistryTool.run(new String[] {"reseal-phones"}, withoutOldKey, out)).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("re-sealed 0 phone numbers");
        printed.reset();
        assertThat(StaffTool.run(new String[] {"list"}, withoutOldKey, InputStream.nullInputStream(), out, out)).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("auditor 'kim' (Kim)");
    }

    @Test
    void theWrongHashKeyIsRefusedBeforeAnythingIsWritten() throws Exception {
        String db = TestApp.settings(Map.of()).databaseUrl().orElseThrow();
        Path good = file(RegistryCsv.HEADER + "\n640505-1234567,홍길동,1964-05-05,010-1234-5678\n");
        RegistryTool.run(new String[] {"import", good.toString()}, settings(db, TestPrivacy.settings(11, "p1")), out);

        assertThatThrownBy(() -> RegistryTool.run(new String[] {"import", good.toString()}, settings(db, TestPrivacy.settings(12, "p1")), out))
                .isInstanceOf(Settings.InvalidSettingException.class).hasMessageContaining("ORDERLY_PII_HASH_KEY is not the key");
    }

    @Test
    void wrongUseShowsHowToUseIt() {
        assertThat(RegistryTool.run(new String[] {"export"}, TestApp.settings(Map.of()), out)).isEqualTo(2);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("usage");
    }
}
