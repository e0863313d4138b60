-- Clinics (issue #13): what the desk records about each appointment, and the days a clinic closed.

-- A visit belongs to one dose of one reservation on one day: if the reservation later moves, the
-- record stays with the day it was made on and the new day starts clean. Reservations keep their
-- status (ACTIVE/CANCELLED) alone: a visit never changes capacity.
CREATE TABLE clinic_visits (
    reference      TEXT        NOT NULL,
    dose           SMALLINT    NOT NULL CHECK (dose IN (1, 2)),
    day            DATE        NOT NULL,
    clinic_id      BIGINT      NOT NULL,
    checked_in_at  TIMESTAMPTZ,
    checked_in_by  TEXT,
    given_at       TIMESTAMPTZ,
    given_by       TEXT,
    given_product  TEXT,
    lot            TEXT,
    dose_number    SMALLINT    CHECK (dose_number IN (1, 2)),
    no_show_at     TIMESTAMPTZ,
    no_show_by     TEXT,
    PRIMARY KEY (reference, dose, day),
    CHECK ((checked_in_at IS NULL) = (checked_in_by IS NULL)),
    CHECK ((given_at IS NULL) = (given_by IS NULL) AND (given_at IS NULL) = (lot IS NULL)
           AND (given_at IS NULL) = (given_product IS NULL) AND (given_at IS NULL) = (dose_number IS NULL)),
    CHECK ((no_show_at IS NULL) = (no_show_by IS NULL)),
    -- Whoever came was no no-show.
    CHECK (no_show_at IS NULL OR (checked_in_at IS NULL AND given_at IS NULL))
);
CREATE INDEX clinic_visits_by_clinic_day ON clinic_visits (clinic_id, day);

-- A clinic's day list reads its reservations by clinic and day; without this index it would read
-- every reservation in the country.
CREATE INDEX reservations_by_clinic_day ON reservations (clinic_id, day);

-- A closed day: its capacity is held at what stays booked (normally 0, so booked <= capacity
-- holds), this row says why and what the closing did.
CREATE TABLE clinic_closed_days (
    clinic_id  BIGINT      NOT NULL,
    day        DATE        NOT NULL,
    reason_ko  TEXT        NOT NULL,
    reason_en  TEXT        NOT NULL,
    closed_at  TIMESTAMPTZ NOT NULL,
    closed_by  TEXT        NOT NULL,
    moved      INT         NOT NULL DEFAULT 0 CHECK (moved >= 0),
    cancelled  INT         NOT NULL DEFAULT 0 CHECK (cancelled >= 0),
    kept       INT         NOT NULL DEFAULT 0 CHECK (kept >= 0),
    PRIMARY KEY (clinic_id, day)
);
