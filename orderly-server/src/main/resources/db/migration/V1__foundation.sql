-- Orderly's first schema: the resident registry, cohorts, clinics, capacity, reservations, outbox.

CREATE TABLE residents (
    id          BIGINT PRIMARY KEY,
    name        TEXT   NOT NULL,
    birth_date  DATE   NOT NULL,
    phone       TEXT   NOT NULL
);
-- Verification looks a resident up by phone and birth date, then compares the name.
CREATE INDEX residents_by_phone_birth ON residents (phone, birth_date);

CREATE TABLE cohorts (
    id         TEXT   PRIMARY KEY,
    name       TEXT   NOT NULL,
    born_from  DATE   NOT NULL,
    born_to    DATE   NOT NULL,
    products   TEXT[] NOT NULL,
    CHECK (born_to >= born_from)
);

CREATE TABLE cohort_windows (
    cohort_id  TEXT        NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    opens_at   TIMESTAMPTZ NOT NULL,
    closes_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (cohort_id, opens_at),
    CHECK (closes_at > opens_at)
);

CREATE TABLE products (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    dose2_min_days  INT  NOT NULL,
    dose2_max_days  INT  NOT NULL,
    CHECK (dose2_min_days >= 1 AND dose2_max_days >= dose2_min_days)
);

CREATE TABLE clinics (
    id        BIGINT PRIMARY KEY,
    name      TEXT   NOT NULL,
    province  TEXT   NOT NULL,
    district  TEXT   NOT NULL,
    address   TEXT   NOT NULL
);
CREATE INDEX clinics_by_region ON clinics (province, district, name);

CREATE TABLE clinic_products (
    clinic_id  BIGINT NOT NULL REFERENCES clinics (id) ON DELETE CASCADE,
    product    TEXT   NOT NULL REFERENCES products (code),
    PRIMARY KEY (clinic_id, product)
);

-- One row per clinic, product and day. The CHECK is the last line of defence against
-- overbooking: even a faulty query cannot commit booked > capacity.
CREATE TABLE day_capacity (
    clinic_id  BIGINT NOT NULL,
    product    TEXT   NOT NULL,
    day        DATE   NOT NULL,
    capacity   INT    NOT NULL CHECK (capacity >= 0),
    booked     INT    NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    PRIMARY KEY (clinic_id, product, day),
    FOREIGN KEY (clinic_id, product) REFERENCES clinic_products (clinic_id, product) ON DELETE CASCADE
);

CREATE TABLE reservations (
    reference            TEXT        PRIMARY KEY,
    person_id            BIGINT      NOT NULL,
    clinic_id            BIGINT      NOT NULL REFERENCES clinics (id),
    product              TEXT        NOT NULL REFERENCES products (code),
    dose1_day            DATE        NOT NULL,
    dose2_day            DATE        NOT NULL,
    status               TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'CANCELLED')),
    booked_at            TIMESTAMPTZ NOT NULL,
    cancelled_at         TIMESTAMPTZ,
    idempotency_key      TEXT,
    request_fingerprint  TEXT,
    CHECK (dose2_day > dose1_day)
);
-- One person, one active reservation: enforced by the database, whatever the application does.
CREATE UNIQUE INDEX reservations_one_active_per_person ON reservations (person_id) WHERE status = 'ACTIVE';
CREATE UNIQUE INDEX reservations_by_idempotency_key ON reservations (person_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- Messages to send after a booking change, written in the booking's own transaction.
CREATE TABLE outbox (
    id               BIGSERIAL   PRIMARY KEY,
    kind             TEXT        NOT NULL,
    person_id        BIGINT      NOT NULL,
    reference        TEXT        NOT NULL,
    body             TEXT        NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    attempts         INT         NOT NULL DEFAULT 0,
    sent_at          TIMESTAMPTZ,
    last_error       TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
