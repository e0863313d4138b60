-- The outstanding passes of a gate are counted once a second from the spent marks of the last pass
-- lifetime. A count(*) over those marks reads every one of them: at the national rate (560 a
-- second, 10-minute passes) ~340,000 index entries, 20–90 ms a count, on every node for every gate,
-- and it grows with the rate and the lifetime. The marks are also counted per block of 1,024 ranks,
-- kept by triggers in the statement that writes the marks (every path: spends, lapses, revives,
-- give-backs), so a count sums the blocks above the lower bound's block and counts only that
-- block's marks row by row (docs/decisions.md, "Spent passes counted by blocks").
--
-- Each block's count is split by the writing backend (its pid modulo 16): passes are spent soon
-- after they are admitted, so nearly every spend adds to the same block, and one row for it would
-- make every spend wait for the commit of the one before. The stripes of a block add up to its count.

CREATE TABLE gate_spent_blocks (
    gate    TEXT     NOT NULL,
    block   BIGINT   NOT NULL,   -- rank / 1024
    stripe  SMALLINT NOT NULL,   -- the writing backend's pid % 16
    marks   BIGINT   NOT NULL,   -- may be below 0 in a stripe that gave back marks another added
    PRIMARY KEY (gate, block, stripe)
);

INSERT INTO gate_spent_blocks (gate, block, stripe, marks)
SELECT gate, rank / 1024, 0, count(*) FROM gate_spent GROUP BY gate, rank / 1024;

-- One function for both: the marks an insert added count up, those a delete removed count down.
-- In the order of the key, so statements adding to the same rows wait for each other in one order.
CREATE FUNCTION gate_spent_blocks_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO gate_spent_blocks AS b (gate, block, stripe, marks)
    SELECT gate, rank / 1024, pg_backend_pid() % 16, CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END * count(*)
    FROM changed GROUP BY gate, rank / 1024 ORDER BY 1, 2
    ON CONFLICT (gate, block, stripe) DO UPDATE SET marks = b.marks + EXCLUDED.marks;
    RETURN NULL;
END $$;

-- No code moves a mark, but a hand-made correction keeps the counts right too.
CREATE FUNCTION gate_spent_blocks_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO gate_spent_blocks AS b (gate, block, stripe, marks)
    SELECT gate, block, pg_backend_pid() % 16, sum(n) FROM (
        SELECT gate, rank / 1024 AS block, -1 AS n FROM removed
        UNION ALL SELECT gate, rank / 1024, 1 FROM added) m
    GROUP BY gate, block ORDER BY 1, 2
    ON CONFLICT (gate, block, stripe) DO UPDATE SET marks = b.marks + EXCLUDED.marks;
    RETURN NULL;
END $$;

CREATE FUNCTION gate_spent_blocks_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM gate_spent_blocks;
    RETURN NULL;
END $$;

CREATE TRIGGER gate_spent_blocks_on_insert AFTER INSERT ON gate_spent
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION gate_spent_blocks_count();
CREATE TRIGGER gate_spent_blocks_on_delete AFTER DELETE ON gate_spent
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION gate_spent_blocks_count();
CREATE TRIGGER gate_spent_blocks_on_update AFTER UPDATE ON gate_spent
    REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION gate_spent_blocks_move();
CREATE TRIGGER gate_spent_blocks_on_truncate AFTER TRUNCATE ON gate_spent
    FOR EACH STATEMENT EXECUTE FUNCTION gate_spent_blocks_clear();
