package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;
import static dev.orderly.server.postgres.PostgresBookingStore.utc;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.StoreAnswer;
import dev.orderly.standby.AlreadyReleasedException;
import dev.orderly.standby.ClaimOutcome;
import dev.orderly.standby.FairOrder;
import dev.orderly.standby.NewOffer;
import dev.orderly.standby.OfferPicker;
import dev.orderly.standby.OfferView;
import dev.orderly.standby.Release;
import dev.orderly.standby.ReleaseSummary;
import dev.orderly.standby.RoundResult;
import dev.orderly.standby.StandbyEntry;
import dev.orderly.standby.StandbyOffer;
import dev.orderly.standby.StandbyStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The standby list, releases and offers in PostgreSQL, beside {@link PostgresBookingStore}.
 *
 * <p>Design note. A release and its capacity are one transaction. A round locks its release's
 * row with {@code FOR UPDATE SKIP LOCKED}, so on any number of nodes one round of a release runs
 * at a time and the others skip it (the timer runs it again); under that lock it expires, counts
 * and offers, and queues the offers' SMS in the outbox, all committed together. A claim runs in
 * the booking engine's own locking transaction ({@link BookingTransaction.Guard}): the offer's row
 * is locked first, checked, the booking decided and written, and the offer marked claimed with
 * it, so a claim and a round racing for one offer are ordered by that row lock, and the booking
 * and the claim commit together or not at all.
 */
public final class PostgresStandbyStore implements StandbyStore {

    /** The outbox kind of an offer's SMS (sent with the booking messages, before operators' notices). */
    public static final String OFFER_KIND = "STANDBY_OFFER";

    private static final String ENTRY_COLUMNS = "person_id, districts, clinic_ids, hours_from, hours_to, consent_at, joined_at";
    private static final String RELEASE_COLUMNS = "r.id, r.clinic_id, r.product, r.day, r.doses, r.fair_order, r.seed, r.released_by, r.released_at";
    private static final String OFFER_COLUMNS = "o.id, o.release_id, o.person_id, o.token, o.status, o.offered_at, o.expires_at, o.reference";

    private final Pool pool;
    private final PostgresBookingStore bookings;

    public PostgresStandbyStore(Pool pool, PostgresBookingStore bookings) {
        this.pool = pool;
        this.bookings = bookings;
    }

    // ------------------------------------------------------------------ the list

    @Override
    public StandbyEntry join(StandbyEntry e) {
        Row r = await(pool.preparedQuery("INSERT INTO standby_entries (" + ENTRY_COLUMNS + """
                ) VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (person_id) DO UPDATE SET districts = excluded.districts, clinic_ids = excluded.clinic_ids,
                    hours_from = excluded.hours_from, hours_to = excluded.hours_to, consent_at = excluded.consent_at
                RETURNING"""  + " " + ENTRY_COLUMNS).execute(Tuple.tuple().addLong(e.personId())
                .addArrayOfString(e.districts().stream().map(d -> d.province() + "/" + d.district()).sorted().toArray(String[]::new))
                .addArrayOfLong(new TreeSet<>(e.clinicIds()).toArray(Long[]::new))
                .addLocalTime(e.from()).addLocalTime(e.to())
                .addOffsetDateTime(utc(e.consentAt())).addOffsetDateTime(utc(e.joinedAt())))).iterator().next();
        return entry(r);
    }

    private static StandbyEntry entry(Row r) {
        Set<StandbyEntry.District> districts = new HashSet<>();
        for (String d : r.getArrayOfStrings(1)) {
            int slash = d.indexOf('/');
            districts.add(new StandbyEntry.District(d.substring(0, slash), d.substring(slash + 1)));
        }
        return new StandbyEntry(r.getLong(0), districts, new HashSet<>(Arrays.asList(r.getArrayOfLongs(2))), r.getLocalTime(3),
                r.getLocalTime(4), r.getOffsetDateTime(5).toInstant(), r.getOffsetDateTime(6).toInstant());
    }

    @Override
    public Optional<StandbyEntry> entry(long personId) {
        RowSet<Row> rows = await(pool.preparedQuery("SELECT " + ENTRY_COLUMNS + " FROM standby_entries WHERE person_id = $1")
                .execute(Tuple.of(personId)));
        return rows.size() == 0 ? Optional.empty() : Optional.of(entry(rows.iterator().next()));
    }

    @Override
    public boolean leave(long personId) {
        return await(pool.preparedQuery("DELETE FROM standby_entries WHERE person_id = $1").execute(Tuple.of(personId))).rowCount() > 0;
    }

    @Override
    public Set<String> leftoverCohorts() {
        Set<String> ids = new TreeSet<>();
        await(pool.query("SELECT cohort_id FROM standby_leftover_cohorts").execute()).forEach(r -> ids.add(r.getString(0)));
        return ids;
    }

