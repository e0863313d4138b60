-- Operators' messages to many people (outbox kind 'notice') go out after the booking messages that
-- are due: a million "dose 2 moved" texts must not hold up the confirmation of a booking made
-- meanwhile for the hours the relay needs to send them. Each side has its own partial index, so
-- the relay finds the due booking messages without reading past the notices.
CREATE INDEX outbox_unsent_bookings ON outbox (id) WHERE sent_at IS NULL AND kind <> 'notice';
CREATE INDEX outbox_unsent_notices ON outbox (id) WHERE sent_at IS NULL AND kind = 'notice';
