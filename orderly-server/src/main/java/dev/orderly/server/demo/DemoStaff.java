package dev.orderly.server.demo;

import dev.orderly.staff.Role;
import dev.orderly.staff.StaffAccounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Staff accounts for a newcomer to sign in with, made only when the demo data is written: an
 * operator, a clinic worker (of a few demo clinics) and a call-centre agent, each with a random
 * password and a random authenticator secret. Orderly has no default account; these exist only in
 * a demo database, and their secrets only in {@value #FILE} in the data folder (owner-only) and on
 * the demo's {@code /dev.html}, which shows the current code of each.
 */
public final class DemoStaff {

    /** The file in the data folder that holds the accounts. */
    public static final String FILE = "demo-staff.txt";

    /** A demo account as written to the file. */
    public record Account(String login, Role role, List<Long> clinics, String password, String totpSecret) {
        @Override
        public String toString() {
            return "DemoStaff.Account[" + login + ", " + role.slug() + "]";
        }
    }

    private DemoStaff() {
    }

    /** Creates the three accounts and writes them to {@code dataDir/}{@value #FILE} (owner read and write only). */
    public static List<Account> create(StaffAccounts accounts, Set<Long> clinics, Path dataDir) {
        List<Account> made = new ArrayList<>();
        made.add(make(accounts, "demo-operator", "데모 운영자 Demo operator", Role.OPERATOR, Set.of()));
        made.add(make(accounts, "demo-clinic", "데모 접종기관 Demo clinic", Role.CLINIC, new LinkedHashSet<>(clinics)));
        made.add(make(accounts, "demo-agent", "데모 상담원 Demo agent", Role.AGENT, Set.of()));
        write(made, dataDir.resolve(FILE));
        return made;
    }

    private static Account make(StaffAccounts accounts, String login, String name, Role role, Set<Long> clinics) {
        String password = accounts.randomPassword();
        StaffAccounts.WithSecret made = accounts.create(login, name, role, clinics, password);
        return new Account(login, role, clinics.stream().sorted().toList(), password, made.totpSecret());
    }

    private static void write(List<Account> made, Path file) {
        StringBuilder text = new StringBuilder("""
                # Orderly demo staff accounts: made with the demo data, for demonstrations only.
                # Sign in at /console.html (operator, agent) or /clinic.html (clinic) with the login, the password and the
                # 6-digit code of an authenticator app set up with the secret; /dev.html shows the current code of each.
                """);
        for (Account a : made) {
            text.append("login=").append(a.login()).append(" role=").append(a.role().slug()).append(" clinics=")
                    .append(String.join(",", a.clinics().stream().map(String::valueOf).toList())).append(" password=").append(a.password())
                    .append(" totp=").append(a.totpSecret()).append('\n');
        }
        try {
            dev.orderly.server.OwnerOnlyFiles.write(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file.toAbsolutePath(), e);
        }
    }

    /** The accounts written to {@code dataDir/}{@value #FILE}; none when there is no such file. */
    public static List<Account> read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Account> accounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Map<String, String> f = new HashMap<>();
                for (String part : line.trim().split(" ")) {
                    int eq = part.indexOf('=');
                    if (eq > 0) {
                        f.put(part.substring(0, eq), part.substring(eq + 1));
                    }
                }
                String clinics = f.getOrDefault("clinics", "");
                accounts.add(new Account(f.get("login"), Role.fromSlug(f.get("role")).orElseThrow(), clinics.isEmpty() ? List.of()
                        : Arrays.stream(clinics.split(",")).map(Long::parseLong).toList(), f.get("password"), f.get("totp")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file.toAbsolutePath(), e);
        }
        return accounts;
    }
}
