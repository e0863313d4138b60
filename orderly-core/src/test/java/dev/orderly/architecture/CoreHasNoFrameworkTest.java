package dev.orderly.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;

/**
 * Keeps the core a plain library: the JDK and nothing else, no adapter, driver or framework
 * creeping in, and no reading of the machine's clock or zone behind the injected {@link Clock}.
 */
class CoreHasNoFrameworkTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.orderly");

    static final ArchRule DEPENDS_ON_THE_JDK_ALONE = classes().that().resideInAPackage("dev.orderly..")
            .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "javax.crypto..", "dev.orderly..", "org.bouncycastle.crypto..")
            .because("the core holds the domain and its ports; adapters and frameworks live in other modules "
                    + "(Bouncy Castle's lightweight crypto API is a library of algorithms: Argon2id, which the JDK lacks)");

    static final ArchRule USES_NO_JDK_INTEGRATION = noClasses().that().resideInAPackage("dev.orderly..")
            .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "java.net.http..", "java.rmi..")
            .because("databases and remote calls are adapters' business");

    static final ArchRule READS_NO_CLOCK_BUT_THE_INJECTED_ONE = noClasses().that().resideInAPackage("dev.orderly..")
            .should().callMethod(Instant.class, "now")
            .orShould().callMethod(LocalDate.class, "now")
            .orShould().callMethod(LocalDate.class, "now", ZoneId.class)
            .orShould().callMethod(LocalDateTime.class, "now")
            .orShould().callMethod(LocalDateTime.class, "now", ZoneId.class)
            .orShould().callMethod(LocalTime.class, "now")
            .orShould().callMethod(LocalTime.class, "now", ZoneId.class)
            .orShould().callMethod(ZonedDateTime.class, "now")
            .orShould().callMethod(ZonedDateTime.class, "now", ZoneId.class)
            .orShould().callMethod(OffsetDateTime.class, "now")
            .orShould().callMethod(OffsetDateTime.class, "now", ZoneId.class)
            .orShould().callMethod(Clock.class, "systemUTC")
            .orShould().callMethod(Clock.class, "systemDefaultZone")
            .orShould().callMethod(Clock.class, "system", ZoneId.class)
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(Thread.class, "sleep", long.class)
            .orShould().callMethod(Thread.class, "sleep", long.class, int.class)
            .orShould().callMethod(Thread.class, "sleep", Duration.class)
            .because("time comes from the injected Clock alone, so that tests drive it instead of waiting");

    static final ArchRule READS_NO_DEFAULT_ZONE = noClasses().that().resideInAPackage("dev.orderly..")
            .should().callMethod(ZoneId.class, "systemDefault")
            .orShould().callMethod(TimeZone.class, "getDefault")
            .because("the calendar is Asia/Seoul whatever zone the JVM runs in");

    @Test
    void theCoreDependsOnTheJdkAlone() {
        DEPENDS_ON_THE_JDK_ALONE.check(CORE);
    }

    @Test
    void theCoreUsesNoDatabaseOrRemoteCallsOfTheJdk() {
        USES_NO_JDK_INTEGRATION.check(CORE);
    }

    @Test
    void theCoreNeverReadsTheSystemClockNorSleeps() {
        READS_NO_CLOCK_BUT_THE_INJECTED_ONE.check(CORE);
    }

    @Test
    void theCoreNeverConsultsTheJvmDefaultZone() {
        READS_NO_DEFAULT_ZONE.check(CORE);
    }

    @Test
    void theRulesSeeTheMainClassesAndNoTests() {
        assertThat(CORE.contain("dev.orderly.booking.InMemoryBookingStore")).isTrue();
        assertThat(CORE.contain("dev.orderly.gate.WaitingRoom")).isTrue();
        assertThat(CORE.contain("dev.orderly.time.MutableClock")).isFalse();
        assertThat(CORE.contain(CoreHasNoFrameworkTest.class.getName())).isFalse();
    }

    @Test
    void theRulesCatchAnOffender() {
        JavaClasses offender = new ClassFileImporter().importClasses(Offender.class);

        // java.sql lies under java..: that is what the second rule is for.
        assertThat(DEPENDS_ON_THE_JDK_ALONE.evaluate(offender).hasViolation()).isFalse();
        assertThat(USES_NO_JDK_INTEGRATION.evaluate(offender).hasViolation()).isTrue();
        assertThat(READS_NO_CLOCK_BUT_THE_INJECTED_ONE.evaluate(offender).hasViolation()).isTrue();
        assertThat(READS_NO_DEFAULT_ZONE.evaluate(offender).hasViolation()).isTrue();
    }

    /** Never run: only read by {@link #theRulesCatchAnOffender}. */
    static final class Offender {
        java.sql.Timestamp stamp() {
            return java.sql.Timestamp.from(Instant.now().atZone(ZoneId.systemDefault()).toInstant());
        }
    }
}
