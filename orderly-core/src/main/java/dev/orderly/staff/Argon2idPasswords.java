package dev.orderly.staff;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Staff passwords hashed with Argon2id (RFC 9106), kept as one PHC string that carries its own
 * parameters and salt: {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (unpadded base64).
 * A hash made with other parameters still verifies, so the parameters can change without a reset.
 *
 * <p>Each hash takes {@code m} KiB of memory and most of a core for some tens of milliseconds; at
 * most {@code concurrent} run at once, so a flood of sign-in attempts waits in line instead of
 * taking the server's memory and both its cores.
 */
public final class Argon2idPasswords {

    /**
     * Argon2id cost. {@link #DEFAULT} is OWASP's first recommendation (19 MiB, 2 passes, 1 lane):
     * one lane leaves the second core of a two-core node to the requests.
     */
    public record Parameters(int memoryKiB, int iterations, int parallelism) {
        public static final Parameters DEFAULT = new Parameters(19 * 1024, 2, 1);

        public Parameters {
            if (memoryKiB < 8 * parallelism || iterations < 1 || parallelism < 1 || memoryKiB > 4 * 1024 * 1024 || iterations > 100
                    || parallelism > 16) {
                throw new IllegalArgumentException("Argon2id parameters out of range: m=" + memoryKiB + " t=" + iterations + " p=" + parallelism);
            }
        }
    }

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private final Parameters parameters;
    private final SecureRandom random;
    private final Semaphore running;
    private final String dummy;

    public Argon2idPasswords(Parameters parameters, SecureRandom random, int concurrent) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.random = Objects.requireNonNull(random, "random");
        this.running = new Semaphore(concurrent, true);
        this.dummy = hash("a password no account has: it only makes an unknown login cost what a known one does");
    }

    /** The PHC string of {@code password} with a fresh salt. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, parameters, HASH_BYTES);
        return "$argon2id$v=19$m=" + parameters.memoryKiB() + ",t=" + parameters.iterations() + ",p=" + parameters.parallelism()
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Whether {@code password} is the one hashed into {@code phc}; false for a string that is not a PHC Argon2id hash. */
    public boolean verify(String password, String phc) {
        Matcher m = phc == null ? null : PHC.matcher(phc);
        if (m == null || !m.matches()) {
            return false;
        }
        Parameters p;
        byte[] salt;
        byte[] expected;
        try {
            p = new Parameters(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            salt = B64D.decode(m.group(4));
            expected = B64D.decode(m.group(5));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(derive(password, salt, p, expected.length), expected);
    }

    /** Does the work of one {@link #verify} and answers nothing: for a login that has no account. */
    public void verifyDummy(String password) {
        verify(password, dummy);
    }

    public Parameters parameters() {
        return parameters;
    }

    private byte[] derive(String password, byte[] salt, Parameters p, int length) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(p.memoryKiB()).withIterations(p.iterations()).withParallelism(p.parallelism()).withSalt(salt).build());
        byte[] out = new byte[length];
        byte[] secret = (password == null ? "" : password).getBytes(StandardCharsets.UTF_8);
        running.acquireUninterruptibly();
        try {
            generator.generateBytes(secret, out);
        } finally {
            running.release();
            java.util.Arrays.fill(secret, (byte) 0);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Argon2idPasswords[" + parameters + "]";
    }
}
