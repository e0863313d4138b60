package dev.orderly.identity;

import java.util.Set;

/**
 * Port: one way for a person to prove who they are, ending in a resident of the registry.
 *
 * <p>Orderly ships one provider, {@link OneTimeCodeVerifier} (a six-digit code by SMS to the
 * phone the registry holds). A real provider (a mobile carrier's authentication, a joint or
 * financial certificate, a Kakao- or Naver-style login) plugs in by implementing this interface
 * and being listed, with a gate of its own, in {@link IdentityProviders}. Everything around the
 * proof is done by Orderly, for every provider alike: the waiting room in front of it, rate
 * limits, the session cookie, one session per person, and keeping personal data out of logs.
 *
 * <h2>The exchange</h2>
 * <ol>
 *   <li>{@link #start}: the person, holding a pass of the provider's gate, sends the claim fields
 *       the provider asks for ({@link #claimFields}; none for a provider that finds out by itself).
 *       The provider opens a challenge and answers with what the browser must do next:
 *       {@link Verification.CodeSent} (a code is on its way to a phone) or
 *       {@link Verification.Redirect} (send the browser to the provider's page or app; it comes
 *       back with a response), or says why not ({@link Verification.NoMatch},
 *       {@link Verification.TooManyChallenges}, {@link Verification.NotSent}).</li>
 *   <li>{@link #check}: the browser returns the challenge id and the provider's response (the
 *       code typed, or the token the provider's page handed back). The provider checks it and
 *       answers {@link Verification.Verified} with the {@code Person} from the registry, or why
 *       not.</li>
 * </ol>
 *
 * <h2>What an implementation must do</h2>
 * <ul>
 *   <li>Match against {@code dev.orderly.registry.ResidentRegistry}: by name, birth date and phone
 *       ({@code find}) or by resident registration number ({@code byResidentNumber}) when the
 *       provider learns it. Verified means "this registry resident", never just "someone".</li>
 *   <li>Make every challenge single-use, expiring, and dead after a few wrong responses; compare
 *       secrets in constant time; take time from an injected {@code Clock}.</li>
 *   <li>Be safe for concurrent use, and tolerate a response arriving on another node than the
 *       start: keep challenges in a shared store (as {@link ChallengeStore} does).</li>
 *   <li>Never put a resident number, a whole phone number, a code or a provider token into an
 *       exception message or a result's {@code toString}: they end up in logs.</li>
 *   <li>Return expected outcomes as values; throw only for bugs and broken infrastructure. A
 *       provider that cannot be reached answers {@link Verification.NotSent}.</li>
 * </ul>
 *
 * <h2>Capacity</h2>
 * The provider's capacity (people per second it can verify, from its contract or measurement)
 * is the admission rate of its gate ({@link IdentityProviders.Method}): people queue in front of
 * the provider instead of overloading it, and people who chose a slow method do not hold up those
 * who chose a fast one.
 */
public interface IdentityProvider {

    /** The provider's name in URLs and metrics: 1-32 of a-z 0-9 -. */
    String name();

    /** The fields the person types before {@link #start}; empty when the provider needs none. */
    Set<Claim.Field> claimFields();

    /** Opens a challenge for the person making {@code claim}. */
    Verification.Started start(Claim claim);

    /**
     * Checks the provider's {@code response} to challenge {@code challengeId}.
     *
     * @param response the code typed, or the token the provider handed back; may be null
     */
    Verification.Checked check(String challengeId, String response);
}
