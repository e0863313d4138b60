package dev.orderly.server;

import dev.orderly.privacy.FieldCipher;
import dev.orderly.server.postgres.Database;
import dev.orderly.server.postgres.PostgresKeyRecords;
import dev.orderly.server.postgres.PostgresStaffStore;
import dev.orderly.staff.Argon2idPasswords;
import dev.orderly.staff.Role;
import dev.orderly.staff.StaffAccount;
import dev.orderly.staff.StaffAccounts;
import dev.orderly.staff.StaffChangeRefused;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Staff accounts from the command line, with the same settings as the server: how the first
 * operator comes to be (there is no default account and no default password).
 *
 * <pre>
 * ./orderly staff add --login kim --name "Kim Minji" --role operator [--clinics 1,2] [--password-stdin]
 * ./orderly staff list
 * ./orderly staff disable LOGIN
 * ./orderly staff enable LOGIN
 * ./orderly staff reset-password LOGIN [--password-stdin]
 * ./orderly staff reset-totp LOGIN
 * </pre>
 *
 * The password is read from the terminal without echo (twice), or as the first line of standard
 * input with {@code --password-stdin}; never from the command line, where {@code ps} and the shell's
 * history would show it.
 *
 * <p>With the embedded database, Orderly must be stopped first: one data folder serves one
 * PostgreSQL at a time. With an external database ({@code ORDERLY_DATABASE_URL}) the command works
 * while Orderly runs, and what it does (a disabled account, a new password) ends the sessions on
 * every node at once. Exit status: 0 done, 1 refused (login taken, weak password, unknown login,
 * database in use), 2 wrong use or settings.
 */
public final class StaffTool {

    static final String USAGE = """
            usage: orderly staff add --login LOGIN --name NAME --role operator|clinic|agent|auditor [--clinics 1,2] [--password-stdin]
                   orderly staff list
                   orderly staff disable LOGIN
                   orderly staff enable LOGIN
                   orderly staff reset-password LOGIN [--password-stdin]
                   orderly staff reset-totp LOGIN
            The password is asked on the terminal (not echoed), or read from the first line of standard input
            with --password-stdin. With the embedded database, stop Orderly first.""";

    private StaffTool() {
    }

    /** Where a password comes from: the terminal, or standard input. */
    interface PasswordSource {
        /** The password, or empty when none could be read (the reason already told). */
        Optional<String> read(String prompt);
    }

    /** Runs {@code args} (after {@code staff}) with the environment's settings; returns the exit status. */
    public static int main(String[] args) {
        Settings settings;
        try {
            settings = Settings.fromEnvironment();
        } catch (Settings.InvalidSettingException e) {
            System.err.println("orderly staff: " + e.getMessage());
            return 2;
        }
        return run(args, settings, System.in, System.out, System.err);
    }

