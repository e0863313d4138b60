package dev.orderly.server.postgres;

import dev.orderly.booking.StoreAnswer;

/** What became of one booking command in a transaction: the store's answer, or the failure it met. */
sealed interface CommandResult {

    /** The answer, or the failure thrown. */
    StoreAnswer answerOrThrow();

    record Answered(StoreAnswer answer) implements CommandResult {
        @Override
        public StoreAnswer answerOrThrow() {
            return answer;
        }
    }

    record Failed(RuntimeException error) implements CommandResult {
        @Override
        public StoreAnswer answerOrThrow() {
            throw error;
        }
    }
}