    @Override
    public void setLeftoverCohorts(Set<String> cohortIds) {
        inTransaction(conn -> {
            await(conn.query("DELETE FROM standby_leftover_cohorts").execute());
            await(conn.preparedQuery("INSERT INTO standby_leftover_cohorts (cohort_id) SELECT unnest($1::text[])")
                    .execute(Tuple.tuple().addArrayOfString(cohortIds.toArray(String[]::new))));
            return null;
        });
    }

    // ------------------------------------------------------------------ releases and rounds

    @Override
    public Release release(long clinicId, String product, LocalDate day, int doses, FairOrder order, long seed, String releasedBy,
                           Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        return inTransaction(conn -> {
            if (await(conn.preparedQuery("SELECT 1 FROM clinic_products WHERE clinic_id = $1 AND product = $2 FOR SHARE")
                    .execute(Tuple.of(clinicId, product))).size() == 0) {
                throw new IllegalArgumentException("clinic " + clinicId + " does not offer " + product);
            }
            // The release row first: the system's second release of a day and product meets the unique
            // index of V15 (whichever node comes second) and leaves the capacity as it was.
            RowSet<Row> inserted = await(conn.preparedQuery("""
                    INSERT INTO standby_releases (clinic_id, product, day, doses, fair_order, seed, released_by, released_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    ON CONFLICT (clinic_id, day, product) WHERE released_by = 'system' DO NOTHING RETURNING id""")
                    .execute(Tuple.of(clinicId, product, day, doses, order.name(), seed, releasedBy, utc(at))));
            if (inserted.size() == 0) {
                throw new AlreadyReleasedException(clinicId, product, day);
            }
            long id = inserted.iterator().next().getLong(0);
            await(conn.preparedQuery("""
                    INSERT INTO day_capacity (clinic_id, product, day, grp, capacity) VALUES ($1, $2, $3, -1, $4)
                    ON CONFLICT (clinic_id, product, day, grp) DO UPDATE SET capacity = day_capacity.capacity + excluded.capacity""")
                    .execute(Tuple.of(clinicId, product, day, doses)));
            return new Release(id, clinicId, product, day, doses, order, seed, releasedBy, at);
        });
    }

    private static Release release(Row r) {
        return new Release(r.getLong(0), r.getLong(1), r.getString(2), r.getLocalDate(3), r.getInteger(4),
                FairOrder.valueOf(r.getString(5)), r.getLong(6), r.getString(7), r.getOffsetDateTime(8).toInstant());
    }

    @Override
    public Optional<Release> releaseById(long id) {
        RowSet<Row> rows = await(pool.preparedQuery("SELECT " + RELEASE_COLUMNS + " FROM standby_releases r WHERE r.id = $1")
                .execute(Tuple.of(id)));
        return rows.size() == 0 ? Optional.empty() : Optional.of(release(rows.iterator().next()));
    }

    @Override
    public List<ReleaseSummary> releases(long clinicId, LocalDate day) {
        List<ReleaseSummary> result = new ArrayList<>();
        await(pool.preparedQuery("SELECT " + RELEASE_COLUMNS + """
                , count(o.id) FILTER (WHERE o.status = 'OPEN'), count(o.id) FILTER (WHERE o.status = 'CLAIMED'),
                  count(o.id) FILTER (WHERE o.status = 'EXPIRED')
                FROM standby_releases r LEFT JOIN standby_offers o ON o.release_id = r.id
                WHERE r.clinic_id = $1 AND r.day = $2 GROUP BY r.id ORDER BY r.id""").execute(Tuple.of(clinicId, day)))
                .forEach(r -> result.add(new ReleaseSummary(release(r), (int) r.getLong(9).longValue(), (int) r.getLong(10).longValue(),
                        (int) r.getLong(11).longValue())));
        return result;
    }

    @Override
    public List<Long> unfinishedReleases(LocalDate day) {
        List<Long> ids = new ArrayList<>();
        await(pool.preparedQuery("""
                SELECT r.id FROM standby_releases r
                WHERE r.day = $1 AND r.doses > (SELECT count(*) FROM standby_offers o WHERE o.release_id = r.id AND o.status = 'CLAIMED')
                ORDER BY r.id""").execute(Tuple.of(day))).forEach(r -> ids.add(r.getLong(0)));
        return ids;
    }

