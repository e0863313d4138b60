package dev.orderly.server.registry;

import dev.orderly.registry.RegistryCsv;
import dev.orderly.server.PrivacyKeys;
import dev.orderly.server.Settings;
import dev.orderly.server.StaffTool;
import dev.orderly.server.demo.DemoData;
import dev.orderly.server.postgres.Database;
import dev.orderly.server.postgres.PostgresKeyRecords;
import dev.orderly.server.postgres.PostgresResidentRegistry;
import dev.orderly.server.postgres.PostgresStaffStore;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * The registry from the command line, with the same settings as the server (environment or
 * {@code -Dorderly.*}):
 *
 * <pre>
 * java -cp orderly-server/target/orderly-server.jar dev.orderly.server.registry.RegistryTool import residents.csv
 * java -cp orderly-server/target/orderly-server.jar dev.orderly.server.registry.RegistryTool demo-csv residents.csv
 * java -cp orderly-server/target/orderly-server.jar dev.orderly.server.registry.RegistryTool reseal-phones
 * </pre>
 *
 * With the embedded database, stop Orderly first: one data folder serves one PostgreSQL at a time.
 * Exit status: 0 done, 1 the file had problems (nothing imported), 2 wrong use or settings.
 */
public final class RegistryTool {

    private RegistryTool() {
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, Settings.fromEnvironment(), System.out);
        } catch (Settings.InvalidSettingException e) {
            System.err.println("orderly registry: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    /** Runs one command; returns the exit status. */
    public static int run(String[] args, Settings settings, PrintStream out) {
        if (args.length == 2 && args[0].equals("import")) {
            return withDatabase(settings, (db, keys) -> importFile(db, keys, Path.of(args[1]), out));
        }
        if (args.length == 2 && args[0].equals("demo-csv")) {
            return demoCsv(settings, Path.of(args[1]), out);
        }
        if (args.length == 1 && args[0].equals("reseal-phones")) {
            return withDatabase(settings, (db, keys) -> reseal(db, keys, out));
        }
        out.println("""
                usage: RegistryTool import <file.csv>   import residents, all or nothing (format: see README)
                       RegistryTool demo-csv <file.csv> write the demo residents in the same format
                       RegistryTool reseal-phones       re-seal phone numbers with the current key of ORDERLY_PHONE_KEYS""");
        return 2;
    }

    private interface Command {
        int run(Database db, PrivacyKeys keys) throws Exception;
    }

    private static int withDatabase(Settings settings, Command command) {
        Vertx vertx = Vertx.vertx();
        Database db = settings.databaseUrl()
                .map(url -> Database.external(vertx, url, settings.databaseUser(), settings.databasePassword(), 4))
                .orElseGet(() -> Database.embedded(vertx, settings.dataDir().resolve("postgres"), 4));
        try {
            PrivacyKeys keys = PrivacyKeys.load(settings.identity(), settings.dataDir(), settings.demo(), new SecureRandom());
            keys.checkAgainst(new PostgresKeyRecords(db.pool()));
            return command.run(db, keys);
        } catch (Settings.InvalidSettingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        } finally {
            db.close();
            vertx.close();
        }
    }

    private static int importFile(Database db, PrivacyKeys keys, Path file, PrintStream out) throws IOException, SQLException {
        RegistryImporter importer = new RegistryImporter(keys.residentNumbers(), keys.phones(), keys.phoneCipher());
        RegistryImporter.Report report;
        try (Connection c = db.jdbc(); BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            report = importer.importCsv(c, in);
        }
        out.println(report);
        if (report.imported()) {
            return 0;
        }
        report.problems().forEach(p -> out.println("  " + p));
        if (report.problemCount() > report.problems().size()) {
            out.println("  … and " + (report.problemCount() - report.problems().size()) + " more");
        }
        return 1;
    }

    private static int demoCsv(Settings settings, Path file, PrintStream out) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            new DemoData(settings.demoSeed(), settings.demoPeople(), settings.demoClinics(), Clock.systemUTC()).residentsCsv(line -> {
                try {
                    w.write(line);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println("wrote " + settings.demoPeople() + " demo residents (seed " + settings.demoSeed() + ") to " + file
                + " in the format " + RegistryCsv.HEADER);
        return 0;
    }

    private static int reseal(Database db, PrivacyKeys keys, PrintStream out) {
        PostgresResidentRegistry registry = new PostgresResidentRegistry(db.pool(), keys.residentNumbers(), keys.phones(), keys.phoneCipher());
        long resealed = registry.reseal();
        // Staff TOTP secrets are sealed with the same keys (under their own purpose): they move too,
        // and a key still sealing one is not retired.
        PostgresStaffStore staff = new PostgresStaffStore(db.pool(), StaffTool.totpCipher(keys, new SecureRandom()));
        int totp = staff.resealTotp();
        Set<String> inUse = new java.util.HashSet<>(registry.keyIdsInUse());
        inUse.addAll(staff.totpKeyIdsInUse());
        PostgresKeyRecords records = new PostgresKeyRecords(db.pool());
        List<String> retired = records.recorded("phone").keySet().stream().filter(id -> !inUse.contains(id)
                && !id.equals(keys.phoneCipher().currentKeyId())).toList();
        retired.forEach(id -> records.forget("phone", id));
        out.println("re-sealed " + resealed + " phone numbers" + (totp > 0 ? " and " + totp + " staff authenticator secrets" : "")
                + " with key '" + keys.phoneCipher().currentKeyId() + "'"
                + (retired.isEmpty() ? "" : "; keys no longer needed: " + retired + " (remove them from ORDERLY_PHONE_KEYS)"));
        return 0;
    }
}
