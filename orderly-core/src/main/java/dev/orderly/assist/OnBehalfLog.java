package dev.orderly.assist;

import java.util.List;

/**
 * Port: the record of what was done for residents by others. An adapter that can send text
 * messages also tells the resident ({@link OnBehalf#notice()}), in the same transaction as the record.
 */
public interface OnBehalfLog {

    void record(OnBehalf entry);

    /** What was done for {@code personId}, newest first, at most {@code limit}. */
    List<OnBehalf> of(long personId, int limit);
}
