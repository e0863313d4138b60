-- The FHIR feed (issue #18): the registry and clinics' systems hear of every booking, change,
-- cancellation, dose given and no-show through the same outbox as the texts, written in the same
-- transaction as the change, delivered after it by its own relay.
--
-- A row's channel says who delivers it: 'sms' (the texts, as before) or 'fhir'. The FHIR rows are
-- written by triggers, so every writer of a booking message (booking, the call centre, standby,
-- a clinic's closed day) and the clinic desk feed the registry without each having to remember it,
-- and a row exists exactly when its change committed.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'sms' CHECK (channel IN ('sms', 'fhir'));

-- The texts' relay must not read past a FHIR backlog (a registry down for a day) to find its due
-- rows: its partial indexes now hold the texts alone.
DROP INDEX outbox_unsent_bookings;
DROP INDEX outbox_unsent_notices;
CREATE INDEX outbox_unsent_bookings ON outbox (id) WHERE sent_at IS NULL AND kind <> 'notice' AND channel = 'sms';
CREATE INDEX outbox_unsent_notices ON outbox (id) WHERE sent_at IS NULL AND kind = 'notice' AND channel = 'sms';
-- The FHIR relay takes, per person, the oldest unsent row (order per person).
CREATE INDEX outbox_unsent_fhir ON outbox (person_id, id) WHERE sent_at IS NULL AND channel = 'fhir';

-- Whether FHIR rows are written at all: set by the app at start from ORDERLY_FHIR_ENDPOINT, so a
-- deployment without a registry does not pile up a backlog nobody will ever deliver.
CREATE TABLE fhir_feed (
    single   BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (single),
    enabled  BOOLEAN NOT NULL
);
INSERT INTO fhir_feed (enabled) VALUES (FALSE);

CREATE FUNCTION fhir_feed_booking() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT enabled FROM fhir_feed) THEN
        INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at, channel)
        VALUES (NEW.kind, NEW.person_id, NEW.reference, '', NEW.created_at, NEW.created_at, 'fhir');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER outbox_feeds_fhir AFTER INSERT ON outbox FOR EACH ROW
    WHEN (NEW.channel = 'sms' AND NEW.kind IN ('BOOKED', 'CHANGED', 'CANCELLED', 'DAY_CLOSED_MOVED', 'DAY_CLOSED_CANCELLED'))
    EXECUTE FUNCTION fhir_feed_booking();

CREATE FUNCTION fhir_feed_visit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    what TEXT;
BEGIN
    IF NOT (SELECT enabled FROM fhir_feed) THEN
        RETURN NULL;
    END IF;
    IF NEW.given_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.given_at IS NULL) THEN
        what := 'DOSE_GIVEN';
    ELSIF NEW.no_show_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.no_show_at IS NULL) THEN
        what := 'NO_SHOW';
    ELSE
        RETURN NULL;
    END IF;
    INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at, channel)
    SELECT what, r.person_id, NEW.reference, NEW.dose::text, coalesce(NEW.given_at, NEW.no_show_at),
           coalesce(NEW.given_at, NEW.no_show_at), 'fhir'
    FROM reservations r WHERE r.reference = NEW.reference AND r.dose = NEW.dose;
    RETURN NULL;
END $$;

CREATE TRIGGER clinic_visits_feed_fhir AFTER INSERT OR UPDATE ON clinic_visits FOR EACH ROW
    EXECUTE FUNCTION fhir_feed_visit();
