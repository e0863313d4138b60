package dev.orderly.server;

import dev.orderly.audit.AuditCsv;
import dev.orderly.audit.AuditFilters;
import dev.orderly.audit.AuditLog;
import dev.orderly.audit.AuditQuery;
import dev.orderly.audit.ChainCheck;
import dev.orderly.server.postgres.Database;
import dev.orderly.server.postgres.PostgresAuditLog;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The audit log from the command line ({@code ./orderly audit ...}), with the server's settings:
 *
 * <pre>
 * ./orderly audit verify                                  check the hash chain
 * ./orderly audit export [--from T] [--to T] [--actor A] [--action X] [--target P] > audit.csv
 * </pre>
 *
 * Exit status: 0 intact (or exported), 1 the chain is broken (the first broken entry and why on
 * standard output), 2 wrong use or settings, 3 the database could not be opened or read. With the embedded database, stop Orderly first: one
 * data folder serves one PostgreSQL at a time. Logging goes to standard error, so an export on
 * standard output is the CSV alone.
 */
public final class AuditTool {

    private static final Set<String> EXPORT_FILTERS = Set.of("from", "to", "actor", "action", "target");
    private static final String USAGE = """
            usage: orderly audit verify
                   orderly audit export [--from <instant>] [--to <instant>] [--actor <login>] [--action <action>] [--target <prefix>]
            verify exits 0 when the log is intact and 1 naming the first broken entry; export writes CSV to standard output;
3 when the database cannot be opened or read.""";

    private AuditTool() {
    }

    /** Runs {@code args} (after the word {@code audit}); returns the exit status. */
    public static int main(String[] args) {
        CliLogging.toStandardError();
        try {
            return run(args, Settings.fromEnvironment(), System.out, System.err);
        } catch (Settings.InvalidSettingException e) {
            System.err.println("orderly audit: " + e.getMessage());
            return 2;
        }
    }

    public static int run(String[] args, Settings settings, PrintStream out, PrintStream err) {
        if (args.length == 1 && args[0].equals("verify")) {
            return withLog(settings, log -> verify(log, out), err);
        }
        if (args.length >= 1 && args[0].equals("export")) {
            Map<String, String> filters = new HashMap<>();
            for (int i = 1; i < args.length; i += 2) {
                String name = args[i].startsWith("--") ? args[i].substring(2) : "";
                if (!EXPORT_FILTERS.contains(name) || i + 1 >= args.length || filters.containsKey(name)) {
                    err.println("orderly audit: '" + args[i] + "' is not an export filter, or is given twice or without a value");
                    err.println(USAGE);
                    return 2;
                }
                filters.put(name, args[i + 1]);
            }
            AuditQuery query;
            try {
                query = AuditFilters.parse(filters::get);
            } catch (AuditFilters.Invalid e) {
                err.println("orderly audit: " + e.getMessage());
                return 2;
            }
            return withLog(settings, log -> {
                // The byte-order mark, as over HTTP: a spreadsheet then reads Korean text as UTF-8.
                out.print("\uFEFF" + AuditCsv.header());
                log.readAll(query, e -> out.print(AuditCsv.row(e)));
                out.flush();
                return 0;
            }, err);
        }
        err.println(USAGE);
        return 2;
    }

    private static int verify(AuditLog log, PrintStream out) {
        ChainCheck.Verification v = log.verify();
        if (v.ok()) {
            out.println("audit log intact: " + v.entries() + " entries; head: entry " + v.last().sequence() + " " + v.last().hash());
            return 0;
        }
        ChainCheck.Broken broken = v.firstBroken().orElseThrow();
        out.println("audit log BROKEN at entry " + broken.sequence() + ": " + broken.reason());
        out.println("(" + v.entries() + " entries before it are intact)");
        return 1;
    }

    /** Runs {@code command} on the log; 3 when the database cannot be opened or read (not to be taken for a broken chain). */
    private static int withLog(Settings settings, Function<AuditLog, Integer> command, PrintStream err) {
        Vertx vertx = Vertx.vertx();
        try (Database db = settings.databaseUrl()
                .map(url -> Database.external(vertx, url, settings.databaseUser(), settings.databasePassword(), 2))
                .orElseGet(() -> Database.embedded(vertx, settings.dataDir().resolve("postgres"), 2))) {
            return command.apply(new PostgresAuditLog(db.pool(), Clock.systemUTC()));
        } catch (RuntimeException e) {
            err.println("orderly audit: could not read the audit log: " + e.getMessage());
            return 3;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
