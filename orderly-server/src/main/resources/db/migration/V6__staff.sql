-- Staff accounts and their sessions (issue #12). A password is kept only as its Argon2id hash (a
-- PHC string carrying its own parameters and salt); the TOTP secret only sealed (AES-256-GCM with
-- the phone keys, under its own purpose), with the id of the key that sealed it.
CREATE TABLE staff_accounts (
    login           TEXT        PRIMARY KEY CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,31}$'),
    name            TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role            TEXT        NOT NULL CHECK (role IN ('operator', 'clinic', 'agent', 'auditor')),
    clinics         BIGINT[]    NOT NULL DEFAULT '{}',
    password_hash   TEXT        NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
    totp_sealed     BYTEA       NOT NULL,
    totp_key_id     TEXT        NOT NULL,
    totp_last_step  BIGINT      NOT NULL DEFAULT -1,
    failed_attempts INT         NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    TIMESTAMPTZ,
    disabled        BOOLEAN     NOT NULL DEFAULT false,
    created_at      TIMESTAMPTZ NOT NULL,
    version         BIGINT      NOT NULL,
    -- Only a clinic account has clinics, and it has at least one.
    CONSTRAINT staff_accounts_clinics_by_role CHECK ((role = 'clinic') = (cardinality(clinics) > 0))
);

-- A session row is keyed by the SHA-256 of its token: the table gives no one a live session.
-- Rows go at sign-out, when the account changes, and once over their time.
CREATE TABLE staff_sessions (
    id           TEXT        PRIMARY KEY,
    login        TEXT        NOT NULL REFERENCES staff_accounts (login) ON DELETE CASCADE,
    started_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_sessions_by_login ON staff_sessions (login);
CREATE INDEX staff_sessions_by_expiry ON staff_sessions (expires_at);
