-- Claim marks (issue #15, "bot tickets are worth nothing"): until when somebody is known to be
-- waiting behind a ticket number, in whole seconds since the epoch (dev.orderly.gate.Claims). One
-- row per number claimed at least once: sized by numbers issued, never by connections. Admission
-- passes over numbers whose claim ran out, marking them lapsed (until_s = 1) and their pass spent.
CREATE TABLE gate_claims (
    gate     TEXT   NOT NULL,
    number   BIGINT NOT NULL CHECK (number >= 1),
    until_s  BIGINT NOT NULL CHECK (until_s >= 0),
    PRIMARY KEY (gate, number)
);
