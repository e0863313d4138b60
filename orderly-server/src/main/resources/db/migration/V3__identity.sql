-- Identity verification and personal data (issue #5).

-- Residents: a resident registration number is kept only as a keyed hash (HMAC-SHA256), a phone
-- number only sealed (AES-256-GCM, with the id of the key that sealed it) and as a keyed hash to
-- look it up by. V1's clear `phone` column stays, nullable, for rows written before this migration:
-- SQL has no keys, so the application seals those rows on its next start and clears the column.
ALTER TABLE residents ALTER COLUMN phone DROP NOT NULL;
ALTER TABLE residents
    ADD COLUMN resident_number_hash BYTEA,
    ADD COLUMN phone_hash           BYTEA,
    ADD COLUMN phone_sealed         BYTEA,
    ADD COLUMN phone_key_id         TEXT;
ALTER TABLE residents ADD CONSTRAINT residents_phone_sealed_whole
    CHECK ((phone_sealed IS NULL) = (phone_key_id IS NULL) AND (phone_sealed IS NULL) = (phone_hash IS NULL));
ALTER TABLE residents ADD CONSTRAINT residents_phone_never_both
    CHECK ((phone IS NULL) <> (phone_sealed IS NULL));
-- The import's upsert key. NULLs (rows from before this migration) do not collide.
ALTER TABLE residents ADD CONSTRAINT residents_resident_number_unique UNIQUE (resident_number_hash);
-- Verification looks a resident up by phone and birth date and compares the name; two residents
-- with all three alike could not be told apart, so there are none. Deferrable, so that an import
-- may swap phones between residents within its transaction.
ALTER TABLE residents ADD CONSTRAINT residents_identity_unique UNIQUE (phone_hash, birth_date, name)
    DEFERRABLE INITIALLY IMMEDIATE;
DROP INDEX residents_by_phone_birth;
CREATE INDEX residents_unsealed ON residents (id) WHERE phone IS NOT NULL;

-- New residents from an import get the next id; demo data and V1 rows keep theirs.
CREATE SEQUENCE residents_id_seq OWNED BY residents.id;
SELECT setval('residents_id_seq', COALESCE((SELECT max(id) FROM residents), 0) + 1, false);
ALTER TABLE residents ALTER COLUMN id SET DEFAULT nextval('residents_id_seq');

-- Which keys the data was written with, by a check value that reveals nothing of the key: a start
-- with the wrong hash key, or without a key some phone numbers are sealed with, fails at once
-- instead of matching nobody.
CREATE TABLE privacy_keys (
    kind         TEXT  NOT NULL CHECK (kind IN ('hash', 'phone')),
    key_id       TEXT  NOT NULL,
    check_value  BYTEA NOT NULL,
    PRIMARY KEY (kind, key_id)
);

-- One row per person who ever verified: the current session generation. A session token carries
-- its generation and is honoured only while it is the current, active one.
CREATE TABLE person_sessions (
    person_id   BIGINT      PRIMARY KEY,
    generation  BIGINT      NOT NULL CHECK (generation >= 1),
    since       TIMESTAMPTZ NOT NULL,
    active      BOOLEAN     NOT NULL
);

-- Open one-time-code challenges, shared by every node. The code is kept only as a keyed hash.
CREATE TABLE identity_challenges (
    id            TEXT        PRIMARY KEY,
    person_id     BIGINT      NOT NULL,
    code_mac      TEXT        NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    failed_tries  INT         NOT NULL DEFAULT 0 CHECK (failed_tries >= 0),
    used          BOOLEAN     NOT NULL DEFAULT false
);
CREATE INDEX identity_challenges_by_expiry ON identity_challenges (expires_at);

-- Challenges per person and per phone (keyed hash) and Seoul day, for the daily caps.
CREATE TABLE identity_daily_counts (
    day    DATE NOT NULL,
    key    TEXT NOT NULL,
    count  INT  NOT NULL CHECK (count >= 1),
    PRIMARY KEY (day, key)
);
