package dev.orderly.server.postgres;

import dev.orderly.booking.BookingOutcome;
import dev.orderly.booking.CancelOutcome;
import dev.orderly.booking.ChangeOutcome;
import dev.orderly.booking.Reservation;
import dev.orderly.booking.StoreAnswer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;

/**
 * Remembered answers as JSON text in {@code request_keys.answer}: {@code {"type": "<record name>", ...}}.
 * Only answers a store gives are stored; refusals decided before the store (eligibility, day
 * range) never are.
 */
public final class AnswerCodec {

    private AnswerCodec() {
    }

    public static String encode(StoreAnswer answer) {
        JsonObject json = switch (answer) {
            case BookingOutcome.Booked b -> type("Booked").put("reservation", reservation(b.reservation()));
            case BookingOutcome.AlreadyBooked a -> type("AlreadyBooked").put("reservation", reservation(a.existing()));
            case BookingOutcome.DayFull f -> type("DayFull").put("clinicId", f.clinicId()).put("day", f.day().toString())
                    .put("product", f.product());
            case BookingOutcome.NoSecondDoseDay n -> type("NoSecondDoseDay").put("from", n.from().toString()).put("to", n.to().toString());
            case BookingOutcome.NotOffered n -> type("NotOffered").put("clinicId", n.clinicId()).put("product", n.product());
            case ChangeOutcome.Changed c -> type("Changed").put("reservation", reservation(c.reservation()));
            case ChangeOutcome.NothingToChange n -> type("NothingToChange");
            case ChangeOutcome.OutsideInterval o -> type("OutsideInterval").put("from", o.from().toString()).put("to", o.to().toString());
            case CancelOutcome.Cancelled c -> type("Cancelled").put("reservation", reservation(c.reservation()));
            case CancelOutcome.NothingToCancel n -> type("NothingToCancel");
            case BookingOutcome.DayOutOfRange d -> throw notStored(d);
            case BookingOutcome.NotEligible n -> throw notStored(n);
            case BookingOutcome.KeyReused k -> throw notStored(k);
            case ChangeOutcome.TooLate t -> throw notStored(t);
        };
        return json.encode();
    }

    public static StoreAnswer decode(String text) {
        JsonObject j = new JsonObject(text);
        return switch (j.getString("type")) {
            case "Booked" -> new BookingOutcome.Booked(reservation(j.getJsonObject("reservation")));
            case "AlreadyBooked" -> new BookingOutcome.AlreadyBooked(reservation(j.getJsonObject("reservation")));
            case "DayFull" -> new BookingOutcome.DayFull(j.getLong("clinicId"), LocalDate.parse(j.getString("day")), j.getString("product"));
            case "NoSecondDoseDay" -> new BookingOutcome.NoSecondDoseDay(LocalDate.parse(j.getString("from")), LocalDate.parse(j.getString("to")));
            case "NotOffered" -> new BookingOutcome.NotOffered(j.getLong("clinicId"), j.getString("product"));
            case "Changed" -> new ChangeOutcome.Changed(reservation(j.getJsonObject("reservation")));
            case "NothingToChange" -> new ChangeOutcome.NothingToChange();
            case "OutsideInterval" -> new ChangeOutcome.OutsideInterval(LocalDate.parse(j.getString("from")), LocalDate.parse(j.getString("to")));
            case "Cancelled" -> new CancelOutcome.Cancelled(reservation(j.getJsonObject("reservation")));
            case "NothingToCancel" -> new CancelOutcome.NothingToCancel();
            default -> throw new IllegalStateException("unknown remembered answer " + text);
        };
    }

    private static IllegalArgumentException notStored(StoreAnswer a) {
        return new IllegalArgumentException(a.getClass().getSimpleName() + " is decided before the store and never remembered");
    }

    private static JsonObject type(String type) {
        return new JsonObject().put("type", type);
    }

    private static JsonObject reservation(Reservation r) {
        return new JsonObject().put("reference", r.reference()).put("personId", r.personId()).put("clinicId", r.clinicId())
                .put("clinicName", r.clinicName()).put("product", r.product()).put("dose1Day", r.dose1Day().toString())
                .put("dose2Day", r.dose2Day().toString()).put("bookedAt", r.bookedAt().toString())
                .put("changedAt", r.changedAt().toString());
    }

    private static Reservation reservation(JsonObject j) {
        return new Reservation(j.getString("reference"), j.getLong("personId"), j.getLong("clinicId"), j.getString("clinicName"),
                j.getString("product"), LocalDate.parse(j.getString("dose1Day")), LocalDate.parse(j.getString("dose2Day")),
                Instant.parse(j.getString("bookedAt")), Instant.parse(j.getString("changedAt")));
    }
}
