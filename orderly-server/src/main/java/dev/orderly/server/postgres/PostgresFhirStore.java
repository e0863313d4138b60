package dev.orderly.server.postgres;

import static dev.orderly.server.postgres.Blocking.await;

import dev.orderly.server.fhir.FhirOutbox;
import dev.orderly.server.fhir.FhirReads;
import dev.orderly.server.fhir.FhirRows.AppointmentRow;
import dev.orderly.server.fhir.FhirRows.ClinicRow;
import dev.orderly.server.fhir.FhirRows.ImmunizationRow;
import dev.orderly.server.fhir.FhirRows.SlotRow;
import dev.orderly.server.fhir.FhirRows.Vaccine;
import dev.orderly.server.fhir.FhirRows.Visit;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The FHIR feed's reads and its rows of the outbox in PostgreSQL. */
public final class PostgresFhirStore implements FhirReads, FhirOutbox {

    private static final String CLINICS = "SELECT id, name, name_en, province, district, address, phone FROM clinics";

    private static final String APPOINTMENTS = """
            SELECT r.reference, r.dose, r.person_id, r.clinic_id, r.product, coalesce(nullif(p.name_en, ''), p.name) AS product_name,
                   r.day, r.status = 'CANCELLED' AS cancelled, r.created_at, v.checked_in_at IS NOT NULL AS checked_in,
                   v.given_at IS NOT NULL AS given, v.no_show_at IS NOT NULL AS no_show
            FROM reservations r JOIN products p ON p.code = r.product
            LEFT JOIN clinic_visits v ON v.reference = r.reference AND v.dose = r.dose AND v.day = r.day
            """;

    private static final String IMMUNIZATIONS = """
            SELECT v.reference, v.dose, r.person_id, v.clinic_id, v.given_product, coalesce(nullif(p.name_en, ''), p.name) AS product_name,
                   v.day, v.given_at, v.lot, v.dose_number
            FROM clinic_visits v JOIN reservations r ON r.reference = v.reference AND r.dose = v.dose
            JOIN products p ON p.code = v.given_product
            WHERE v.given_at IS NOT NULL
            """;

    private final Pool pool;

    public PostgresFhirStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public List<ClinicRow> clinics() {
        List<ClinicRow> out = new ArrayList<>();
        await(pool.query(CLINICS + " ORDER BY id").execute()).forEach(r -> out.add(clinic(r)));
        return out;
    }

    @Override
    public Optional<ClinicRow> clinic(long id) {
        for (Row r : await(pool.preparedQuery(CLINICS + " WHERE id = $1").execute(Tuple.of(id)))) {
            return Optional.of(clinic(r));
        }
        return Optional.empty();
    }

    private static ClinicRow clinic(Row r) {
        return new ClinicRow(r.getLong("id"), r.getString("name"), r.getString("name_en"), r.getString("province"), r.getString("district"),
                r.getString("address"), r.getString("phone"));
    }

    @Override
    public List<SlotRow> slots(LocalDate from) {
        List<SlotRow> out = new ArrayList<>();
        await(pool.preparedQuery("""
                SELECT d.clinic_id, d.product, coalesce(nullif(p.name_en, ''), p.name) AS product_name, d.day,
                       sum(d.capacity)::int AS capacity, sum(d.booked)::int AS booked,
                       (SELECT reason_en FROM clinic_closed_days c WHERE c.clinic_id = d.clinic_id AND c.day = d.day) AS closed
                FROM day_capacity d JOIN products p ON p.code = d.product
                WHERE d.day >= $1
                GROUP BY d.clinic_id, d.product, p.name_en, p.name, d.day
                ORDER BY d.clinic_id, d.product, d.day""").execute(Tuple.of(from)))
                .forEach(r -> out.add(new SlotRow(r.getLong("clinic_id"), new Vaccine(r.getString("product"), r.getString("product_name")),
                        r.getLocalDate("day"), r.getInteger("capacity"), r.getInteger("booked"), Optional.ofNullable(r.getString("closed")))));
        return out;
    }

    @Override
    public List<AppointmentRow> appointmentsOf(String reference) {
        List<AppointmentRow> out = new ArrayList<>();
        await(pool.preparedQuery(APPOINTMENTS + " WHERE r.reference = $1 ORDER BY r.dose").execute(Tuple.of(reference)))
                .forEach(r -> out.add(appointment(r)));
        return out;
    }

