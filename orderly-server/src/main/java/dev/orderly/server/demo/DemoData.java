package dev.orderly.server.demo;

import dev.orderly.booking.Product;
import dev.orderly.eligibility.BookingWindow;
import dev.orderly.eligibility.Cohort;
import dev.orderly.registry.RegistryCsv;
import dev.orderly.registry.ResidentRecord;
import dev.orderly.server.registry.RegistryImporter;
import dev.orderly.time.SeoulCalendar;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A synthetic nation for trying Orderly out: residents whose ages follow Korea's 2021 age
 * pyramid, clinics across the 17 provinces in proportion to population, two vaccine products and
 * the cohorts of {@link #cohortsFor}: born 1962–1966 (the 55–59-year-olds of July 2021; labels name birth years only, ages are computed on the day shown) open from
 * the day the data is made for {@link #WINDOW_DAYS} days, born 1967–1971 opening later with a
 * re-opening for the unbooked, born 1972–2003 in the ten-part rotation.
 *
 * <p>The same seed and sizes give the same residents and clinics, byte for byte; only the window
 * and the capacity days are placed relative to the day of generation.
 */
public final class DemoData {

    private static final Logger LOG = LoggerFactory.getLogger(DemoData.class);

    /** Days the demo cohort's window stays open, and days of capacity generated. */
    public static final int WINDOW_DAYS = 60;
    /** Ages are drawn as of this date, the night of the seed 53–54 opening. */
    static final LocalDate AGE_REFERENCE = LocalDate.of(2021, 7, 1);

    static final List<Product> PRODUCTS = List.of(
            new Product("PFZ", "화이자 (Pfizer-BioNTech Comirnaty)", 21, 42, "Pfizer-BioNTech (Comirnaty)"),
            new Product("MOD", "모더나 (Moderna Spikevax)", 28, 42, "Moderna (Spikevax)"));

    public static final Cohort cohortFor(Instant generatedAt) {
        Instant opens = SeoulCalendar.startOf(SeoulCalendar.dateAt(generatedAt));
        return new Cohort("born-1962-1966", "1962–1966년생", LocalDate.of(1962, 1, 1), LocalDate.of(1966, 12, 31),
                java.util.Set.of("PFZ", "MOD"), List.of(new BookingWindow(opens, opens.plus(Duration.ofDays(WINDOW_DAYS)))));
    }

    /**
     * Every demo cohort, as 2021 ran them: the 55–59-year-olds open now ({@link #cohortFor}, first in
     * id order: the dev page shows its residents); the 50–54-year-olds open the day after tomorrow at
     * 20:00 KST for a week, then re-open for a week to those who have not booked; the 18–49-year-olds
     * open now for 20 days in the ten-part rotation by the last digit of the birth date.
     */
    public static List<Cohort> cohortsFor(Instant generatedAt) {
        LocalDate today = SeoulCalendar.dateAt(generatedAt);
        Instant fiftiesOpen = SeoulCalendar.startOf(today.plusDays(2)).plus(Duration.ofHours(20));
        Instant fiftiesReopen = fiftiesOpen.plus(Duration.ofDays(10));
        Cohort fifties = new Cohort("born-1967-1971", "1967–1971년생", LocalDate.of(1967, 1, 1), LocalDate.of(1971, 12, 31),
                java.util.Set.of("PFZ", "MOD"), List.of(new BookingWindow(fiftiesOpen, fiftiesOpen.plus(Duration.ofDays(7))),
                        new BookingWindow(fiftiesReopen, fiftiesReopen.plus(Duration.ofDays(7)), true)));
        Instant youngOpen = SeoulCalendar.startOf(today);
        Cohort young = new Cohort("born-1972-2003", "1972–2003년생 (10부제)", LocalDate.of(1972, 1, 1), LocalDate.of(2003, 12, 31),
                java.util.Optional.empty(), java.util.Set.of("PFZ", "MOD"), List.of(new BookingWindow(youngOpen, youngOpen.plus(Duration.ofDays(20)))),
                java.util.Optional.of(dev.orderly.eligibility.Rotation.DEFAULT));
        return List.of(cohortFor(generatedAt), fifties, young);
    }

    // Share of the population per five-year age band, 0-4 ... 85+ (Statistics Korea, 2021, rounded).
    private static final double[] AGE_BANDS = {
        1.7, 2.2, 2.3, 2.4, 3.3, 3.6, 3.2, 3.6, 3.9, 4.3, 4.1, 4.3, 4.0, 2.9, 2.0, 1.6, 1.2, 0.9};

    private static final String[] SURNAMES = {"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신",
        "권", "황", "안", "송", "류", "홍"};
    private static final double[] SURNAME_WEIGHTS = {21.5, 14.7, 8.4, 4.7, 4.3, 2.4, 2.1, 2.0, 1.9, 1.7, 1.5, 1.5, 1.5, 1.4,
        1.3, 1.3, 1.3, 1.3, 1.2, 1.1};
    private static final String[] GIVEN = {"민", "서", "지", "현", "수", "영", "준", "우", "진", "성", "정", "은", "희", "연",
        "호", "철", "미", "경", "숙", "혜", "동", "재", "상", "태", "윤", "하", "유", "승", "예", "도"};
    private static final String[] CLINIC_PREFIX = {"연세", "서울", "미래", "행복한", "365", "우리", "하나", "새봄", "튼튼",
        "바른", "참", "열린", "푸른", "사랑", "중앙", "제일", "365열린", "온누리", "밝은", "늘봄"};
    private static final String[] CLINIC_KIND = {"내과의원", "가정의학과의원", "소아청소년과의원", "이비인후과의원", "의원",
        "내과", "병원", "의원"};
    /** {@link #CLINIC_KIND} in English, in the same order. */
    private static final String[] CLINIC_KIND_EN = {"Internal Medicine Clinic", "Family Medicine Clinic", "Pediatrics Clinic",
        "ENT Clinic", "Clinic", "Internal Medicine", "Hospital", "Clinic"};
    private static final String[] ROADS = {"중앙로", "시청로", "대학로", "역전로", "문화로", "공원로", "새마을로", "희망로",
        "평화로", "번영로"};

    private final long seed;
    private final int people;
    private final int clinics;
    private final Clock clock;

    public DemoData(long seed, int people, int clinics, Clock clock) {
        this.seed = seed;
        this.people = people;
        this.clinics = clinics;
        this.clock = clock;
    }

    /** Whether the database has no residents yet. */
    public static boolean isEmpty(Connection conn) throws SQLException {
        try (Statement s = conn.createStatement(); var rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM residents)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /**
     * Writes the whole demo data set in one transaction; the residents go through the registry
     * import, in the same CSV format a real registry extract uses.
     */
    public void write(Connection conn, RegistryImporter registry) throws SQLException {
        long started = System.nanoTime();
        boolean autoCommit = conn.getAutoCommit();
        conn.setAutoCommit(false);
        try {
            CopyManager copy = conn.unwrap(PGConnection.class).getCopyAPI();
            importResidents(conn, registry, started);
            try (Statement s = conn.createStatement()) {
                for (Product p : PRODUCTS) {
                    s.addBatch("INSERT INTO products (code, name, dose2_min_days, dose2_max_days, name_en) VALUES ('" + p.code() + "', '"
                            + p.name().replace("'", "''") + "', " + p.dose2MinDays() + ", " + p.dose2MaxDays() + ", '"
                            + p.nameEn().replace("'", "''") + "')");
                }
                s.executeBatch();
            }
            List<ClinicRow> rows = clinics();
            LOG.info("demo data: writing {} clinics and {} days of capacity ({} s)", clinics, WINDOW_DAYS, seconds(started));
            copy(copy, "COPY clinics (id, name, province, district, address, name_en, province_en, district_en, phone) FROM STDIN",
                    out -> rows.forEach(c -> out.accept(c.id + "\t" + c.name + "\t" + c.province + "\t" + c.district + "\t" + c.address
                            + "\t" + c.nameEn + "\t" + c.provinceEn + "\t" + c.districtEn + "\t" + c.phone + "\n")));
            copy(copy, "COPY clinic_products (clinic_id, product) FROM STDIN", out -> rows.forEach(c ->
                    c.products.forEach(p -> out.accept(c.id + "\t" + p + "\n"))));
            LocalDate first = SeoulCalendar.today(clock);
            copy(copy, "COPY day_capacity (clinic_id, product, day, capacity) FROM STDIN", out -> rows.forEach(c -> {
                for (int d = 0; d < WINDOW_DAYS; d++) {
                    for (String p : c.products) {
                        out.accept(c.id + "\t" + p + "\t" + first.plusDays(d) + "\t" + c.dailyCapacity + "\n");
                    }
                }
            }));
            for (Cohort cohort : cohortsFor(clock.instant())) {
                try (var ps = conn.prepareStatement("""
                        INSERT INTO cohorts (id, name, born_from, born_to, products, rotation_digit, rotation_mapping)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                    ps.setString(1, cohort.id());
                    ps.setString(2, cohort.name());
                    ps.setObject(3, cohort.bornFrom());
                    ps.setObject(4, cohort.bornTo());
                    ps.setArray(5, conn.createArrayOf("text", cohort.products().stream().sorted().toArray()));
                    ps.setObject(6, cohort.rotation().map(r -> (short) r.digitIndex()).orElse(null), java.sql.Types.SMALLINT);
                    ps.setString(7, cohort.rotation().map(dev.orderly.eligibility.Rotation::mapping).orElse(null));
                    ps.executeUpdate();
                }
                try (var ps = conn.prepareStatement("INSERT INTO cohort_windows (cohort_id, opens_at, closes_at, unbooked_only) VALUES (?, ?, ?, ?)")) {
                    for (BookingWindow w : cohort.windows()) {
                        ps.setString(1, cohort.id());
                        ps.setObject(2, w.opensAt().atOffset(java.time.ZoneOffset.UTC));
                        ps.setObject(3, w.closesAt().atOffset(java.time.ZoneOffset.UTC));
                        ps.setBoolean(4, w.unbookedOnly());
                        ps.executeUpdate();
                    }
                }
            }
            conn.commit();
            RegistryImporter.analyze(conn, "residents, clinics, clinic_products, day_capacity, cohorts, cohort_windows, products");
        } catch (SQLException | RuntimeException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(autoCommit);
        }
        LOG.info("demo data written: {} residents, {} clinics, {} days of capacity in {} ms", people, clinics, WINDOW_DAYS,
                (System.nanoTime() - started) / 1_000_000);
    }

    private static void copy(CopyManager copy, String sql, Consumer<Consumer<String>> producer) throws SQLException {
        StringBuilder sb = new StringBuilder(1 << 20);
        producer.accept(sb::append);
        try {
            copy.copyIn(sql, new StringReader(sb.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void importResidents(Connection conn, RegistryImporter registry, long started) throws SQLException {
        StringBuilder csv = new StringBuilder(1 << 20);
        residentsCsv(csv::append);
        LOG.info("demo data: {} residents generated; importing them (hashing and sealing on {} threads) ({} s)", people,
                Runtime.getRuntime().availableProcessors(), seconds(started));
        try {
            RegistryImporter.Report report = registry.importCsv(conn, new StringReader(csv.toString()), new RegistryImporter.Progress() {
                private int quarter = 1;

                @Override
                public void staged(long lines) {
                    // At each quarter passed, so a newcomer watching the first start sees it move.
                    if (quarter < 4 && lines * 4 >= (long) people * quarter) {
                        LOG.info("demo data: {} of {} residents hashed, sealed and staged ({} %) ({} s)", lines, people,
                                lines * 100 / people, seconds(started));
                        quarter = (int) Math.min(4, lines * 4 / people + 1);
                    }
                }

                @Override
                public void merging() {
                    LOG.info("demo data: all {} residents staged and checked; merging them into the registry ({} s)", people,
                            seconds(started));
                }
            });
            if (!report.imported()) {
                throw new IllegalStateException("the demo residents did not import: " + report);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String seconds(long startedNanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - startedNanos) / 1e9);
    }

    /**
     * A demo resident, as {@link #residentsCsv} writes them (for tests and the dev page); imported
     * into an empty registry, the one on line n + 1 gets id n.
     */
    public record Resident(long id, String residentNumber, String name, LocalDate birthDate, String phone) {

        public ResidentRecord record() {
            return new ResidentRecord(residentNumber, name, birthDate, phone);
        }

        @Override
        public String toString() {
            return "Resident[id=" + id + ", name=" + name + ", birthDate=" + birthDate + "]";
        }
    }

    /** The residents in the registry's import format ({@link RegistryCsv}), header first. Deterministic in the seed. */
    public void residentsCsv(Consumer<String> out) {
        out.accept(RegistryCsv.HEADER + "\n");
        forEachResident(r -> out.accept(RegistryCsv.line(r.record()) + "\n"));
    }

    public void forEachResident(Consumer<Resident> out) {
        SplittableRandom random = new SplittableRandom(seed);
        double total = 0;
        for (double b : AGE_BANDS) {
            total += b;
        }
        // Residents so far born the same day, by age in days (ages stay under 17 * 5 + 15 years).
        int[] bornThatDay = new int[(int) (AGE_BANDS.length * 5 * 365.25) + 15 * 366];
        for (long id = 1; id <= people; id++) {
            double pick = random.nextDouble() * total;
            int band = 0;
            while (band < AGE_BANDS.length - 1 && pick >= AGE_BANDS[band]) {
                pick -= AGE_BANDS[band];
                band++;
            }
            int maxAgeInBand = band == AGE_BANDS.length - 1 ? 15 : 5;
            long daysOld = (long) (band * 5 * 365.25) + random.nextLong((long) (maxAgeInBand * 365.25));
            LocalDate birth = AGE_REFERENCE.minusDays(daysOld);
            String name = name(random);
            int serial = ++bornThatDay[(int) daysOld];
            out.accept(new Resident(id, residentNumber(birth, serial, id % 2 == 0), name, birth, phone(id)));
        }
    }

    /**
     * A synthetic resident registration number: the birth date, the sex-and-century digit, the
     * serial of the resident among those born that day (so numbers are unique), and a check digit
     * made wrong on purpose, so that no demo number is a valid pre-2020 number of a real person.
     */
    static String residentNumber(LocalDate birth, int serial, boolean female) {
        int centuryDigit = (birth.getYear() < 2000 ? 1 : 3) + (female ? 1 : 0);
        // Built by hand: String.format cost more than the rest of the generator together.
        StringBuilder digits = new StringBuilder(13);
        zeroPadded(digits, birth.getYear() % 100, 2);
        zeroPadded(digits, birth.getMonthValue(), 2);
        zeroPadded(digits, birth.getDayOfMonth(), 2);
        digits.append(centuryDigit);
        zeroPadded(digits, serial, 5);
        String first12 = digits.toString();
        int[] weights = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (first12.charAt(i) - '0') * weights[i];
        }
        int valid = (11 - sum % 11) % 10;
        return first12 + (valid + 1) % 10;
    }

    private static String name(SplittableRandom random) {
        return weighted(random, SURNAMES, SURNAME_WEIGHTS) + GIVEN[random.nextInt(GIVEN.length)] + GIVEN[random.nextInt(GIVEN.length)];
    }

    /** Distinct for distinct ids: an affine map modulo 10^8 with a multiplier coprime to 10^8. */
    static String phone(long id) {
        long digits = Math.floorMod(id * 48_271L + 12_345_679L, 100_000_000L);
        return zeroPadded(new StringBuilder(11).append("010"), digits, 8).toString();
    }

    /** A clinic's number in its province's area: distinct for distinct ids, drawn from no random source so the clinics stay as they were. */
    static String clinicPhone(String areaCode, long id) {
        long digits = Math.floorMod(id * 7_919L + 2_340_017L, 8_000_000L) + 2_000_000L;
        String seven = Long.toString(digits);
        return areaCode + "-" + seven.substring(0, 3) + "-" + seven.substring(3);
    }

    /** {@code value} (not negative) in at least {@code width} digits, as {@code %0<width>d} writes it. */
    static StringBuilder zeroPadded(StringBuilder out, long value, int width) {
        String text = Long.toString(value);
        for (int i = text.length(); i < width; i++) {
            out.append('0');
        }
        return out.append(text);
    }

    private record ClinicRow(long id, String name, String province, String district, String address, List<String> products,
                             int dailyCapacity, String nameEn, String provinceEn, String districtEn, String phone) {
    }

    private List<ClinicRow> clinics() {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double total = KoreanRegions.ALL.stream().mapToDouble(KoreanRegions.Province::populationMillions).sum();
        List<ClinicRow> rows = new ArrayList<>(clinics);
        long id = 1;
        // Every province gets at least one clinic; the rest follow population.
        int remaining = clinics - KoreanRegions.ALL.size();
        for (int p = 0; p < KoreanRegions.ALL.size(); p++) {
            KoreanRegions.Province province = KoreanRegions.ALL.get(p);
            int count = 1 + (p == KoreanRegions.ALL.size() - 1
                    ? remaining
                    : (int) Math.round(remaining * province.populationMillions() / total));
            count = Math.min(count, 1 + remaining);
            remaining -= count - 1;
            total -= province.populationMillions();
            for (int i = 0; i < count; i++, id++) {
                String district = province.districts().get(i % province.districts().size());
                int prefix = random.nextInt(CLINIC_PREFIX.length);
                int kind = random.nextInt(CLINIC_KIND.length);
                String name = CLINIC_PREFIX[prefix] + CLINIC_KIND[kind];
                String districtEn = Romanized.district(district);
                String address = province.name() + " " + district + " " + ROADS[random.nextInt(ROADS.length)] + " "
                        + (1 + random.nextInt(300));
                List<String> products = switch (random.nextInt(3)) {
                    case 0 -> List.of("PFZ");
                    case 1 -> List.of("MOD");
                    default -> List.of("MOD", "PFZ");
                };
                rows.add(new ClinicRow(id, district + " " + name, province.name(), district, address, products,
                        20 + 10 * random.nextInt(9), districtEn + " " + Romanized.of(CLINIC_PREFIX[prefix]) + " " + CLINIC_KIND_EN[kind],
                        province.english(), districtEn, clinicPhone(province.areaCode(), id)));
            }
        }
        return rows;
    }

    private static String weighted(SplittableRandom random, String[] values, double[] weights) {
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        double pick = random.nextDouble() * sum;
        for (int i = 0; i < values.length; i++) {
            pick -= weights[i];
            if (pick < 0) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }
}
