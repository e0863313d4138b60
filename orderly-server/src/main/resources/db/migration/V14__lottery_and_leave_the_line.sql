-- Issue #16. Each gate's lottery: the secret its pre-queue is ordered by, drawn when the gate is
-- configured; its SHA-256 commitment is public from then on and the secret itself once the
-- pre-queue is drawn. Replaced only by compare-and-set, and only before joins open (WaitingRoom).
CREATE TABLE gate_lottery (
    gate          TEXT        PRIMARY KEY,
    secret        BYTEA       NOT NULL CHECK (octet_length(secret) = 32),
    committed_at  TIMESTAMPTZ NOT NULL
);

-- Places whose holders left the line to be texted when their turn nears (LeaveTheLine). The ticket
-- is kept as the gate signed it (number, holder, the browser that left); the text goes to the
-- person's phone in the registry through the outbox, queued in the same transaction that sets
-- texted_at, by whichever node's watcher locked the row first (SKIP LOCKED): once, never twice.
CREATE TABLE line_recalls (
    id                TEXT        PRIMARY KEY,
    gate              TEXT        NOT NULL,
    sequence          BIGINT      NOT NULL,
    issued_at         TIMESTAMPTZ NOT NULL,
    browser_id        TEXT        NOT NULL,
    holder            TEXT        NOT NULL,
    person_id         BIGINT      NOT NULL,
    armed_at          TIMESTAMPTZ NOT NULL,
    texted_at         TIMESTAMPTZ,
    restored_browser  TEXT        NOT NULL DEFAULT '',
    UNIQUE (gate, sequence)
);
CREATE INDEX line_recalls_untexted ON line_recalls (armed_at) WHERE texted_at IS NULL;
