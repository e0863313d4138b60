-- Issue #16: anyone in a line may leave it with a mobile number proved by a code (RecallPhoneCodes).
-- Such a recall has no person (person_id 0): its number is kept sealed (phone_sealed under the
-- phone cipher's key phone_key_id) with a keyed hash (phone_hash) so that one number waits for one
-- place per gate. All three are cleared in the transaction that queues the text, which carries its
-- own sealed copy in the outbox; the relay clears that copy once the text is sent.
ALTER TABLE line_recalls ADD COLUMN phone_sealed BYTEA, ADD COLUMN phone_key_id TEXT, ADD COLUMN phone_hash TEXT;
CREATE UNIQUE INDEX line_recalls_one_per_phone ON line_recalls (gate, phone_hash) WHERE phone_hash IS NOT NULL;

ALTER TABLE outbox ADD COLUMN phone_sealed BYTEA, ADD COLUMN phone_key_id TEXT;
