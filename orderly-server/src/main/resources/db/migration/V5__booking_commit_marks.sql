-- A random mark that each booking batch which writes inserts in its own transaction (issue #10,
-- finding 8). When the answer to COMMIT is lost, the transaction id says whether the commit is
-- still in progress; whether it committed is read from the mark: after a crash PostgreSQL may hand
-- an unflushed transaction's id to a new transaction, whose "committed" would otherwise be taken
-- for the lost one's. Marks older than an hour are of no more use and are deleted now and then.
CREATE TABLE booking_commit_marks (
    mark  UUID        PRIMARY KEY,
    at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX booking_commit_marks_at ON booking_commit_marks (at);
