package dev.orderly.staff;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Managing staff accounts, from the command line or an operator's console: create, change name,
 * role or clinics, disable and enable, set a new password, give a new authenticator secret.
 *
 * <p>A change to what an account may do (role, clinics), to how it signs in (password, TOTP) or
 * disabling it ends every session of the account: the person signs in again under the new rules.
 * A name change does not. Refusals are {@link StaffChangeRefused}; nothing is changed then.
 */
public final class StaffAccounts {

    /** Who Orderly's own actions are recorded as; no account may take it. */
    public static final String RESERVED_LOGIN = "system";

    /** A login: 2-32 of a-z 0-9 . _ -, starting with a letter or digit. It never holds ':' (machine accounts do). */
    public static final Pattern LOGIN = Pattern.compile("[a-z0-9][a-z0-9._-]{1,31}");
    /** The issuer an authenticator app shows beside the account. */
    public static final String ISSUER = "Orderly";
    private static final int MAX_NAME = 100;
    private static final int MAX_CLINICS = 1000;
    private static final int CAS_TRIES = 20;

    /** An account with a new authenticator secret, shown once: the secret and the {@code otpauth://} URI. */
    public record WithSecret(StaffAccount account, String totpSecret, String otpauthUri) {
        @Override
        public String toString() {
            return "WithSecret[" + account + "]";
        }
    }

    private final StaffStore store;
    private final Argon2idPasswords passwords;
    private final Clock clock;
    private final SecureRandom random;

    public StaffAccounts(StaffStore store, Argon2idPasswords passwords, Clock clock, SecureRandom random) {
        this.store = store;
        this.passwords = passwords;
        this.clock = clock;
        this.random = random;
    }

    public WithSecret create(String login, String name, Role role, Set<Long> clinics, String password) {
        if (login == null || !LOGIN.matcher(login).matches()) {
            throw invalid("a login is 2-32 of a-z 0-9 . _ -, starting with a letter or digit");
        }
        if (RESERVED_LOGIN.equals(login)) {
            // Orderly's own actions (leftover releases from no-shows) are recorded as "system".
            throw invalid("the login 'system' is reserved for Orderly's own actions");
        }
        String cleanName = name(name);
        checkClinics(role, clinics);
        PasswordPolicy.problem(login, password).ifPresent(p -> {
            throw new StaffChangeRefused(StaffChangeRefused.Reason.WEAK_PASSWORD, p);
        });
        String secret = Totp.newSecret(random);
        StaffAccount account = StaffAccount.create(login, cleanName, role, clinics, passwords.hash(password), secret, clock.instant());
        if (!store.create(account)) {
            throw new StaffChangeRefused(StaffChangeRefused.Reason.EXISTS, "there is already an account '" + login + "'");
        }
        return new WithSecret(account, secret, Totp.uri(ISSUER, login, secret));
    }

    public List<StaffAccount> all() {
        return store.all();
    }

    public Optional<StaffAccount> find(String login) {
        return login == null || !LOGIN.matcher(login).matches() ? Optional.empty() : store.find(login);
    }

    /** Changes what is given (empty: kept); a change of role or clinics ends the account's sessions. */
    public StaffAccount change(String login, Optional<String> name, Optional<Role> role, Optional<Set<Long>> clinics) {
        Optional<String> cleanName = name.map(StaffAccounts::name);
        boolean[] mayDoOther = {false};
        StaffAccount changed = update(login, a -> {
            Role r = role.orElse(a.role());
            // A role other than clinic holds no clinics; becoming one drops them unless new ones are given.
            Set<Long> c = clinics.orElse(r == Role.CLINIC ? a.clinics() : Set.of());
            checkClinics(r, c);
            mayDoOther[0] = r != a.role() || !c.equals(a.clinics());
            return a.with(cleanName.orElse(a.name()), r, c);
        });
        if (mayDoOther[0]) {
            store.endSessionsOf(login);
        }
        return changed;
    }

    public StaffAccount disable(String login) {
        StaffAccount a = update(login, x -> x.withDisabled(true));
        store.endSessionsOf(login);
        return a;
    }

    public StaffAccount enable(String login) {
        return update(login, x -> x.withDisabled(false));
    }

    /** Sets a new password (and lifts a lock); the account's sessions end. */
    public StaffAccount setPassword(String login, String password) {
        PasswordPolicy.problem(login, password).ifPresent(p -> {
            throw new StaffChangeRefused(StaffChangeRefused.Reason.WEAK_PASSWORD, p);
        });
        String hash = passwords.hash(password);
        StaffAccount a = update(login, x -> x.withPassword(hash));
        store.endSessionsOf(login);
        return a;
    }

    /** A new random password of 20 characters from an alphabet without look-alikes, for a reset handed over by phone. */
    public String randomPassword() {
        String alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /** A new authenticator secret; the old app's codes stop working and the account's sessions end. */
    public WithSecret resetTotp(String login) {
        String secret = Totp.newSecret(random);
        StaffAccount a = update(login, x -> x.withTotp(secret));
        store.endSessionsOf(login);
        return new WithSecret(a, secret, Totp.uri(ISSUER, login, secret));
    }

    private StaffAccount update(String login, UnaryOperator<StaffAccount> change) {
        for (int i = 0; i < CAS_TRIES; i++) {
            StaffAccount current = find(login).orElseThrow(() -> new StaffChangeRefused(StaffChangeRefused.Reason.UNKNOWN,
                    "there is no account '" + login + "'"));
            StaffAccount next = change.apply(current);
            if (store.replace(current, next)) {
                return next.atVersion(current.version() + 1);
            }
        }
        throw new StaffChangeRefused(StaffChangeRefused.Reason.CONTENDED, "the account '" + login + "' changed under "
                + CAS_TRIES + " tries; nothing was changed");
    }

    private static String name(String name) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > MAX_NAME || n.chars().anyMatch(Character::isISOControl)) {
            throw invalid("a name is 1-" + MAX_NAME + " characters, no control characters");
        }
        return n;
    }

    private static void checkClinics(Role role, Set<Long> clinics) {
        if (role == Role.CLINIC && clinics.isEmpty()) {
            throw invalid("a clinic account needs at least one clinic");
        }
        if (role != Role.CLINIC && !clinics.isEmpty()) {
            throw invalid("only a clinic account has clinics");
        }
        if (clinics.size() > MAX_CLINICS || clinics.stream().anyMatch(c -> c < 0)) {
            throw invalid("clinics are at most " + MAX_CLINICS + " clinic ids, each 0 or more");
        }
    }

    private static StaffChangeRefused invalid(String message) {
        return new StaffChangeRefused(StaffChangeRefused.Reason.INVALID, message);
    }
}
