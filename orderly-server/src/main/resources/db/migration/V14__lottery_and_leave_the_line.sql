-- Issue #16. Each gate's lottery: the secret its pre-queue is ordered by, drawn when the gate is
-- configured; its SHA-256 commitment is public from then on and the secret itself once the
-- pre-queue is drawn. Replaced only by compare-and-set, and only before joins open (WaitingRoom).
CREATE TABLE gate_lottery (
    gate          TEXT        PRIMARY KEY,
    secret        BYTEA       NOT NULL CHECK (octet_length(secret) = 32),
    committed_at  TIMESTAMPTZ NOT NULL
);
