package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.privacy.EncryptionKeys;
import dev.orderly.privacy.FieldCipher;
import dev.orderly.staff.StaffStore;
import dev.orderly.staff.StaffStoreContract;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresStaffStoreIT extends StaffStoreContract {

    private static PostgresTestDatabase db;
    private static final FieldCipher CIPHER = new FieldCipher(EncryptionKeys.random("t1", new SecureRandom()), "staff-totp",
            new SecureRandom());

    @BeforeAll
    static void start() {
        db = PostgresTestDatabase.start();
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    @Override
    protected StaffStore newStore() {
        db.sql("TRUNCATE staff_sessions, staff_accounts, staff_unknown_logins CASCADE");
        return new PostgresStaffStore(db.database().pool(), CIPHER);
    }

    @Test
    void theTotpSecretIsStoredSealedOnly() {
        StaffStore store = newStore();
        store.create(kim());

        assertThat(db.count("SELECT count(*) FROM staff_accounts WHERE position(convert_to('" + kim().totpSecret()
                + "', 'UTF8') in totp_sealed) > 0")).isZero();
        assertThat(db.count("SELECT count(*) FROM staff_accounts WHERE totp_key_id = 't1'")).isEqualTo(1);
    }
}
