package dev.orderly.surge.scenario;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.orderly.surge.scenario.Scenario.Arrivals;
import dev.orderly.surge.scenario.Scenario.Behaviour;
import dev.orderly.surge.scenario.Scenario.Bots;
import dev.orderly.surge.scenario.Scenario.Capacity;
import dev.orderly.surge.scenario.Scenario.Cheaters;
import dev.orderly.surge.scenario.Scenario.Gates;
import dev.orderly.surge.scenario.Scenario.GiveUp;
import dev.orderly.surge.scenario.Scenario.Population;
import dev.orderly.surge.scenario.Scenario.Refreshers;
import dev.orderly.surge.scenario.Scenario.TabShare;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a scenario file, YAML ({@code .yaml}, {@code .yml}) or JSON ({@code .json}), into a
 * {@link Scenario}. Every field is optional (see {@link Scenario} for the defaults); unknown
 * fields, values of the wrong kind and values out of range are refused, all of them at once, each
 * problem naming its field path and line: {@code arrivals.halfLife: expected a duration like 90s,
 * got "soon" (line 7)}.
 *
 * <p>Design: Jackson reads the file twice, once as a token stream to note the line of every
 * value (its JSON pointer to line), once as a tree; the tree is then walked section by section,
 * each section refusing the keys it did not ask for.
 */
