package dev.orderly.bench;

import dev.orderly.gate.AdmissionPolicy;
import dev.orderly.gate.DownstreamHealth;
import dev.orderly.gate.GateConfig;
import dev.orderly.gate.GateMode;
import dev.orderly.gate.GateStatus;
import dev.orderly.gate.GateTokens;
import dev.orderly.gate.InMemoryGateStore;
import dev.orderly.gate.Pass;
import dev.orderly.gate.PreQueueOrder;
import dev.orderly.gate.Ticket;
import dev.orderly.gate.WaitingRoom;
import dev.orderly.server.gate.JwtPassSigner;
import dev.orderly.token.SigningKeys;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gate's hot paths on one thread: signing and verifying tickets, joining (counter + signed
 * ticket), a waiting person's status (verify + compare with the cached mark), a pre-queue rank,
 * and signing and verifying an ES256 pass.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GateBenchmark {

    private GateTokens tokens;
    private Ticket ticket;
    private String ticketToken;
    private WaitingRoom room;
    private String waitingToken;
    private PreQueueOrder order;
    private JwtPassSigner passes;
    private Pass pass;
    private String passToken;
    private final SplittableRandom random = new SplittableRandom(1);

    @Setup
    public void setUp() {
        SecureRandom secure = new SecureRandom();
        SigningKeys keys = SigningKeys.random("k1", secure);
        tokens = new GateTokens(keys);
        Instant now = Instant.parse("2021-07-26T11:00:00Z");
        ticket = new Ticket("identity", 1_234_567, now, "AbCdEfGhIjKlMnOpQrStUvWx", "");
        ticketToken = tokens.encode(ticket);
        passes = new JwtPassSigner(JwtPassSigner.generateKeys());
        Clock clock = Clock.fixed(now.plusSeconds(1), java.time.ZoneOffset.UTC);
        room = new WaitingRoom(new InMemoryGateStore(), tokens, passes, clock, secure, g -> DownstreamHealth.UNKNOWN);
        room.configure(new GateConfig("identity", now, now, new AdmissionPolicy.FixedRate(1000), Duration.ofMinutes(10), false,
                GateMode.ACTIVE, "", GateConfig.DEFAULT_MAX_POLL));
        room.tick();
        // Someone far back, who stays waiting: the common status answer.
        for (int i = 0; i < 10; i++) {
            room.join("identity", "AbCdEfGhIjKlMnOpQrStUvWx", null);
        }
        waitingToken = ((WaitingRoom.Joined) room.join("identity", "AbCdEfGhIjKlMnOpQrStUvWx", null)).token();
        order = new PreQueueOrder(new byte[32], 3_000_000);
        pass = new Pass("identity", 42, "AbCdEfGhIjKlMnOpQrStUvWx", "", now, now.plusSeconds(600));
        passToken = passes.sign(pass);
    }

    @Benchmark
    public String ticketSign() {
        return tokens.encode(ticket);
    }

    @Benchmark
    public Object ticketVerify() {
        return tokens.decodeTicket(ticketToken);
    }

    @Benchmark
    public Object join() {
        return room.join("identity", "AbCdEfGhIjKlMnOpQrStUvWx", null);
    }

    @Benchmark
    public GateStatus statusWhileWaiting() {
        return room.status("identity", waitingToken, "AbCdEfGhIjKlMnOpQrStUvWx");
    }

    @Benchmark
    public long preQueueRank() {
        return order.rankOf(1 + random.nextLong(3_000_000));
    }

    @Benchmark
    public String passSign() {
        return passes.sign(pass);
    }

    @Benchmark
    public Object passVerify() {
        return passes.verify(passToken);
    }
}
