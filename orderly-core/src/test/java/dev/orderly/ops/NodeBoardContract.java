package dev.orderly.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every node board does, whatever holds it. */
public abstract class NodeBoardContract {

    private static final Instant T = Instant.parse("2021-07-26T11:00:00Z");
    private static final Duration FRESH = Duration.ofSeconds(5);

    /** An empty board. */
    protected abstract NodeBoard newBoard();

    @Test
    void aNodeThatStoppedPostingDropsOutAndItsLatestPostReplacesTheEarlier() {
        NodeBoard board = newBoard();
        board.post("a", Map.of("joins|identity", 10.0), T);
        board.post("a", Map.of("joins|identity", 12.5), T.plusSeconds(1));
        board.post("b", Map.of("joins|identity", 7.0, "http|503", 0.5), T.plusSeconds(1));
        Map<String, NodeBoard.Post> fresh = board.fresh(T.plusSeconds(2), FRESH);
        assertThat(fresh).containsOnlyKeys("a", "b");
        assertThat(fresh.get("a").ratesPerSecond()).containsExactlyEntriesOf(Map.of("joins|identity", 12.5));
        assertThat(fresh.get("b").ratesPerSecond()).containsEntry("http|503", 0.5);
        assertThat(fresh.get("b").at()).isEqualTo(T.plusSeconds(1));

        board.post("a", Map.of(), T.plusSeconds(9));
        assertThat(board.fresh(T.plusSeconds(9), FRESH)).containsOnlyKeys("a");
    }

    @Test
    void aPostFromFarAheadOfTheReadersClockIsNotCountedAsUp() {
        NodeBoard board = newBoard();
        board.post("skewed", Map.of(), T.plus(Duration.ofMinutes(10)));
        assertThat(board.fresh(T, FRESH)).isEmpty();
    }
}
