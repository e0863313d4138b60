package dev.orderly.assist;

import java.time.Instant;
import java.util.Objects;

/**
 * Someone acting for a resident: a call-centre agent on the phone with them, or a family member.
 * It starts pending, when a code is sent to the resident's own phone, and becomes confirmed when
 * the code the resident read out (or typed on the helper's page) is right; from then on it lasts a
 * fixed, short time.
 *
 * @param binding     what the helper's requests carry that names this: a digest of the agent's staff
 *                    session, or the helper's own person id; one per binding
 * @param actor       who acts, for the record ({@code agent:<login>} or {@code person:<id>})
 * @param personId    the resident acted for
 * @param challengeId the one-time-code challenge sent to the resident; only its answer confirms
 * @param confirmed   whether the resident's code was accepted
 * @param startedAt   when the code was sent (pending) or accepted (confirmed)
 * @param expiresAt   nothing is done for the resident at or after this instant
 */
public record Assisted(String binding, String actor, long personId, String challengeId, boolean confirmed, Instant startedAt,
                       Instant expiresAt) {

    public Assisted {
        Objects.requireNonNull(binding, "binding");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(challengeId, "challengeId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!expiresAt.isAfter(startedAt)) {
            throw new IllegalArgumentException("an assisted session must end after it starts");
        }
    }
}
