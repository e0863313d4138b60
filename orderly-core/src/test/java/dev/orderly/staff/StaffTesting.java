package dev.orderly.staff;

import dev.orderly.time.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;

/** The staff services over one in-memory store and a driven clock, with cheap Argon2id. */
final class StaffTesting {

    static final String PASSWORD = "correct horse battery";

    final MutableClock clock = MutableClock.at("2021-08-09T11:00:10Z");
    final InMemoryStaffStore store = new InMemoryStaffStore();
    final Argon2idPasswords passwords = new Argon2idPasswords(Argon2idPasswordsTest.CHEAP, new SecureRandom(), 2);
    final StaffSessions sessions = new StaffSessions(store, clock, new SecureRandom(), Duration.ofMinutes(30), Duration.ofHours(12));
    final StaffSignIn signIn = new StaffSignIn(store, passwords, sessions, clock);
    final StaffAccounts accounts = new StaffAccounts(store, passwords, clock, new SecureRandom());

    /** The code the account's authenticator app shows now. */
    String code(StaffAccounts.WithSecret created) {
        return Totp.code(created.totpSecret(), clock.instant());
    }
}
