package dev.orderly.server.postgres;

import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.ChangeRequest;
import java.time.Instant;

/** One request to the booking engine, as a {@link BookingTransaction} runs it. */
sealed interface BookingCommand {

    long personId();

    String key();

    Instant now();

    record Book(BookingRequest request, String key, String reference, Instant now) implements BookingCommand {
        @Override
        public long personId() {
            return request.personId();
        }
    }

    record Change(ChangeRequest request, String key, Instant now) implements BookingCommand {
        @Override
        public long personId() {
            return request.personId();
        }
    }

    record Cancel(long personId, String key, Instant now) implements BookingCommand {
    }
}
