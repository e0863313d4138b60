-- The audit log (issue 12): every change staff or a machine token make, append-only and hash-chained.
--
-- What protects what:
--  * The application cannot change or remove an entry: triggers refuse UPDATE, DELETE and TRUNCATE on
--    audit_log (for every role, the owner and superusers included, as long as the triggers fire), and the
--    privileges to do so are revoked from everyone, the owner (the role migrations run as) too, so a
--    non-superuser that owns the table is stopped twice over.
--  * Entries join one chain: an insert must extend the head (next sequence, the head's hash as its link),
--    and the head (one row, locked FOR UPDATE by each append) only moves one entry forward, onto an entry
--    that is in the log. Appends from several nodes serialize on that row lock.
--  * A superuser (or the owner, who may ALTER TABLE ... DISABLE TRIGGER or grant itself the privileges
--    back) can still rewrite rows behind the triggers' back; the hash chain (AuditChain) is what detects
--    that: `orderly audit verify` and GET /api/operator/audit/verify name the first broken entry.
CREATE TABLE audit_log (
    seq           bigint      PRIMARY KEY CHECK (seq >= 1),
    at            timestamptz NOT NULL,
    actor         text        NOT NULL,
    role          text        NOT NULL,
    action        text        NOT NULL,
    target        text        NOT NULL,
    before_state  text,
    after_state   text,
    address       text        NOT NULL,
    previous_hash text        NOT NULL,
    hash          text        NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_target ON audit_log (target text_pattern_ops);

CREATE TABLE audit_head (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    seq      bigint  NOT NULL,
    hash     text    NOT NULL
);
INSERT INTO audit_head (only_row, seq, hash) VALUES (true, 0, repeat('0', 64));

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE FUNCTION audit_log_extends_head() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head audit_head%ROWTYPE;
BEGIN
    SELECT * INTO head FROM audit_head;
    IF NEW.seq <> head.seq + 1 OR NEW.previous_hash <> head.hash THEN
        RAISE EXCEPTION 'audit entry % does not extend the log''s head (entry %)', NEW.seq, head.seq
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION audit_head_moves_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.only_row IS DISTINCT FROM OLD.only_row OR NEW.seq <> OLD.seq + 1
       OR NOT EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq AND hash = NEW.hash AND previous_hash = OLD.hash) THEN
        RAISE EXCEPTION 'the audit head only moves one entry forward, onto an entry of the log (from % to %)', OLD.seq, NEW.seq
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_extends_head BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_extends_head();
CREATE TRIGGER audit_head_moves_forward BEFORE UPDATE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_moves_forward();
CREATE TRIGGER audit_head_kept BEFORE INSERT OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC, CURRENT_USER;
REVOKE INSERT, DELETE, TRUNCATE ON audit_head FROM PUBLIC, CURRENT_USER;
