package dev.orderly.server.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Keeps the server's layers apart: HTTP speaks to the core's ports, never to an adapter; each
 * adapter (PostgreSQL, Redis) stands alone, sharing only neutral helpers ({@code ..server.vertx..})
 * and codecs of the wiring ({@code ..server.gate..}); only the wiring ({@code OrderlyApp},
 * {@code Main} and their neighbours in {@code dev.orderly.server}) and the command-line tools
 * ({@code registry}, {@code bench}) know the adapters. So an outage, a store or a driver can be
 * changed behind a port without touching the routes.
 */
class ServerLayersTest {

    private static final String POSTGRES = "dev.orderly.server.postgres..";
    private static final String REDIS = "dev.orderly.server.redis..";

    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.orderly.server");

    static final ArchRule HTTP_KNOWS_NO_ADAPTER = noClasses().that().resideInAPackage("dev.orderly.server.http..")
            .should().dependOnClassesThat().resideInAnyPackage(POSTGRES, REDIS)
            .because("routes call the core's ports; which store answers is the wiring's choice");

    static final ArchRule POSTGRES_KNOWS_NOT_REDIS = noClasses().that().resideInAPackage(POSTGRES)
            .should().dependOnClassesThat().resideInAPackage(REDIS)
            .because("adapters never borrow from each other; shared plumbing lives in a neutral package");

    static final ArchRule REDIS_KNOWS_NOT_POSTGRES = noClasses().that().resideInAPackage(REDIS)
            .should().dependOnClassesThat().resideInAPackage(POSTGRES)
            .because("adapters never borrow from each other; shared plumbing lives in a neutral package");

    static final ArchRule ADAPTERS_KNOW_NO_HTTP = noClasses().that().resideInAnyPackage(POSTGRES, REDIS)
            .should().dependOnClassesThat().resideInAPackage("dev.orderly.server.http..")
            .because("adapters raise the ports' errors; HTTP alone turns them into status codes");

    static final ArchRule ONLY_THE_WIRING_KNOWS_THE_ADAPTERS = classes().that().resideInAnyPackage(POSTGRES, REDIS)
            .should().onlyHaveDependentClassesThat().resideInAnyPackage(POSTGRES, REDIS, "dev.orderly.server",
                    "dev.orderly.server.registry..", "dev.orderly.server.bench..")
            .because("OrderlyApp and Main wire the adapters to the ports; the tools (registry import, benchmark) open a database themselves");

    @Test
    void httpKnowsNoAdapter() {
        HTTP_KNOWS_NO_ADAPTER.check(SERVER);
    }

    @Test
    void adaptersNeverImportEachOther() {
        POSTGRES_KNOWS_NOT_REDIS.check(SERVER);
        REDIS_KNOWS_NOT_POSTGRES.check(SERVER);
    }

    @Test
    void adaptersKnowNoHttp() {
        ADAPTERS_KNOW_NO_HTTP.check(SERVER);
    }

    @Test
    void onlyTheWiringAndTheToolsKnowTheAdapters() {
        ONLY_THE_WIRING_KNOWS_THE_ADAPTERS.check(SERVER);
    }
}
