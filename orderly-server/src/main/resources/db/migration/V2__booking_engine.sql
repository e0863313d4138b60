-- Booking engine (issue #4): capacity per rotation group, one reservation row per dose, the
-- first answer to every keyed request, and eligibility as data (special groups, rotation,
-- re-opening windows).

-- A day's places are shared (grp -1) or kept for one rotation group (0..9), so capacity can be
-- split across the ten-part rotation. The CHECKs of V1 (0 <= booked <= capacity) still hold
-- every bucket.
ALTER TABLE day_capacity ADD COLUMN grp SMALLINT NOT NULL DEFAULT -1 CHECK (grp BETWEEN -1 AND 9);
ALTER TABLE day_capacity DROP CONSTRAINT day_capacity_pkey;
ALTER TABLE day_capacity ADD PRIMARY KEY (clinic_id, product, day, grp);
-- Every booking updates two of these rows, a hot clinic-day hundreds of times a minute. Half-empty
-- pages keep the updates HOT (no index change) and make PostgreSQL prune the dead versions of a
-- page whenever it reads it, so the chains of versions that reads must walk stay short.
ALTER TABLE day_capacity SET (fillfactor = 50);

-- One row per dose. Both rows of a reservation share its reference and status and change
-- together; the partial unique index allows one active appointment per person and dose,
-- whatever the application does. No foreign keys on this hot table: the booking engine checks
-- clinic, product and capacity on the rows it has locked.
ALTER TABLE reservations RENAME TO reservations_v1;
ALTER TABLE reservations_v1 RENAME CONSTRAINT reservations_pkey TO reservations_v1_pkey;
ALTER INDEX reservations_one_active_per_person RENAME TO reservations_v1_one_active_per_person;
ALTER INDEX reservations_by_idempotency_key RENAME TO reservations_v1_by_idempotency_key;

CREATE TABLE reservations (
    reference   TEXT        NOT NULL,
    dose        SMALLINT    NOT NULL CHECK (dose IN (1, 2)),
    person_id   BIGINT      NOT NULL,
    clinic_id   BIGINT      NOT NULL,
    product     TEXT        NOT NULL,
    day         DATE        NOT NULL,
    grp         SMALLINT    NOT NULL CHECK (grp BETWEEN -1 AND 9),
    status      TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'CANCELLED')),
    created_at  TIMESTAMPTZ NOT NULL,
    changed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (reference, dose)
);
CREATE UNIQUE INDEX reservations_one_active_dose_per_person ON reservations (person_id, dose) WHERE status = 'ACTIVE';

-- The first answer given to a request sent with an Idempotency-Key (successes and refusals
-- alike), as JSON, with the fingerprint of the request it answered.
CREATE TABLE request_keys (
    person_id    BIGINT      NOT NULL,
    key          TEXT        NOT NULL,
    fingerprint  TEXT        NOT NULL,
    answer       TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, key)
);

INSERT INTO reservations (reference, dose, person_id, clinic_id, product, day, grp, status, created_at, changed_at)
SELECT reference, 1, person_id, clinic_id, product, dose1_day, -1, status, booked_at, coalesce(cancelled_at, booked_at)
FROM reservations_v1
UNION ALL
SELECT reference, 2, person_id, clinic_id, product, dose2_day, -1, status, booked_at, coalesce(cancelled_at, booked_at)
FROM reservations_v1;

INSERT INTO request_keys (person_id, key, fingerprint, answer, created_at)
SELECT r.person_id, r.idempotency_key, 'book:' || replace(r.request_fingerprint, '|', ':'),
       json_build_object('type', 'Booked', 'reservation', json_build_object(
           'reference', r.reference, 'personId', r.person_id, 'clinicId', r.clinic_id, 'clinicName', c.name,
           'product', r.product, 'dose1Day', r.dose1_day, 'dose2Day', r.dose2_day,
           'bookedAt', to_char(r.booked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'changedAt', to_char(r.booked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')))::text,
       r.booked_at
FROM reservations_v1 r JOIN clinics c ON c.id = r.clinic_id
WHERE r.idempotency_key IS NOT NULL;

DROP TABLE reservations_v1;

-- Eligibility as data.
ALTER TABLE cohorts ADD COLUMN special_group TEXT;
ALTER TABLE cohorts ADD COLUMN rotation_digit SMALLINT CHECK (rotation_digit BETWEEN 0 AND 7);
ALTER TABLE cohorts ADD COLUMN rotation_mapping TEXT CHECK (rotation_mapping ~ '^[0-9-]{10}$');
ALTER TABLE cohorts ADD CONSTRAINT cohorts_rotation_whole CHECK ((rotation_digit IS NULL) = (rotation_mapping IS NULL));
ALTER TABLE cohort_windows ADD COLUMN unbooked_only BOOLEAN NOT NULL DEFAULT false;

-- Special-group lists uploaded by operators. resident_id is the registry's id; uploads are
-- checked against the registry when they arrive (no foreign key: the registry may live apart).
CREATE TABLE special_group_members (
    group_code   TEXT   NOT NULL,
    resident_id  BIGINT NOT NULL,
    PRIMARY KEY (group_code, resident_id)
);
CREATE INDEX special_group_members_by_resident ON special_group_members (resident_id);

-- Aborts the transaction as a serialization failure (SQLSTATE 40001), which the booking engine
-- retries: used when capacity read without a lock was changed by another transaction meanwhile.
CREATE FUNCTION orderly_conflict(message TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'serialization_failure', MESSAGE = message;
END
$$;
