package dev.orderly.staff;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Staff accounts and sessions in one node's memory: the reference model, for tests and single-node trials. */
public final class InMemoryStaffStore implements StaffStore {

    private final ConcurrentMap<String, StaffAccount> accounts = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, StaffSession> sessions = new ConcurrentHashMap<>();

    /** Made-up logins remembered before the forgotten ones are swept out. */
    private static final int SWEEP_ABOVE = 10_000;

    private final ConcurrentMap<String, UnknownFailures> unknown = new ConcurrentHashMap<>();

    private record UnknownFailures(int count, Optional<Instant> lockedUntil, Instant last) {
        boolean lockedAt(Instant now) {
            return lockedUntil.filter(now::isBefore).isPresent();
        }
    }

    @Override
    public boolean create(StaffAccount account) {
        return accounts.putIfAbsent(account.login(), account) == null;
    }

    @Override
    public Optional<StaffAccount> find(String login) {
        return Optional.ofNullable(accounts.get(login));
    }

    @Override
    public List<StaffAccount> all() {
        return accounts.values().stream().sorted(Comparator.comparing(StaffAccount::login)).toList();
    }

    @Override
    public boolean replace(StaffAccount current, StaffAccount next) {
        if (!current.login().equals(next.login())) {
            throw new IllegalArgumentException("a login never changes: " + current.login() + " -> " + next.login());
        }
        boolean[] replaced = {false};
        accounts.computeIfPresent(current.login(), (login, stored) -> {
            if (stored.version() != current.version()) {
                return stored;
            }
            replaced[0] = true;
            return next.atVersion(current.version() + 1);
        });
        return replaced[0];
    }

    @Override
    public void startSession(StaffSession session) {
        if (sessions.putIfAbsent(session.id(), session) != null) {
            throw new IllegalStateException("a session with this id exists");
        }
    }

    @Override
    public Optional<StaffSession> session(String id) {
        return Optional.ofNullable(sessions.get(id));
    }

    @Override
    public void touchSession(String id, Instant lastSeenAt) {
        sessions.computeIfPresent(id, (k, s) -> new StaffSession(s.id(), s.login(), s.startedAt(), lastSeenAt, s.expiresAt()));
    }

    @Override
    public boolean endSession(String id) {
        return sessions.remove(id) != null;
    }

    @Override
    public int endSessionsOf(String login) {
        int[] ended = {0};
        sessions.values().removeIf(s -> {
            boolean his = s.login().equals(login);
            if (his) {
                ended[0]++;
            }
            return his;
        });
        return ended[0];
    }

    @Override
    public int forgetSessionsOver(Instant now, Instant idleBefore) {
        int before = sessions.size();
        sessions.values().removeIf(s -> !now.isBefore(s.expiresAt()) || s.lastSeenAt().isBefore(idleBefore));
        return before - sessions.size();
    }

    @Override
    public Optional<Instant> unknownLoginLock(String key, Instant now) {
        UnknownFailures f = unknown.get(key);
        return f != null && f.lockedAt(now) ? f.lockedUntil() : Optional.empty();
    }

    @Override
    public Optional<Instant> countUnknownLoginFailure(String key, Instant now, int maxFailures, Instant lockUntil, Instant forgetBefore) {
        if (unknown.size() >= SWEEP_ABOVE) {
            unknown.values().removeIf(f -> f.last().isBefore(forgetBefore) && !f.lockedAt(now));
        }
        UnknownFailures after = unknown.compute(key, (k, f) -> {
            if (f != null && f.lockedAt(now)) {
                return f;
            }
            // A lock set the count to 0, so only a forgotten count starts again.
            int count = (f == null || f.last().isBefore(forgetBefore) ? 0 : f.count()) + 1;
            return count >= maxFailures ? new UnknownFailures(0, Optional.of(lockUntil), now) : new UnknownFailures(count, Optional.empty(), now);
        });
        return after.lockedAt(now) ? after.lockedUntil() : Optional.empty();
    }
}
