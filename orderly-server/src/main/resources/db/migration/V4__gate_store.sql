-- The gates of a node without Redis (issue #10): what a restart must not lose. One row per gate
-- in each of config, counter and progress; checkpoints trimmed to the retention window; one row
-- per keyed holder and per spent pass.

-- The operator's configuration, in the JSON form of GateConfigJson (with name and mode).
CREATE TABLE gate_configs (
    gate    TEXT  PRIMARY KEY,
    config  JSONB NOT NULL
);

-- The counter's high-water mark: every number up to reserved_to may have been handed out. A node
-- reserves blocks ahead and hands numbers out of memory; a restart skips the rest of its block.
CREATE TABLE gate_counters (
    gate         TEXT   PRIMARY KEY,
    reserved_to  BIGINT NOT NULL CHECK (reserved_to >= 0)
);

-- GateProgress, replaced only by compare-and-set on version. trimmed: checkpoints older than the
-- retention window were forgotten, so ranks at or below the oldest kept one cannot be dated.
CREATE TABLE gate_progress (
    gate            TEXT             PRIMARY KEY,
    version         BIGINT           NOT NULL,
    mark            BIGINT           NOT NULL,
    pre_queue_size  BIGINT           NOT NULL,
    last_tick       TIMESTAMPTZ,
    carry           DOUBLE PRECISION NOT NULL,
    rate            DOUBLE PRECISION NOT NULL,
    trimmed         BOOLEAN          NOT NULL DEFAULT false
);

-- When the mark first reached each value it moved to.
CREATE TABLE gate_checkpoints (
    gate  TEXT        NOT NULL,
    mark  BIGINT      NOT NULL,
    at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (gate, mark)
);
CREATE INDEX gate_checkpoints_by_time ON gate_checkpoints (gate, at);

-- Keyed gates: each holder's one place.
CREATE TABLE gate_holders (
    gate    TEXT   NOT NULL,
    holder  TEXT   NOT NULL,
    place   BIGINT NOT NULL,
    PRIMARY KEY (gate, holder)
);

-- Passes whose step was completed.
CREATE TABLE gate_spent (
    gate  TEXT   NOT NULL,
    rank  BIGINT NOT NULL,
    PRIMARY KEY (gate, rank)
);
