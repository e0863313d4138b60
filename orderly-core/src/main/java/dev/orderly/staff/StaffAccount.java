package dev.orderly.staff;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A member of staff, as stored: who they are, what they may do, and what signing in needs.
 *
 * @param login          the name they sign in with: 2-32 of a-z 0-9 . _ - (never a machine account's {@code machine:...})
 * @param name           their name, shown in the console and the audit log
 * @param role           what they may do
 * @param clinics        the clinics a {@link Role#CLINIC} account may see and change; empty for every other role
 * @param passwordHash   the password's Argon2id hash, PHC string ({@link Argon2idPasswords})
 * @param totpSecret     the shared secret of their authenticator app, base32 ({@link Totp})
 * @param lastTotpStep   the time step of the last code accepted, so a code is used once; -1 before the first
 * @param failedAttempts failed sign-ins since the last success or lock
 * @param lockedUntil    sign-in refused until then, after too many failures
 * @param disabled       no sign-in, no session
 * @param createdAt      when the account was made
 * @param version        bumped by every change: the store's compare-and-set
 */
public record StaffAccount(String login, String name, Role role, Set<Long> clinics, String passwordHash, String totpSecret,
                           long lastTotpStep, int failedAttempts, Optional<Instant> lockedUntil, boolean disabled,
                           Instant createdAt, long version) {

    public StaffAccount {
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        clinics = Set.copyOf(clinics);
        Objects.requireNonNull(passwordHash, "passwordHash");
        Objects.requireNonNull(totpSecret, "totpSecret");
        Objects.requireNonNull(lockedUntil, "lockedUntil");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A new account: never signed in, no failures, version 1. */
    public static StaffAccount create(String login, String name, Role role, Set<Long> clinics, String passwordHash, String totpSecret,
                                      Instant now) {
        return new StaffAccount(login, name, role, clinics, passwordHash, totpSecret, -1, 0, Optional.empty(), false, now, 1);
    }

    public boolean lockedAt(Instant now) {
        return lockedUntil.filter(now::isBefore).isPresent();
    }

    StaffAccount with(String name, Role role, Set<Long> clinics) {
        return new StaffAccount(login, name, role, clinics, passwordHash, totpSecret, lastTotpStep, failedAttempts, lockedUntil,
                disabled, createdAt, version);
    }

    StaffAccount withPassword(String hash) {
        // A new password also lifts a lock: it is how an operator lets a locked-out colleague back in.
        return new StaffAccount(login, name, role, clinics, hash, totpSecret, lastTotpStep, 0, Optional.empty(), disabled, createdAt,
                version);
    }

    StaffAccount withTotp(String secret) {
        return new StaffAccount(login, name, role, clinics, passwordHash, secret, -1, failedAttempts, lockedUntil, disabled, createdAt,
                version);
    }

    StaffAccount withDisabled(boolean disabled) {
        return new StaffAccount(login, name, role, clinics, passwordHash, totpSecret, lastTotpStep, failedAttempts, lockedUntil,
                disabled, createdAt, version);
    }

    StaffAccount withSignIn(long totpStep) {
        return new StaffAccount(login, name, role, clinics, passwordHash, totpSecret, totpStep, 0, Optional.empty(), disabled,
                createdAt, version);
    }

    StaffAccount withFailures(int failures, Optional<Instant> lockedUntil) {
        return new StaffAccount(login, name, role, clinics, passwordHash, totpSecret, lastTotpStep, failures, lockedUntil, disabled,
                createdAt, version);
    }

    /** The same account at {@code version}: what a store keeps after a change. */
    public StaffAccount atVersion(long version) {
        return new StaffAccount(login, name, role, clinics, passwordHash, totpSecret, lastTotpStep, failedAttempts, lockedUntil,
                disabled, createdAt, version);
    }

    @Override
    public String toString() {
        // Neither the hash nor the TOTP secret ever reaches a log.
        return "StaffAccount[" + login + ", " + role.slug() + (clinics.isEmpty() ? "" : ", clinics " + clinics)
                + (disabled ? ", disabled" : "") + ", v" + version + "]";
    }
}
