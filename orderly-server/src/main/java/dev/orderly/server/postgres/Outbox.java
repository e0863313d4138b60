package dev.orderly.server.postgres;

import dev.orderly.booking.BookingRules;
import dev.orderly.booking.Reservation;
import dev.orderly.clinic.DayClosing;

/**
 * The confirmation texts written into the outbox table, inside the booking's own transaction, so
 * a message exists exactly when the change it reports was committed. The body holds no phone
 * number: the relay looks the number up when it sends.
 */
public final class Outbox {

    private Outbox() {
    }

    public static String body(String kind, Reservation r) {
        return switch (kind) {
            case BookingRules.BOOKED -> "[Orderly] 예약 완료 " + r.reference() + ": " + r.clinicName() + " 1차 " + r.dose1Day()
                    + ", 2차 " + r.dose2Day() + " / booked " + r.reference();
            case BookingRules.CHANGED -> "[Orderly] 예약 변경 " + r.reference() + ": " + r.clinicName() + " 1차 " + r.dose1Day()
                    + ", 2차 " + r.dose2Day() + " / changed " + r.reference();
            case BookingRules.CANCELLED -> "[Orderly] 예약 취소 " + r.reference() + " / cancelled " + r.reference();
            case DayClosing.MOVED -> "[Orderly] " + r.clinicName() + " 휴진으로 예약이 옮겨졌습니다 " + r.reference() + ": 1차 " + r.dose1Day()
                    + ", 2차 " + r.dose2Day() + ". 다른 날은 /my.html 에서 / the clinic closed that day: moved to " + r.dose1Day() + " and "
                    + r.dose2Day() + "; choose another day at /my.html";
            case DayClosing.CANCELLED -> "[Orderly] " + r.clinicName() + " 휴진으로 예약이 취소되었습니다 " + r.reference()
                    + ". 다시 예약: / / the clinic closed and no other day had room: " + r.reference() + " cancelled; book again at /";
            default -> throw new IllegalArgumentException("unknown outbox kind " + kind);
        };
    }
}
