-- Issue #15: failed sign-ins for logins no account has are counted here, shared by every node, so a
-- made-up login locks after as many failures as a real one wherever they are tried (per node, a
-- round-robin of nodes told real logins from made-up ones by when they locked). The key is a SHA-256
-- digest of the login: fixed size, and what people mistype is not kept in clear.
CREATE TABLE staff_unknown_logins (
    key            TEXT PRIMARY KEY,
    failures       INTEGER NOT NULL,
    locked_until   TIMESTAMPTZ,
    last_failed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_unknown_logins_by_last ON staff_unknown_logins (last_failed_at);
