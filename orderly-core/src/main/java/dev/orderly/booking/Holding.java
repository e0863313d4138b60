package dev.orderly.booking;

/** An active reservation as a store holds it: with the capacity group each dose's place came from. */
public record Holding(Reservation reservation, int dose1Group, int dose2Group) {

    public Bucket dose1Bucket() {
        return new Bucket(reservation.clinicId(), reservation.product(), reservation.dose1Day(), dose1Group);
    }

    public Bucket dose2Bucket() {
        return new Bucket(reservation.clinicId(), reservation.product(), reservation.dose2Day(), dose2Group);
    }
}
