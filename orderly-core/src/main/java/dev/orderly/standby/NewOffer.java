package dev.orderly.standby;

import java.time.Instant;

/** An offer to make in a round: to whom, under which token, until when, and the SMS that tells them. */
public record NewOffer(long personId, String token, Instant expiresAt, String sms) {
}
