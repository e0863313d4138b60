-- Acting for another resident (issue #13): a call-centre agent on the phone, or a family member.
-- One entry per helper ("binding": a digest of the agent's staff session, or the helper's person id),
-- pending until the resident's code comes back, then confirmed for a short time. No personal data:
-- ids, a challenge id, times.
CREATE TABLE assisted_sessions (
    binding       TEXT        PRIMARY KEY,
    actor         TEXT        NOT NULL,
    person_id     BIGINT      NOT NULL,
    challenge_id  TEXT        NOT NULL,
    confirmed     BOOLEAN     NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX assisted_sessions_expiry ON assisted_sessions (expires_at);

-- Who booked, changed or cancelled for whom, and when: shown on the resident's own page.
CREATE TABLE on_behalf (
    id         BIGSERIAL   PRIMARY KEY,
    person_id  BIGINT      NOT NULL,
    reference  TEXT        NOT NULL,
    action     TEXT        NOT NULL CHECK (action IN ('book', 'change', 'cancel')),
    actor      TEXT        NOT NULL,
    at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX on_behalf_by_person ON on_behalf (person_id, at DESC);
