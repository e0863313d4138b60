package dev.orderly.server;

import dev.orderly.server.demo.DemoStaff;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Orderly with the settings from the environment and prints where to open it. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        switch (args.length == 0 ? "" : args[0]) {
            case "" -> serve();
            case "staff" -> System.exit(StaffTool.main(java.util.Arrays.copyOfRange(args, 1, args.length)));
            case "audit" -> System.exit(AuditTool.main(java.util.Arrays.copyOfRange(args, 1, args.length)));
            default -> {
                System.err.println("orderly: unknown command '" + args[0] + "'. Commands: staff (accounts), audit (verify, export);"
                        + " none starts the server");
                System.exit(2);
            }
        }
    }

    private static void serve() {
        Settings settings;
        try {
            settings = Settings.fromEnvironment();
        } catch (Settings.InvalidSettingException e) {
            System.err.println("orderly: " + e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("starting with {}", settings);
        OrderlyApp app = OrderlyApp.start(settings, Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            // A node that drained and stopped in order exits 0, not the 143 the JVM gives after SIGTERM:
            // supervisors (systemd, a rolling upgrade) read that as a clean stop. A close that throws
            // never gets here and keeps the signal's status.
            Runtime.getRuntime().halt(0);
        }, "orderly-shutdown"));
        // From the JVM's start: what a newcomer waited, to set against the README's times.
        LOG.info("listening {} s after the JVM started", String.format(java.util.Locale.ROOT, "%.1f",
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0));
        String host = settings.httpHost().equals("0.0.0.0") ? "localhost" : settings.httpHost();
        System.out.println();
        System.out.println("  Orderly is running: http://" + host + ":" + app.port() + "/");
        System.out.println("  Operator console (staff sign-in): http://" + host + ":" + app.port() + "/console.html");
        System.out.println("  Clinic desk (clinic staff sign-in): http://" + host + ":" + app.port() + "/clinic.html");
        if (settings.demo()) {
            System.out.println("  Demo SMS inbox, residents and staff accounts to try: http://" + host + ":" + app.port() + "/dev.html");
            if (java.nio.file.Files.exists(settings.dataDir().resolve(DemoStaff.FILE))) {
                System.out.println("  Demo staff accounts (demo-operator, demo-clinic, demo-agent): in "
                        + settings.dataDir().resolve(DemoStaff.FILE).toAbsolutePath());
            }
        }
        if (settings.operatorToken().isEmpty()) {
            System.out.println("  Operator API token: in " + settings.dataDir().resolve("operator.token").toAbsolutePath());
        }
        if (!app.hasStaff()) {
            System.out.println("  No staff account yet. Create the first operator: stop Orderly (Ctrl+C), run");
            System.out.println("    ./orderly staff add --login LOGIN --name \"YOUR NAME\" --role operator");
            System.out.println("  and start it again (see README, \"Operators and staff\").");
        }
        System.out.println("  Metrics: http://" + host + ":" + app.port() + "/metrics   Stop: Ctrl+C");
        System.out.println();
    }
}
