-- Leftover doses and the standby list (issue #13).

-- A verified person waiting for a leftover dose: where (districts as 'province/district', or
-- chosen clinics), when (Seoul wall-clock hours), and when they consented to be called. seq is
-- the order they first joined in; joining again keeps it.
CREATE TABLE standby_entries (
    person_id   BIGINT      PRIMARY KEY,
    seq         BIGINT      GENERATED ALWAYS AS IDENTITY UNIQUE,
    districts   TEXT[]      NOT NULL,
    clinic_ids  BIGINT[]    NOT NULL,
    hours_from  TIME        NOT NULL,
    hours_to    TIME        NOT NULL,
    consent_at  TIMESTAMPTZ NOT NULL,
    joined_at   TIMESTAMPTZ NOT NULL,
    CHECK (hours_from < hours_to),
    CHECK (cardinality(districts) + cardinality(clinic_ids) BETWEEN 1 AND 20)
);

-- Doses a clinic released for one day; the same transaction added them to that day's shared
-- capacity (see StandbyService: today is bookable by nobody but a standby claim).
CREATE TABLE standby_releases (
    id           BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id    BIGINT      NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    product      TEXT        NOT NULL,
    day          DATE        NOT NULL,
    doses        INT         NOT NULL CHECK (doses BETWEEN 1 AND 200),
    fair_order   TEXT        NOT NULL CHECK (fair_order IN ('JOINED', 'DRAW')),
    seed         BIGINT      NOT NULL,
    released_by  TEXT        NOT NULL,
    released_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX standby_releases_by_day ON standby_releases (day, clinic_id);

-- One dose offered to one person. A person is offered a dose of a release at most once (unique);
-- the round that makes offers holds the release's row lock, so open + claimed never exceed doses.
CREATE TABLE standby_offers (
    id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    release_id  BIGINT      NOT NULL REFERENCES standby_releases (id) ON DELETE CASCADE,
    person_id   BIGINT      NOT NULL,
    token       TEXT        NOT NULL UNIQUE,
    status      TEXT        NOT NULL CHECK (status IN ('OPEN', 'CLAIMED', 'EXPIRED')),
    offered_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    reference   TEXT,
    UNIQUE (release_id, person_id),
    CHECK ((status = 'CLAIMED') = (reference IS NOT NULL))
);

-- Cohorts the operator opened to leftovers beyond the people eligible now.
CREATE TABLE standby_leftover_cohorts (
    cohort_id  TEXT PRIMARY KEY
);
