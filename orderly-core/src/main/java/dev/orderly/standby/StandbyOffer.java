package dev.orderly.standby;

import java.time.Instant;
import java.util.Optional;

/**
 * One dose of a release offered to one person until {@code expiresAt}.
 *
 * @param token     the opaque token of the link sent by SMS; it shows the offer, and claims it
 *                  only with the offered person's verified session
 * @param reference the booking reference once claimed
 */
public record StandbyOffer(long id, long releaseId, long personId, String token, Status status, Instant offeredAt,
                           Instant expiresAt, Optional<String> reference) {

    public enum Status {
        OPEN, CLAIMED, EXPIRED
    }

    /** Whether it is open and its window has not passed at {@code now}. */
    public boolean claimableAt(Instant now) {
        return status == Status.OPEN && now.isBefore(expiresAt);
    }
}
