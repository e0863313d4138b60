package dev.orderly.staff;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

class Argon2idPasswordsProperties {

    private final Argon2idPasswords passwords = new Argon2idPasswords(Argon2idPasswordsTest.CHEAP, new SecureRandom(), 2);

    @Property(tries = 60)
    void aPasswordVerifiesAgainstItsHashAndNoOtherPasswordDoes(@ForAll @StringLength(max = 80) String password,
                                                              @ForAll @StringLength(max = 80) String other) {
        String hash = passwords.hash(password);

        assertThat(passwords.verify(password, hash)).isTrue();
        // Passwords are hashed as UTF-8: two strings are one password when their bytes are (unpaired surrogates).
        assertThat(passwords.verify(other, hash)).isEqualTo(java.util.Arrays.equals(other.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                password.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
