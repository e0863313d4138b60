-- The demo runs' SMS inbox (issue #15), shared by every node: a code sent through node A is read
-- on node B's dev page. Two small tables, pruned by the application: the newest messages (the
-- page's list, about 200) and the latest message to each phone (what a load test reads a
-- person's code from, at most about 100,000 phones). A phone is kept only as its keyed hash, to
-- look it up by; the page shows the masked number and its last four digits.
CREATE TABLE dev_sms_recent (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone_hash  BYTEA       NOT NULL,
    sent_at     TIMESTAMPTZ NOT NULL,
    masked      TEXT        NOT NULL,
    last4       TEXT        NOT NULL,
    body        TEXT        NOT NULL
);

CREATE TABLE dev_sms_latest (
    phone_hash  BYTEA       PRIMARY KEY,
    id          BIGINT      NOT NULL,
    sent_at     TIMESTAMPTZ NOT NULL,
    masked      TEXT        NOT NULL,
    last4       TEXT        NOT NULL,
    body        TEXT        NOT NULL
);
CREATE INDEX dev_sms_latest_by_id ON dev_sms_latest (id);
