package dev.orderly.assist;

import java.time.Instant;
import java.util.Objects;

/**
 * One change to a resident's reservation made by someone else: who, for whom, what and when.
 *
 * @param personId  whose reservation it is
 * @param reference the reservation's reference
 * @param action    {@link #BOOK}, {@link #CHANGE} or {@link #CANCEL}
 * @param actor     {@code agent:<login>} or {@code person:<id>} (a family member)
 * @param at        when
 */
public record OnBehalf(long personId, String reference, String action, String actor, Instant at) {

    public static final String BOOK = "book";
    public static final String CHANGE = "change";
    public static final String CANCEL = "cancel";

    public OnBehalf {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(at, "at");
        if (!action.equals(BOOK) && !action.equals(CHANGE) && !action.equals(CANCEL)) {
            throw new IllegalArgumentException("unknown action " + action);
        }
    }

    /** Whether a family member (another resident) acted, rather than the call centre. */
    public boolean byFamily() {
        return actor.startsWith("person:");
    }

    /**
     * The text message the resident gets about it, on their own phone: they learn that someone
     * else acted for them even if it was not what they agreed to.
     */
    public String notice() {
        String who = byFamily() ? "가족" : "콜센터 상담원";
        String whoEn = byFamily() ? "a family member" : "the call centre";
        String what = switch (action) {
            case BOOK -> "예약";
            case CHANGE -> "변경";
            default -> "취소";
        };
        String whatEn = switch (action) {
            case BOOK -> "booked";
            case CHANGE -> "changed";
            default -> "cancelled";
        };
        return "[Orderly] " + who + "이(가) 대신 " + what + "했습니다 " + reference + " / " + whoEn + " " + whatEn + " " + reference
                + " for you";
    }
}