    @Override
    public List<AppointmentRow> appointments(long clinicId, LocalDate day, int offset, int count) {
        List<AppointmentRow> out = new ArrayList<>();
        await(pool.preparedQuery(APPOINTMENTS + " WHERE r.clinic_id = $1 AND r.day = $2 ORDER BY r.reference, r.dose OFFSET $3 LIMIT $4")
                .execute(Tuple.of(clinicId, day, offset, count))).forEach(r -> out.add(appointment(r)));
        return out;
    }

    private static AppointmentRow appointment(Row r) {
        Visit visit = r.getBoolean("given") ? Visit.GIVEN : r.getBoolean("no_show") ? Visit.NO_SHOW
                : r.getBoolean("checked_in") ? Visit.CHECKED_IN : Visit.NONE;
        return new AppointmentRow(r.getString("reference"), r.getInteger("dose"), r.getLong("person_id"), r.getLong("clinic_id"),
                new Vaccine(r.getString("product"), r.getString("product_name")), r.getLocalDate("day"), r.getBoolean("cancelled"),
                r.getOffsetDateTime("created_at").toInstant(), visit);
    }

    @Override
    public Optional<ImmunizationRow> immunization(String reference, int dose) {
        for (Row r : await(pool.preparedQuery(IMMUNIZATIONS + " AND v.reference = $1 AND v.dose = $2 ORDER BY v.given_at DESC LIMIT 1")
                .execute(Tuple.of(reference, dose)))) {
            return Optional.of(immunization(r));
        }
        return Optional.empty();
    }

    @Override
    public List<ImmunizationRow> immunizations(long clinicId, LocalDate day, int offset, int count) {
        List<ImmunizationRow> out = new ArrayList<>();
        await(pool.preparedQuery(IMMUNIZATIONS + " AND v.clinic_id = $1 AND v.day = $2 ORDER BY v.reference, v.dose OFFSET $3 LIMIT $4")
                .execute(Tuple.of(clinicId, day, offset, count))).forEach(r -> out.add(immunization(r)));
        return out;
    }

    private static ImmunizationRow immunization(Row r) {
        return new ImmunizationRow(r.getString("reference"), r.getInteger("dose"), r.getLong("person_id"), r.getLong("clinic_id"),
                new Vaccine(r.getString("given_product"), r.getString("product_name")), r.getLocalDate("day"),
                r.getOffsetDateTime("given_at").toInstant(), r.getString("lot"), r.getInteger("dose_number"));
    }

    @Override
    public void enable(boolean on) {
        await(pool.preparedQuery("UPDATE fhir_feed SET enabled = $1").execute(Tuple.of(on)));
    }

    @Override
    public List<Event> leaseDue(Instant now, Instant leaseUntil, int max) {
        List<Event> out = new ArrayList<>();
        // The head of each person's line only: a later event of a person is no head until the earlier one is delivered.
        await(pool.preparedQuery("""
                WITH heads AS (SELECT DISTINCT ON (person_id) id, next_attempt_at FROM outbox
                               WHERE sent_at IS NULL AND channel = 'fhir' ORDER BY person_id, id),
                     due AS (SELECT o.id FROM outbox o JOIN heads h ON h.id = o.id WHERE h.next_attempt_at <= $1
                             ORDER BY o.id LIMIT $3 FOR UPDATE OF o SKIP LOCKED)
                UPDATE outbox o SET next_attempt_at = $2 FROM due WHERE o.id = due.id
                RETURNING o.id, o.kind, o.person_id, o.reference, o.body, o.attempts""")
                .execute(Tuple.of(PostgresBookingStore.utc(now), PostgresBookingStore.utc(leaseUntil), max)))
                .forEach(r -> out.add(new Event(r.getLong("id"), r.getString("kind"), r.getLong("person_id"), r.getString("reference"),
                        r.getString("body").isEmpty() ? 0 : Integer.parseInt(r.getString("body")), r.getInteger("attempts"))));
        out.sort(java.util.Comparator.comparingLong(Event::id));
        return out;
    }

    @Override
    public void delivered(long id, Instant at) {
        await(pool.preparedQuery("UPDATE outbox SET sent_at = $2, attempts = attempts + 1, last_error = NULL WHERE id = $1")
                .execute(Tuple.of(id, PostgresBookingStore.utc(at))));
    }

    @Override
    public void failed(long id, Instant nextAttempt, String error) {
        await(pool.preparedQuery("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3 WHERE id = $1")
                .execute(Tuple.of(id, PostgresBookingStore.utc(nextAttempt), error)));
    }

    @Override
    public long backlog() {
        return await(pool.query("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND channel = 'fhir'").execute()).iterator().next()
                .getLong(0);
    }
}
