package dev.orderly.standby;

import java.time.LocalDate;

/** The system's release of a clinic's day and product was made already (by this node or another). */
public final class AlreadyReleasedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AlreadyReleasedException(long clinicId, String product, LocalDate day) {
        super("the system already released " + product + " at clinic " + clinicId + " on " + day, null, false, false);
    }
}
