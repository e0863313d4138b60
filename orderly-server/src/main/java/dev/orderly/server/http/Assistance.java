package dev.orderly.server.http;

import dev.orderly.assist.AssistedSessions;
import dev.orderly.assist.OnBehalfLog;
import dev.orderly.identity.OneTimeCodeVerifier;

/**
 * What acting for another resident needs (the call centre, family members): the SMS code
 * provider, whose challenges, caps and tries the consent codes share; the assisted sessions; the
 * record of what was done on residents' behalf.
 */
public record Assistance(OneTimeCodeVerifier codes, AssistedSessions sessions, OnBehalfLog onBehalf) {
}