    @Override
    public RoundResult round(long releaseId, Instant now, OfferPicker picker) {
        Instant at = now.truncatedTo(ChronoUnit.MICROS);
        return inTransaction(conn -> {
            RowSet<Row> locked = await(conn.preparedQuery("SELECT " + RELEASE_COLUMNS
                    + " FROM standby_releases r WHERE r.id = $1 FOR UPDATE SKIP LOCKED").execute(Tuple.of(releaseId)));
            if (locked.size() == 0) {
                return RoundResult.skipped();
            }
            Release release = release(locked.iterator().next());
            int expired = await(conn.preparedQuery("""
                    UPDATE standby_offers SET status = 'EXPIRED' WHERE release_id = $1 AND status = 'OPEN' AND expires_at <= $2""")
                    .execute(Tuple.of(releaseId, utc(at)))).rowCount();
            long live = await(conn.preparedQuery("SELECT count(*) FROM standby_offers WHERE release_id = $1 AND status <> 'EXPIRED'")
                    .execute(Tuple.of(releaseId))).iterator().next().getLong(0);
            int free = (int) (release.doses() - live);
            if (free <= 0) {
                return new RoundResult(true, expired, List.of());
            }
            // Only people whose areas hold the clinic: the picker checks it again, and neither fair
            // order depends on who else is a candidate, so the order of those left is the same.
            List<StandbyEntry> candidates = new ArrayList<>();
            await(conn.preparedQuery("SELECT " + ENTRY_COLUMNS.replaceAll("(\\w+)", "e.$1") + """
                     FROM standby_entries e JOIN clinics c ON c.id = $2
                    WHERE ($2 = ANY(e.clinic_ids) OR c.province || '/' || c.district = ANY(e.districts))
                      AND NOT EXISTS (SELECT 1 FROM standby_offers o WHERE o.release_id = $1 AND o.person_id = e.person_id)
                    ORDER BY e.seq""").execute(Tuple.of(releaseId, release.clinicId()))).forEach(r -> candidates.add(entry(r)));
            if (candidates.isEmpty()) {
                return new RoundResult(true, expired, List.of());
            }
            List<NewOffer> picked = picker.pick(release, candidates, free);
            OfferPicker.check(picked, candidates, free);
            if (picked.isEmpty()) {
                return new RoundResult(true, expired, List.of());
            }
            List<StandbyOffer> made = new ArrayList<>();
            await(conn.preparedQuery("INSERT INTO standby_offers (release_id, person_id, token, status, offered_at, expires_at) "
                            + "SELECT $1::bigint, q.p, q.t, 'OPEN', $2::timestamptz, q.e FROM unnest($3::bigint[], $4::text[], $5::timestamptz[]) WITH ORDINALITY "
                            + "AS q(p, t, e, n) ORDER BY q.n RETURNING " + OFFER_COLUMNS.replace("o.", ""))
                    .execute(Tuple.tuple().addLong(releaseId).addOffsetDateTime(utc(at))
                            .addArrayOfLong(picked.stream().map(NewOffer::personId).toArray(Long[]::new))
                            .addArrayOfString(picked.stream().map(NewOffer::token).toArray(String[]::new))
                            .addArrayOfOffsetDateTime(picked.stream().map(n -> utc(n.expiresAt().truncatedTo(ChronoUnit.MICROS)))
                                    .toArray(OffsetDateTime[]::new))))
                    .forEach(r -> made.add(offer(r)));
            made.sort(java.util.Comparator.comparingLong(StandbyOffer::id));
            await(conn.preparedQuery("""
                    INSERT INTO outbox (kind, person_id, reference, body, created_at, next_attempt_at)
                    SELECT $1::text, q.p, 'SBY-' || q.id, q.b, $2::timestamptz, $2::timestamptz
                    FROM unnest($3::bigint[], $4::bigint[], $5::text[]) AS q(p, id, b)""")
                    .execute(Tuple.tuple().addString(OFFER_KIND).addOffsetDateTime(utc(at))
                            .addArrayOfLong(picked.stream().map(NewOffer::personId).toArray(Long[]::new))
                            .addArrayOfLong(picked.stream().map(n -> made.stream().filter(o -> o.token().equals(n.token())).findFirst()
                                    .orElseThrow().id()).toArray(Long[]::new))
                            .addArrayOfString(picked.stream().map(NewOffer::sms).toArray(String[]::new))));
            return new RoundResult(true, expired, List.copyOf(made));
        });
    }

    private static StandbyOffer offer(Row r) {
        return new StandbyOffer(r.getLong(0), r.getLong(1), r.getLong(2), r.getString(3), StandbyOffer.Status.valueOf(r.getString(4)),
                r.getOffsetDateTime(5).toInstant(), r.getOffsetDateTime(6).toInstant(), Optional.ofNullable(r.getString(7)));
    }

