package dev.orderly.staff;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Port: staff accounts and their sessions, shared by every node (PostgreSQL in a deployment), so
 * a session begun on one node is honoured on another and one ended anywhere is ended everywhere.
 *
 * <p>Accounts change by compare-and-set on their {@link StaffAccount#version}: two changes made at
 * once (two failed sign-ins, a sign-in and a role change) never undo each other.
 */
public interface StaffStore {

    /** Stores a new account; false (and nothing changed) when its login is taken. */
    boolean create(StaffAccount account);

    Optional<StaffAccount> find(String login);

    /** Every account, by login. */
    List<StaffAccount> all();

    /**
     * Replaces {@code current} by {@code next} (same login) if the stored account is still at
     * {@code current.version()}; the stored one then has version {@code current.version() + 1}.
     * Returns whether it did.
     */
    boolean replace(StaffAccount current, StaffAccount next);

    void startSession(StaffSession session);

    Optional<StaffSession> session(String id);

    /** Records use of a session; a session that no longer exists stays gone. */
    void touchSession(String id, Instant lastSeenAt);

    /** Ends one session; returns whether it existed. */
    boolean endSession(String id);

    /** Ends every session of {@code login}; returns how many there were. */
    int endSessionsOf(String login);

    /** Forgets sessions that ended by themselves: expired, or idle since before {@code idleBefore}. */
    int forgetSessionsOver(Instant now, Instant idleBefore);

    /**
     * The lock on a login no account has ({@code key}, a digest of it), if one is on at {@code now}.
     * Shared by every node like the accounts, so that an unknown login locks after as many failures
     * as a known one wherever they are tried, and the lock tells nobody which logins exist.
     */
    Optional<Instant> unknownLoginLock(String key, Instant now);

    /**
     * Counts one failed sign-in for the login no account has behind {@code key}, atomically: the
     * {@code maxFailures}-th in a row locks it until {@code lockUntil} and starts the count again.
     * A failure counted while a lock is on changes nothing. Returns the lock on after this failure
     * (set by it, or by another at once), empty if there is none. Counts last changed before
     * {@code forgetBefore} with no lock on are forgotten first, so the memory of made-up logins stays
     * bounded.
     */
    Optional<Instant> countUnknownLoginFailure(String key, Instant now, int maxFailures, Instant lockUntil, Instant forgetBefore);
}
