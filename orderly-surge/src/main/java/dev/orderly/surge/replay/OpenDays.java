package dev.orderly.surge.replay;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The clinic-days with places left in a clinic search's answer, as a booking page offers them. */
public final class OpenDays {

    private OpenDays() {
    }

    /** Each open clinic-day of {@code searchAnswer} as {@code {clinicId, day, product}}. */
    public static List<JsonObject> of(JsonObject searchAnswer) {
        List<JsonObject> open = new ArrayList<>();
        JsonArray clinics = searchAnswer.getJsonArray("clinics", new JsonArray());
        for (int i = 0; i < clinics.size(); i++) {
            JsonObject c = clinics.getJsonObject(i);
            JsonArray days = c.getJsonArray("days", new JsonArray());
            for (int d = 0; d < days.size(); d++) {
                JsonObject day = days.getJsonObject(d);
                if (day.getInteger("remaining", 0) > 0) {
                    open.add(new JsonObject().put("clinicId", c.getLong("id")).put("day", day.getString("day"))
                            .put("product", day.getString("product")));
                }
            }
        }
        return open;
    }
}