    @Override
    public Optional<OfferView> offer(String token) {
        RowSet<Row> rows = await(pool.preparedQuery("SELECT " + OFFER_COLUMNS + ", " + RELEASE_COLUMNS + """
                , c.name FROM standby_offers o JOIN standby_releases r ON r.id = o.release_id JOIN clinics c ON c.id = r.clinic_id
                WHERE o.token = $1""").execute(Tuple.of(token)));
        if (rows.size() == 0) {
            return Optional.empty();
        }
        Row r = rows.iterator().next();
        Release release = new Release(r.getLong(8), r.getLong(9), r.getString(10), r.getLocalDate(11), r.getInteger(12),
                FairOrder.valueOf(r.getString(13)), r.getLong(14), r.getString(15), r.getOffsetDateTime(16).toInstant());
        return Optional.of(new OfferView(offer(r), release, r.getString(17)));
    }

    @Override
    public List<StandbyOffer> offersOf(long releaseId) {
        List<StandbyOffer> result = new ArrayList<>();
        await(pool.preparedQuery("SELECT " + OFFER_COLUMNS + " FROM standby_offers o WHERE o.release_id = $1 ORDER BY o.id")
                .execute(Tuple.of(releaseId))).forEach(r -> result.add(offer(r)));
        return result;
    }

    // ------------------------------------------------------------------ claims

    /** A claim refused by its offer, inside the booking transaction (which rolls back). */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient ClaimOutcome outcome;

        Refused(ClaimOutcome outcome) {
            super("claim refused: " + outcome.getClass().getSimpleName(), null, false, false);
            this.outcome = outcome;
        }
    }

    /** The offer's say in the claim's booking transaction. */
    private static final class ClaimGuard implements BookingTransaction.Guard {
        private final String token;
        private final long personId;
        private final Instant now;
        private StandbyOffer offer;
        /** Whether the attempt that ran last marked the offer claimed (a retried transaction asks the guard again). */
        private boolean claimedHere;

        ClaimGuard(String token, long personId, Instant now) {
            this.token = token;
            this.personId = personId;
            this.now = now;
        }

        @Override
        public Future<RowSet<Row>> lock(SqlConnection conn) {
            return conn.preparedQuery("SELECT " + OFFER_COLUMNS + " FROM standby_offers o WHERE o.token = $1 FOR UPDATE")
                    .execute(Tuple.of(token));
        }

        @Override
        public void admit(RowSet<Row> locked) {
            claimedHere = false;
            if (locked.size() == 0) {
                throw new Refused(new ClaimOutcome.NoSuchOffer());
            }
            offer = offer(locked.iterator().next());
            if (offer.personId() != personId) {
                throw new Refused(new ClaimOutcome.NotYours());
            }
            if (offer.status() != StandbyOffer.Status.CLAIMED && !offer.claimableAt(now)) {
                throw new Refused(new ClaimOutcome.Expired(offer));
            }
        }

        @Override
        public List<Future<RowSet<Row>>> writes(SqlConnection conn, StoreAnswer answer, boolean changed) {
            if (offer.status() == StandbyOffer.Status.CLAIMED) {
                if (changed || !(answer instanceof BookingOutcome.Booked)) {
                    // Only a retry of the claim that succeeded (its key, remembered) gets an answer but this.
                    throw new Refused(new ClaimOutcome.AlreadyClaimed(offer));
                }
                return List.of();
            }
            if (answer instanceof BookingOutcome.Booked b && changed) {
                claimedHere = true;
                return List.of(conn.preparedQuery("UPDATE standby_offers SET status = 'CLAIMED', reference = $2 WHERE id = $1")
                        .execute(Tuple.of(offer.id(), b.reservation().reference())));
            }
            return List.of();
        }
    }

    @Override
    public ClaimOutcome claim(String token, BookingRequest request, String idempotencyKey, String reference, Instant now) {
        ClaimGuard guard = new ClaimGuard(token, request.personId(), now);
        BookingOutcome outcome;
        try {
            outcome = bookings.bookGuarded(request, idempotencyKey, reference, now, guard);
        } catch (Refused r) {
            return r.outcome;
        }
        if (guard.offer.status() == StandbyOffer.Status.CLAIMED) {
            return new ClaimOutcome.Claimed(((BookingOutcome.Booked) outcome).reservation());
        }
        if (outcome instanceof BookingOutcome.Booked b) {
            // Booked without a claim: the person's key answered an earlier booking of the same clinic-day-product.
            return guard.claimedHere ? new ClaimOutcome.Claimed(b.reservation())
                    : new ClaimOutcome.BookingRefused(new BookingOutcome.AlreadyBooked(b.reservation()));
        }
        return new ClaimOutcome.BookingRefused(outcome);
    }

    // ------------------------------------------------------------------ plumbing

    private <T> T inTransaction(Function<SqlConnection, T> work) {
        SqlConnection conn = await(pool.getConnection());
        try {
            Transaction tx = await(conn.begin());
            T result;
            try {
                result = work.apply(conn);
            } catch (RuntimeException e) {
                await(tx.rollback());
                throw e;
            }
            await(tx.commit());
            return result;
        } finally {
            conn.close();
        }
    }
}