    public static int run(String[] args, Settings settings, InputStream stdin, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        Map<String, String> options = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        boolean passwordStdin = false;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--password-stdin")) {
                passwordStdin = true;
            } else if (a.startsWith("--")) {
                if (i + 1 >= args.length || !Set.of("--login", "--name", "--role", "--clinics").contains(a)) {
                    err.println("orderly staff: unknown option or missing value: " + a + "\n" + USAGE);
                    return 2;
                }
                options.put(a.substring(2), args[++i]);
            } else {
                positional.add(a);
            }
        }
        PasswordSource passwords = passwordStdin ? stdinPassword(stdin, err) : terminalPassword(err);
        try {
            return switch (args[0]) {
                case "add" -> positional.isEmpty() ? add(settings, options, passwords, out, err) : wrongUse(err, "add takes options only");
                case "list" -> options.isEmpty() && positional.isEmpty() ? withAccounts(settings, err, a -> list(a, out)) : wrongUse(err, "list takes nothing");
                case "disable", "enable", "reset-password", "reset-totp" -> positional.size() == 1 && options.isEmpty()
                        ? change(settings, args[0], positional.getFirst(), passwords, out, err) : wrongUse(err, args[0] + " takes one LOGIN");
                default -> wrongUse(err, "unknown command '" + args[0] + "'");
            };
        } catch (StaffChangeRefused e) {
            err.println("orderly staff: " + e.getMessage());
            return 1;
        } catch (Settings.InvalidSettingException e) {
            err.println("orderly staff: " + e.getMessage());
            return 2;
        }
    }

    private static int wrongUse(PrintStream err, String why) {
        err.println("orderly staff: " + why + "\n" + USAGE);
        return 2;
    }

    private static int add(Settings settings, Map<String, String> options, PasswordSource passwords, PrintStream out, PrintStream err) {
        for (String required : List.of("login", "name", "role")) {
            if (!options.containsKey(required)) {
                return wrongUse(err, "add needs --" + required);
            }
        }
        Optional<Role> role = Role.fromSlug(options.get("role"));
        if (role.isEmpty()) {
            return wrongUse(err, "--role must be operator, clinic, agent or auditor");
        }
        Set<Long> clinics = new LinkedHashSet<>();
        if (options.containsKey("clinics")) {
            for (String c : options.get("clinics").split(",")) {
                try {
                    clinics.add(Long.parseLong(c.strip()));
                } catch (NumberFormatException e) {
                    return wrongUse(err, "--clinics is a list of clinic ids such as 1,2");
                }
            }
        }
        Optional<String> password = passwords.read("Password for " + options.get("login") + ": ");
        if (password.isEmpty()) {
            return 2;
        }
        return withAccounts(settings, err, accounts -> {
            StaffAccounts.WithSecret w = accounts.create(options.get("login"), options.get("name"), role.get(), clinics, password.get());
            out.println("created " + describe(w.account()));
            printSecret(w, out);
            return 0;
        });
    }

    private static int change(Settings settings, String command, String login, PasswordSource passwords, PrintStream out, PrintStream err) {
        Optional<String> password = Optional.empty();
        if (command.equals("reset-password")) {
            password = passwords.read("New password for " + login + ": ");
            if (password.isEmpty()) {
                return 2;
            }
        }
        Optional<String> chosen = password;
        return withAccounts(settings, err, accounts -> {
            switch (command) {
                case "disable" -> out.println("disabled " + describe(accounts.disable(login)) + "; its sessions are ended");
                case "enable" -> out.println("enabled " + describe(accounts.enable(login)));
                case "reset-password" -> out.println("new password set for " + describe(accounts.setPassword(login, chosen.orElseThrow()))
                        + "; its lock (if any) is lifted and its sessions are ended");
                default -> {
                    StaffAccounts.WithSecret w = accounts.resetTotp(login);
                    out.println("new authenticator secret for " + describe(w.account()) + "; the old app's codes no longer work");
                    printSecret(w, out);
                }
            }
            return 0;
        });
    }

    private static int list(StaffAccounts accounts, PrintStream out) {
        List<StaffAccount> all = accounts.all();
        if (all.isEmpty()) {
            out.println("no staff accounts yet; create the first operator with: orderly staff add --login LOGIN --name NAME --role operator");
        }
        all.forEach(a -> out.println(describe(a) + (a.disabled() ? "  [disabled]" : "")
                + (a.lockedUntil().isPresent() ? "  [locked until " + a.lockedUntil().get() + " if after now]" : "")));
        return 0;
    }

    private static String describe(StaffAccount a) {
        return a.role().slug() + " '" + a.login() + "' (" + a.name() + ")" + (a.clinics().isEmpty() ? "" : " clinics " + a.clinics().stream().sorted().toList());
    }

    private static void printSecret(StaffAccounts.WithSecret w, PrintStream out) {
        out.println();
        out.println("  Authenticator secret (shown this once): " + w.totpSecret());
        out.println("  otpauth URI: " + w.otpauthUri());
        out.println();
        out.println("  Add it to an authenticator app (Google Authenticator, FreeOTP, 1Password...: \"enter a setup key\", time-based),");
        out.println("  then sign in to the console with the login, the password and the app's 6-digit code.");
    }

    private interface AccountsCommand {
        int run(StaffAccounts accounts);
    }

    private static int withAccounts(Settings settings, PrintStream err, AccountsCommand command) {
        Vertx vertx = Vertx.vertx();
        Database db;
        try {
            db = settings.databaseUrl()
                    .map(url -> Database.external(vertx, url, settings.databaseUser(), settings.databasePassword(), 2))
                    .orElseGet(() -> Database.embedded(vertx, settings.dataDir().resolve("postgres"), 2));
        } catch (IllegalStateException e) {
            vertx.close();
            if (e.getMessage() != null && e.getMessage().contains("in use")) {
                err.println("orderly staff: Orderly is running on the data folder " + settings.dataDir().toAbsolutePath()
                        + ", and its embedded PostgreSQL serves one process at a time.\n"
                        + "  Stop Orderly (Ctrl+C), run this command, then start Orderly again; or, while it runs, let an operator\n"
                        + "  manage accounts in the console, or call POST /api/operator/staff with the machine token ("
                        + settings.dataDir().resolve("operator.token") + ").");
                return 1;
            }
            throw e;
        }
        try {
            SecureRandom random = new SecureRandom();
            PrivacyKeys keys = PrivacyKeys.load(settings.identity(), settings.dataDir(), settings.demo(), random);
            keys.checkAgainst(new PostgresKeyRecords(db.pool()));
            Clock clock = Clock.systemUTC();
            return command.run(new StaffAccounts(new PostgresStaffStore(db.pool(), totpCipher(keys, random)), passwords(random), clock, random));
        } finally {
            db.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /** TOTP secrets are sealed with the phone keys, under a purpose of their own (a sealed phone never opens as one). */
    public static FieldCipher totpCipher(PrivacyKeys keys, SecureRandom random) {
        return new FieldCipher(keys.phoneCipher().keys(), "staff-totp", random);
    }

    /** Argon2id at its default cost, as many at once as there are cores. */
    static Argon2idPasswords passwords(SecureRandom random) {
        return new Argon2idPasswords(Argon2idPasswords.Parameters.DEFAULT, random, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    private static PasswordSource stdinPassword(InputStream stdin, PrintStream err) {
        return prompt -> {
            try {
                String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
                if (line == null || line.isEmpty()) {
                    err.println("orderly staff: --password-stdin: standard input has no password line");
                    return Optional.empty();
                }
                return Optional.of(line);
            } catch (IOException e) {
                err.println("orderly staff: could not read standard input: " + e.getMessage());
                return Optional.empty();
            }
        };
    }

    private static PasswordSource terminalPassword(PrintStream err) {
        return prompt -> {
            java.io.Console console = System.console();
            if (console == null) {
                err.println("orderly staff: no terminal to ask the password on; pipe it in with --password-stdin");
                return Optional.empty();
            }
            char[] first = console.readPassword("%s", prompt);
            char[] again = console.readPassword("%s", "Again: ");
            if (first == null || again == null) {
                return Optional.empty();
            }
            try {
                if (!Arrays.equals(first, again)) {
                    err.println("orderly staff: the two passwords differ; nothing was changed");
                    return Optional.empty();
                }
                return Optional.of(new String(first));
            } finally {
                Arrays.fill(first, ' ');
                Arrays.fill(again, ' ');
            }
        };
    }
}
