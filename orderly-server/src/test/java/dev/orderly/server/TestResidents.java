package dev.orderly.server;

import dev.orderly.server.demo.DemoData;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** The demo residents a test app was seeded with, resident numbers included (the app keeps only hashes). */
public final class TestResidents {

    private TestResidents() {
    }

    public static List<DemoData.Resident> of(Settings settings) {
        List<DemoData.Resident> all = new ArrayList<>();
        new DemoData(settings.demoSeed(), settings.demoPeople(), settings.demoClinics(), Clock.systemUTC()).forEachResident(all::add);
        return all;
    }

    /** What a person types on the verify page: name, birth date, phone as people write it. */
    public static JsonObject claimOf(DemoData.Resident r) {
        String p = r.phone();
        return new JsonObject().put("name", r.name()).put("birthDate", r.birthDate().toString())
                .put("phone", p.substring(0, 3) + "-" + p.substring(3, p.length() - 4) + "-" + p.substring(p.length() - 4));
    }
}
