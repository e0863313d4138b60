package dev.orderly.surge.walk;

/** The requests of one walk, in the order a person sends them; each has its own latency histogram. */
enum Step {
    IDENTITY_JOIN("identity.join"),
    IDENTITY_STATUS("identity.status"),
    CHALLENGE("identity.challenge"),
    SMS_INBOX("dev.sms"),
    VERIFY("identity.verify"),
    ELIGIBILITY("me (eligibility)"),
    BOOKING_JOIN("booking.join"),
    BOOKING_STATUS("booking.status"),
    SEARCH("clinics (search)"),
    BOOK("reservations (book)");

    final String label;

    Step(String label) {
        this.label = label;
    }
}
