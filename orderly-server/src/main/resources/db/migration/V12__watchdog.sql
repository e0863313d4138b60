-- The watchdog (issue 14): which node evaluates the alert rules, the alerts every node shows, and
-- the alerts still to be delivered to the webhook and the on-call phones.

-- One row per lease; a node holds it while "until" is ahead of the database's clock. The
-- database's clock, not the nodes': the nodes need not agree on the time to agree on the holder.
CREATE TABLE watch_lease (
    name    TEXT        PRIMARY KEY,
    holder  TEXT        NOT NULL,
    until   TIMESTAMPTZ NOT NULL
);

CREATE TABLE alerts (
    id          BIGSERIAL   PRIMARY KEY,
    rule        TEXT        NOT NULL,
    subject     TEXT        NOT NULL,
    detail      TEXT        NOT NULL,
    runbook     TEXT        NOT NULL,
    raised_at   TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ
);
-- At most one active alert per rule and subject, whichever node raised it.
CREATE UNIQUE INDEX alerts_one_active ON alerts (rule, subject) WHERE resolved_at IS NULL;

-- Alerts to deliver, retried like the outbox: channel 'webhook' (destination: the URL) or 'sms'
-- (destination: the position of the number in ORDERLY_ALERT_SMS_TO, so no phone number is stored).
CREATE TABLE alert_outbox (
    id              BIGSERIAL   PRIMARY KEY,
    channel         TEXT        NOT NULL,
    destination     TEXT        NOT NULL,
    body            TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    attempts        INT         NOT NULL DEFAULT 0,
    sent_at         TIMESTAMPTZ,
    last_error      TEXT
);
CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE sent_at IS NULL;

-- The canary's residents (issue 14): flagged, so tallies, samples and messages leave them out.
ALTER TABLE residents ADD COLUMN synthetic BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX residents_synthetic ON residents (id) WHERE synthetic;
