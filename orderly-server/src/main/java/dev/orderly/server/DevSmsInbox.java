package dev.orderly.server;

import dev.orderly.identity.SmsGateway;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The SMS gateway of demo runs: instead of sending, keeps the last messages for the dev inbox
 * page, where a demo user reads their code, and the latest message to each of many phones, so
 * a load test (the surge tool) can read the code of each person it plays. Kept where every node
 * reads it ({@link dev.orderly.server.postgres.PostgresDevSmsInbox}): a code sent by one node is
 * shown by any other. Never used when demo mode is off.
 */
public interface DevSmsInbox extends SmsGateway {

    /** A message as the inbox page shows it: the phone masked, the text whole. */
    record Message(Instant at, String maskedPhone, String phoneLast4, String text) {
    }

    /** The newest messages first, about the last 200. */
    List<Message> messages();

    /** The latest message sent to {@code phone} (digits, as the registry holds it), if one is still kept. */
    Optional<Message> latestTo(String phone);
}
