package dev.orderly.server.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orderly.booking.BookingRequest;
import dev.orderly.booking.BookingScenarios;
import dev.orderly.booking.ChangeRequest;
import dev.orderly.booking.InMemoryBookingStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The booking scenarios against PostgreSQL: one request at a time through the default engine, and
 * the same requests committed as one batch, which must answer exactly as the memory store answers
 * them one by one and leave the same state.
 */
class PostgresBookingInvariantsPropertiesIT {

    private static PostgresTestDatabase db;

    @BeforeContainer
    static void start() {
        db = PostgresTestDatabase.start();
    }

    @AfterContainer
    static void stop() {
        db.close();
    }

    @Property(tries = 25)
    void requestsOneAtATimeAnswerAsTheModelAndKeepEveryInvariant(@ForAll("scenarios") BookingScenarios.Scenario scenario) {
        db.truncate();
        try (PostgresBookingStore store = new PostgresBookingStore(db.pool(), PostgresBookingStore.Engine.BATCHED, 2, 64)) {
            BookingScenarios.play(scenario, store);
            db.assertConsistent(store);
        }
    }

    @Property(tries = 40)
    void aBatchAnswersAsTheRequestsOneByOneAndLeavesTheSameState(@ForAll("scenarios") BookingScenarios.Scenario scenario) {
        db.truncate();
        InMemoryBookingStore reference = new InMemoryBookingStore();
        BookingScenarios.setUp(scenario, reference);
        try (PostgresBookingStore store = new PostgresBookingStore(db.pool(), PostgresBookingStore.Engine.LOCK_ROWS, 1, 1)) {
            BookingScenarios.setUp(scenario, store);
            List<BookingCommand> commands = commands(scenario);
            List<CommandResult> expected = new ArrayList<>();
            for (BookingCommand c : commands) {
                expected.add(new CommandResult.Answered(switch (c) {
                    case BookingCommand.Book b -> reference.book(b.request(), b.key(), b.reference(), b.now());
                    case BookingCommand.Change ch -> reference.change(ch.request(), ch.key(), ch.now());
                    case BookingCommand.Cancel x -> reference.cancel(x.personId(), x.key(), x.now());
                }));
            }

            List<CommandResult> actual = new BookingTransaction(db.pool(), new BookingMetrics()).run(commands);

            assertThat(actual).isEqualTo(expected);
            for (long person = 1; person <= 12; person++) {
                assertThat(store.active(person)).as("person %d", person).isEqualTo(reference.active(person));
            }
            for (long clinic = 1; clinic <= scenario.clinics(); clinic++) {
                assertThat(store.capacity(clinic, BookingScenarios.FIRST_DAY, BookingScenarios.DAYS))
                        .isEqualTo(reference.capacity(clinic, BookingScenarios.FIRST_DAY, BookingScenarios.DAYS));
            }
            assertThat(db.count("SELECT count(*) FROM outbox")).isEqualTo(reference.outbox().size());
            db.assertConsistent(store);
        }
    }

    private static List<BookingCommand> commands(BookingScenarios.Scenario scenario) {
        List<BookingScenarios.Op> keyed = new ArrayList<>();
        List<BookingCommand> commands = new ArrayList<>();
        int step = 0;
        for (BookingScenarios.Op op : scenario.ops()) {
            step++;
            Instant now = BookingScenarios.START.plusSeconds(step);
            BookingScenarios.Op sent = op instanceof BookingScenarios.Op.Retry r ? (keyed.isEmpty() ? null : keyed.get(r.n() % keyed.size())) : op;
            if (sent == null) {
                continue;
            }
            BookingCommand command = switch (sent) {
                case BookingScenarios.Op.Book b -> new BookingCommand.Book(new BookingRequest(b.person(), b.clinic(),
                        BookingScenarios.FIRST_DAY.plusDays(b.day()), b.product(), BookingScenarios.groupOf(b.person())), b.key(), "OR-P" + step, now);
                case BookingScenarios.Op.MoveDose1 m -> new BookingCommand.Change(new ChangeRequest.MoveDose1(m.person(), m.clinic(),
                        BookingScenarios.FIRST_DAY.plusDays(m.day()), m.product(), BookingScenarios.groupOf(m.person())), m.key(), now);
                case BookingScenarios.Op.MoveDose2 m -> new BookingCommand.Change(new ChangeRequest.MoveDose2(m.person(),
                        BookingScenarios.FIRST_DAY.plusDays(m.day()), BookingScenarios.groupOf(m.person())), m.key(), now);
                case BookingScenarios.Op.Cancel c -> new BookingCommand.Cancel(c.person(), c.key(), now);
                case BookingScenarios.Op.Retry r -> throw new AssertionError();
            };
            commands.add(command);
            if (command.key() != null) {
                keyed.add(sent);
            }
        }
        return commands;
    }

    @Provide
    Arbitrary<BookingScenarios.Scenario> scenarios() {
        return BookingScenarios.scenarios(40);
    }

}
