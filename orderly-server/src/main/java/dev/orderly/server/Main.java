package dev.orderly.server;

import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts Orderly with the settings from the environment and prints where to open it. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        // A command word runs a tool and exits; without one the server starts.
        if (args.length > 0) {
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            switch (args[0]) {
                case "audit" -> System.exit(AuditTool.main(rest));
                default -> {
                    // not a tool's word: start the server as before
                }
            }
        }
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
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "orderly-shutdown"));
        // From the JVM's start: what a newcomer waited, to set against the README's times.
        LOG.info("listening {} s after the JVM started", String.format(java.util.Locale.ROOT, "%.1f",
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0));
        String host = settings.httpHost().equals("0.0.0.0") ? "localhost" : settings.httpHost();
        System.out.println();
        System.out.println("  Orderly is running: http://" + host + ":" + app.port() + "/");
        if (settings.demo()) {
            System.out.println("  Demo SMS inbox and residents to try: http://" + host + ":" + app.port() + "/dev.html");
        }
        if (settings.operatorToken().isEmpty()) {
            System.out.println("  Operator API token: in " + settings.dataDir().resolve("operator.token").toAbsolutePath());
        }
        System.out.println("  Metrics: http://" + host + ":" + app.port() + "/metrics   Stop: Ctrl+C");
        System.out.println();
    }
}
