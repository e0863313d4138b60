package dev.orderly.server.http;

import dev.orderly.staff.Role;
import dev.orderly.staff.StaffAccounts;
import dev.orderly.standby.Release;
import dev.orderly.standby.StandbyService;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The audit entry of a release Orderly made itself from no-shows: the same action and target as a
 * clinic's release ({@code leftovers.release}), by the actor {@code system} from no address.
 */
public final class NoShowReleaseAudit implements Consumer<StandbyService.ReleaseOutcome.Released> {

    private static final Actor SYSTEM = new Actor(StaffAccounts.RESERVED_LOGIN, Role.OPERATOR, Set.of(), "-");

    private final AuditTrail audit;

    public NoShowReleaseAudit(HttpApi api) {
        this.audit = api.audit();
    }

    @Override
    public void accept(StandbyService.ReleaseOutcome.Released r) {
        Release release = r.release();
        JsonObject after = StandbyRoutes.releaseJson(release).put("offered", r.firstRound().offered().size()).put("from", "no-shows");
        audit.record(SYSTEM, "leftovers.release", "clinic:" + release.clinicId() + "/leftovers/" + release.id(), null, after);
    }
}
