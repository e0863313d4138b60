package dev.orderly.staff;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Signing a member of staff in: password (Argon2id) and a one-time code from their authenticator
 * app (TOTP), both required for every account whatever its role.
 *
 * <p>An unknown login, a disabled account, a wrong password, a wrong or reused code: one answer,
 * {@link Refused}, and about the same time (an unknown login costs a dummy hash), so the answers
 * tell nobody which logins exist. After {@link #MAX_FAILURES} failures in a row an account is
 * locked for {@link #LOCK_FOR}, refusing even the right password and code; logins with no account
 * lock the same way (counted in the store, shared by every node), so the lock tells nothing either.
 */
public final class StaffSignIn {

    public static final int MAX_FAILURES = 5;
    public static final Duration LOCK_FOR = Duration.ofMinutes(15);
    /**
     * Failures of a login no account has, untouched this long and not locked, are forgotten (the
     * store's memory of made-up logins stays bounded). A known account's count has no such end, so
     * four failures, a day's wait and a fifth tell the two apart; a guesser at five tries a day
     * learns little else, and the sign-in limit per address slows the rest.
     */
    static final Duration UNKNOWN_FORGOTTEN_AFTER = Duration.ofDays(1);
    private static final int CAS_TRIES = 20;

    /** What a sign-in attempt came to. */
    public sealed interface Outcome permits SignedIn, Refused, Locked {
    }

    /** Signed in: the account and its new session. */
    public record SignedIn(StaffAccount account, StaffSessions.Started session) implements Outcome {
    }

    /** Wrong login, password or code (which, is not said). */
    public record Refused() implements Outcome {
    }

    /** Too many failures: no attempt is checked until {@code until}. */
    public record Locked(Instant until) implements Outcome {
    }

    private final StaffStore store;
    private final Argon2idPasswords passwords;
    private final StaffSessions sessions;
    private final Clock clock;

    public StaffSignIn(StaffStore store, Argon2idPasswords passwords, StaffSessions sessions, Clock clock) {
        this.store = store;
        this.passwords = passwords;
        this.sessions = sessions;
        this.clock = clock;
    }

    public Outcome signIn(String login, String password, String code) {
        Instant now = clock.instant();
        Optional<StaffAccount> found = login == null || !StaffAccounts.LOGIN.matcher(login).matches()
                ? Optional.empty() : store.find(login).filter(a -> !a.disabled());
        if (found.isEmpty()) {
            return unknownLogin(login == null ? "" : login, password, now);
        }
        for (int i = 0; i < CAS_TRIES; i++) {
            StaffAccount account = found.get();
            if (account.lockedAt(now)) {
                return new Locked(account.lockedUntil().orElseThrow());
            }
            boolean passwordRight = passwords.verify(password, account.passwordHash());
            OptionalLong step = Totp.match(account.totpSecret(), code, now, account.lastTotpStep());
            if (passwordRight && step.isPresent()) {
                if (store.replace(account, account.withSignIn(step.getAsLong()))) {
                    return new SignedIn(account, sessions.start(account));
                }
            } else {
                int failures = account.failedAttempts() + 1;
                Optional<Instant> lock = failures >= MAX_FAILURES ? Optional.of(now.plus(LOCK_FOR)) : Optional.empty();
                if (store.replace(account, account.withFailures(lock.isPresent() ? 0 : failures, lock))) {
                    return lock.<Outcome>map(Locked::new).orElseGet(Refused::new);
                }
            }
            // Changed meanwhile (another attempt, a colleague's change): decide again on what is stored,
            // so that of two sign-ins with one code only one wins.
            found = store.find(account.login()).filter(a -> !a.disabled());
            if (found.isEmpty()) {
                return new Refused();
            }
        }
        throw new StaffChangeRefused(StaffChangeRefused.Reason.CONTENDED, "the account changed under " + CAS_TRIES + " sign-in tries");
    }

    /** What a change of one's own password came to. */
    public sealed interface PasswordChange permits PasswordChanged, WrongPassword, PasswordLocked {
    }

    /** Changed: every session of the account ended, and this new one begun for the person who changed it. */
    public record PasswordChanged(StaffAccount account, StaffSessions.Started session) implements PasswordChange {
    }

    /** The current password given is not right (counted as a failed sign-in). */
    public record WrongPassword() implements PasswordChange {
    }

    /** Too many failures: the account is locked (and its sessions ended) until {@code until}. */
    public record PasswordLocked(Instant until) implements PasswordChange {
    }

    /**
     * A signed-in member of staff replaces their password (say, the one an operator made up for
     * them), proving the current one. A wrong current password counts as a failed sign-in: the
     * fifth locks the account and ends its sessions, so a session left open on a shared screen
     * cannot be used to guess the password. A new password that breaks the {@link PasswordPolicy}
     * is a {@link StaffChangeRefused}.
     */
    public PasswordChange changeOwnPassword(String login, String current, String next) {
        PasswordPolicy.problem(login, next).ifPresent(p -> {
            throw new StaffChangeRefused(StaffChangeRefused.Reason.WEAK_PASSWORD, p);
        });
        String hash = passwords.hash(next);
        Instant now = clock.instant();
        for (int i = 0; i < CAS_TRIES; i++) {
            StaffAccount account = store.find(login).filter(a -> !a.disabled())
                    .orElseThrow(() -> new StaffChangeRefused(StaffChangeRefused.Reason.UNKNOWN, "there is no account '" + login + "'"));
            if (account.lockedAt(now)) {
                store.endSessionsOf(login);
                return new PasswordLocked(account.lockedUntil().orElseThrow());
            }
            if (passwords.verify(current, account.passwordHash())) {
                StaffAccount changed = account.withPassword(hash);
                if (store.replace(account, changed)) {
                    store.endSessionsOf(login);
                    StaffAccount stored = changed.atVersion(account.version() + 1);
                    return new PasswordChanged(stored, sessions.start(stored));
                }
            } else {
                int failures = account.failedAttempts() + 1;
                Optional<Instant> lock = failures >= MAX_FAILURES ? Optional.of(now.plus(LOCK_FOR)) : Optional.empty();
                if (store.replace(account, account.withFailures(lock.isPresent() ? 0 : failures, lock))) {
                    if (lock.isPresent()) {
                        store.endSessionsOf(login);
                        return new PasswordLocked(lock.get());
                    }
                    return new WrongPassword();
                }
            }
        }
        throw new StaffChangeRefused(StaffChangeRefused.Reason.CONTENDED, "the account changed under " + CAS_TRIES + " tries");
    }

    private Outcome unknownLogin(String login, String password, Instant now) {
        // The digest session ids are made with: fixed size, and what was typed is not stored as typed.
        String key = StaffSessions.id(login);
        Optional<Instant> locked = store.unknownLoginLock(key, now);
        if (locked.isPresent()) {
            return new Locked(locked.get());
        }
        passwords.verifyDummy(password);
        return store.countUnknownLoginFailure(key, now, MAX_FAILURES, now.plus(LOCK_FOR), now.minus(UNKNOWN_FORGOTTEN_AFTER))
                .<Outcome>map(Locked::new).orElseGet(Refused::new);
    }
}