public final class ScenarioParser {
    /** The format of a scenario text. */
    public enum Format { YAML, JSON }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code file}, choosing the format by its extension. */
    public Scenario parse(Path file) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        Format format;
        if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
            format = Format.YAML;
        } else if (lower.endsWith(".json")) {
            format = Format.JSON;
        } else {
            throw new ScenarioException(file.toString(),
                    List.of("a scenario file must end in .yaml, .yml or .json"));
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ScenarioException(file.toString(), List.of("cannot read it: " + e));
        }
        return parse(text, format, file.toString());
    }

    /** Reads {@code text} in {@code format}; {@code source} names it in error messages. */
    public Scenario parse(String text, Format format, String source) {
        ObjectMapper mapper = format == Format.YAML ? YAML : JSON;
        JsonNode root;
        Map<String, Integer> lines;
        try {
            lines = lines(mapper.getFactory(), text);
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new ScenarioException(source, List.of("not valid " + format + where + ": "
                    + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ScenarioException(source, List.of("cannot read it: " + e));
        }
        List<String> problems = new ArrayList<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = MissingNode.getInstance();
        } else if (!root.isObject()) {
            throw new ScenarioException(source, List.of("expected a mapping of fields at the top (name, scale, "
                    + "population, arrivals, ...), got " + describe(root)));
        }
        Scenario scenario = read(new Section("", root, lines, problems));
        if (!problems.isEmpty()) {
            throw new ScenarioException(source, problems);
        }
        return scenario;
    }

    private static Scenario read(Section top) {
        Scenario d = Scenario.defaults();
        String name = top.text("name", d.name());
        double scale = top.positive("scale", d.scale());
        Duration duration = top.positiveDuration("duration", d.duration());
        Population population = population(top.section("population"));
        Arrivals arrivals = arrivals(top.section("arrivals"));
        Behaviour behaviour = behaviour(top.section("behaviour"));
        Cheaters cheaters = cheaters(top.section("cheaters"));
        Bots bots = bots(top.section("bots"));
        Gates gates = gates(top.section("gates"));
        Capacity capacity = capacity(top.section("capacity"));
        top.finish();
        if (top.problems.isEmpty() && duration.compareTo(arrivals.preQueue()) <= 0) {
            top.problem("duration", "must be longer than arrivals.preQueue ("
                    + Durations.format(arrivals.preQueue()) + ") so that the gates open during the run, got "
                    + Durations.format(duration));
        }
        if (!top.problems.isEmpty()) {
            return d;
        }
        return new Scenario(name, scale, duration, population, arrivals, behaviour, cheaters, bots,
                gates, capacity);
    }

    private static Population population(Section s) {
        Population d = Population.DEFAULT;
        long eligible = s.count("eligible", d.eligible());
        double notEligible = s.share("notEligibleShare", d.notEligibleShare());
        if (notEligible >= 1.0) {
            s.problem("notEligibleShare", "must be below 1 (some people must be eligible), got " + notEligible);
        }
        List<TabShare> tabs = s.has("tabs") ? tabs(s, "tabs") : d.tabs();
        double otherDevice = s.share("otherDeviceShare", d.otherDeviceShare());
        s.finish();
        return new Population(eligible, notEligible, tabs, otherDevice);
    }

    private static List<TabShare> tabs(Section s, String key) {
        JsonNode node = s.node.get(key);
        String path = s.path(key);
        if (!node.isObject() || node.isEmpty()) {
            s.problemAt(path, "expected a mapping of tab counts to shares like {1: 0.35, 2: 0.25, 4: 0.25, 8: 0.15}, got "
                    + describe(node));
            return Population.DEFAULT.tabs();
        }
        List<TabShare> tabs = new ArrayList<>();
        double sum = 0;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String p = path + "." + e.getKey();
            int count;
            try {
                count = Integer.parseInt(e.getKey().strip());
            } catch (NumberFormatException ex) {
                s.problemAt(p, "expected a whole number of tabs (1, 2, 4, ...) as the key, got \"" + e.getKey() + "\"");
                continue;
            }
            if (count < 1 || count > 64) {
                s.problemAt(p, "a person opens 1 to 64 tabs, got " + count);
                continue;
            }
            if (!e.getValue().isNumber()) {
                s.problemAt(p, "expected a share between 0 and 1, got " + describe(e.getValue()));
                continue;
            }
            double share = e.getValue().asDouble();
            if (!(share >= 0 && share <= 1)) {
                s.problemAt(p, "expected a share between 0 and 1, got " + share);
                continue;
            }
            sum += share;
            tabs.add(new TabShare(count, share));
        }
        if (tabs.size() == node.size() && Math.abs(sum - 1.0) > 1e-3) {
            s.problemAt(path, "the shares must add up to 1, they add up to " + round(sum));
        }
        tabs.sort((a, b) -> Integer.compare(a.tabs(), b.tabs()));
        return tabs;
    }

    private static Arrivals arrivals(Section s) {
        Arrivals d = Arrivals.DEFAULT;
        Duration preQueue = s.duration("preQueue", d.preQueue());
        double before = s.share("beforeOpening", d.beforeOpening());
        Duration halfLife = s.positiveDuration("halfLife", d.halfLife());
        Duration window = s.positiveDuration("window", d.window());
        s.finish();
        return new Arrivals(preQueue, before, halfLife, window);
    }

    private static Behaviour behaviour(Section s) {
        Behaviour d = Behaviour.DEFAULT;
        Duration think = s.duration("thinkTime", d.thinkTime());
        Section r = s.section("refreshers");
        Refreshers refreshers = new Refreshers(r.share("share", d.refreshers().share()),
                r.positiveDuration("interval", d.refreshers().interval()));
        r.finish();
        Section g = s.section("giveUp");
        GiveUp giveUp = new GiveUp(g.share("share", d.giveUp().share()),
                g.positiveDuration("patience", d.giveUp().patience()));
        g.finish();
        int attempts = (int) s.countBetween("bookingAttempts", d.bookingAttempts(), 1, 100);
        s.finish();
        return new Behaviour(think, refreshers, giveUp, attempts);
    }

    private static Cheaters cheaters(Section s) {
        Cheaters d = Cheaters.DEFAULT;
        Cheaters c = new Cheaters(
                s.share("clockSkew", d.clockSkew()),
                s.share("replayTicket", d.replayTicket()),
                s.share("forgeTicket", d.forgeTicket()),
                s.share("directBooking", d.directBooking()),
                s.share("airplane", d.airplane()),
                s.positiveDuration("airplaneOffline", d.airplaneOffline()));
        if (c.total() > 1.0 + 1e-9) {
            s.problemAt(s.path, "the cheater shares add up to " + round(c.total()) + ", more than everyone");
        }
        s.finish();
        return c;
    }

    private static Bots bots(Section s) {
        Bots d = Bots.DEFAULT;
        Bots b = new Bots(s.count("count", d.count()), s.positive("rate", d.rate()));
        s.finish();
        return b;
    }

    private static Gates gates(Section s) {
        Gates d = Gates.DEFAULT;
        Gates g = new Gates(s.positive("identityRate", d.identityRate()),
                s.positive("bookingRate", d.bookingRate()), s.bool("configure", d.configure()));
        s.finish();
        return g;
    }

    private static Capacity capacity(Section s) {
        Capacity d = Capacity.DEFAULT;
        Capacity c = new Capacity(
                (int) s.countBetween("nodes", d.nodes(), 1, 10_000),
                s.positive("joinPerNode", d.joinPerNode()),
                s.positive("statusPerNode", d.statusPerNode()),
                s.positive("otherPerNode", d.otherPerNode()),
                s.positive("redisOps", d.redisOps()),
                s.positive("postgresBookings", d.postgresBookings()),
                s.positive("identityVerifications", d.identityVerifications()));
        s.finish();
        return c;
    }

    /** The line of every value, by JSON pointer ({@code /arrivals/halfLife}). */
    private static Map<String, Integer> lines(JsonFactory factory, String text) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.FIELD_NAME && t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
                    lines.putIfAbsent(p.getParsingContext().pathAsPointer().toString(),
                            p.currentTokenLocation().getLineNr());
                }
            }
        }
        return lines;
    }

    private static String describe(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "nothing (leave the field out for its default)";
        }
        if (node.isTextual()) {
            return "\"" + node.asText() + "\"";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.toString();
    }

    private static String round(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    /** One mapping of the file: reads the fields asked for, then refuses the rest. */
    private static final class Section {
        final String path;
        final JsonNode node;
        final Map<String, Integer> lines;
        final List<String> problems;
        final Set<String> asked = new LinkedHashSet<>();

        Section(String path, JsonNode node, Map<String, Integer> lines, List<String> problems) {
            this.path = path;
            this.node = node;
            this.lines = lines;
            this.problems = problems;
        }

        String path(String key) {
            return path.isEmpty() ? key : path + "." + key;
        }

        boolean has(String key) {
            asked.add(key);
            return node.has(key);
        }

        Section section(String key) {
            if (!has(key)) {
                return new Section(path(key), MissingNode.getInstance(), lines, problems);
            }
            JsonNode child = node.get(key);
            if (!child.isObject()) {
                problem(key, "expected a mapping of fields, got " + describe(child));
                return new Section(path(key), MissingNode.getInstance(), lines, problems);
            }
            return new Section(path(key), child, lines, problems);
        }

        String text(String key, String fallback) {
            if (!has(key)) {
                return fallback;
            }
            JsonNode v = node.get(key);
            if (!v.isTextual() || v.asText().isBlank()) {
                problem(key, "expected some text, got " + describe(v));
                return fallback;
            }
            return v.asText();
        }

        boolean bool(String key, boolean fallback) {
            if (!has(key)) {
                return fallback;
            }
            JsonNode v = node.get(key);
            if (!v.isBoolean()) {
                problem(key, "expected true or false, got " + describe(v));
                return fallback;
            }
            return v.asBoolean();
        }

        double number(String key, double fallback, String expected) {
            JsonNode v = node.get(key);
            if (!v.isNumber()) {
                problem(key, "expected " + expected + ", got " + describe(v));
                return fallback;
            }
            return v.asDouble();
        }

        double share(String key, double fallback) {
            if (!has(key)) {
                return fallback;
            }
            double v = number(key, fallback, "a share between 0 and 1");
            if (!(v >= 0 && v <= 1)) {
                problem(key, "expected a share between 0 and 1, got " + v);
                return fallback;
            }
            return v;
        }

        double positive(String key, double fallback) {
            if (!has(key)) {
                return fallback;
            }
            double v = number(key, fallback, "a number above 0");
            if (!(v > 0) || Double.isInfinite(v)) {
                problem(key, "expected a number above 0, got " + v);
                return fallback;
            }
            return v;
        }

        long count(String key, long fallback) {
            return countBetween(key, fallback, 0, Long.MAX_VALUE);
        }

        long countBetween(String key, long fallback, long min, long max) {
            if (!has(key)) {
                return fallback;
            }
            JsonNode v = node.get(key);
            String expected = max == Long.MAX_VALUE ? "a whole number from " + min
                    : "a whole number from " + min + " to " + max;
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                problem(key, "expected " + expected + ", got " + describe(v));
                return fallback;
            }
            long n = v.asLong();
            if (n < min || n > max) {
                problem(key, "expected " + expected + ", got " + n);
                return fallback;
            }
            return n;
        }

        Duration duration(String key, Duration fallback) {
            if (!has(key)) {
                return fallback;
            }
            JsonNode v = node.get(key);
            Optional<Duration> parsed = v.isTextual() ? Durations.parse(v.asText()) : Optional.empty();
            if (parsed.isEmpty()) {
                problem(key, "expected a duration like 90s, 10m or 500ms, got " + describe(v));
                return fallback;
            }
            return parsed.get();
        }

        Duration positiveDuration(String key, Duration fallback) {
            Duration d = duration(key, fallback);
            if (d.isZero()) {
                problem(key, "must be longer than 0, got " + node.get(key).asText());
                return fallback;
            }
            return d;
        }

        void finish() {
            if (!node.isObject()) {
                return;
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!asked.contains(key)) {
                    problem(key, "unknown field" + (path.isEmpty() ? "" : " in " + path)
                            + "; known fields: " + String.join(", ", asked));
                }
            }
        }

        void problem(String key, String message) {
            problemAt(path(key), message);
        }

        void problemAt(String fieldPath, String message) {
            String ptr = "/" + fieldPath.replace('.', '/');
            Integer line = lines.get(ptr);
            problems.add(fieldPath + ": " + message + (line == null ? "" : " (line " + line + ")"));
        }
    }
}
