package dev.orderly.surge.report;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import java.util.List;
import java.util.Locale;

/**
 * A line chart over the run's seconds, drawn the same way as SVG ({@link SvgChart}) and as PNG
 * ({@link PngChart}): this class decides the scales, ticks and points; the renderers only draw.
 */
public record Chart(String title, String yUnit, List<Line> lines, int width, int height, Instant start, double markSecond, String markLabel) {
    /** One series: a name for the legend, an RGB colour, one value per second. */
    public record Line(String name, int rgb, double[] values) {
    }

    static final int LEFT = 64;
    static final int RIGHT = 16;
    static final int TOP = 34;
    static final int BOTTOM = 44;

    /** The calendar the x axis is labelled in: the openings' own. */
    static final ZoneId SEOUL = ZoneId.of("Asia/Seoul");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(SEOUL);

    /**
     * @param start      the instant of second 0, for clock labels in Seoul time; null labels seconds
     * @param markSecond a second to mark with a vertical line (the opening); NaN for none
     * @param markLabel  the mark's label
     */
    public Chart {
        lines = List.copyOf(lines);
    }

    /** A chart with seconds on the x axis and no mark. */
    public Chart(String title, String yUnit, List<Line> lines, int width, int height) {
        this(title, yUnit, lines, width, height, null, Double.NaN, "");
    }

    /** The same chart, its x axis in Seoul clock time from {@code zero}, with {@code label} at {@code second}. */
    public Chart marked(Instant zero, double second, String label) {
        return new Chart(title, yUnit, lines, width, height, zero, second, label);
    }

    /** The label of second {@code t}: Seoul clock time when the start is known, else seconds. */
    String xLabel(int t) {
        return start == null ? t + "s" : CLOCK.format(start.plusSeconds(t));
    }

    boolean hasMark() {
        return Double.isFinite(markSecond) && markSecond >= 0 && markSecond <= Math.max(1, seconds() - 1);
    }

    int seconds() {
        return lines.stream().mapToInt(l -> l.values().length).max().orElse(0);
    }

    /** The top of the y axis: a round number at or above the largest value. */
    double yMax() {
        double max = 0;
        for (Line l : lines) {
            for (double v : l.values()) {
                if (Double.isFinite(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        return niceCeiling(max);
    }

    static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    double x(double second) {
        int n = Math.max(1, seconds() - 1);
        return LEFT + second * (width - LEFT - RIGHT) / n;
    }

    double y(double value, double yMax) {
        return TOP + (height - TOP - BOTTOM) * (1 - value / yMax);
    }

    /** Tick labels of the y axis, bottom to top (five of them). */
    String[] yTicks(double yMax) {
        String[] ticks = new String[5];
        for (int i = 0; i < 5; i++) {
            ticks[i] = label(yMax * i / 4);
        }
        return ticks;
    }

    /** Seconds at which to label the x axis (about six). */
    int[] xTicks() {
        int n = seconds();
        int step = (int) Math.max(1, niceCeiling(Math.max(1, n / 6.0)));
        int count = n / step + 1;
        int[] ticks = new int[count];
        for (int i = 0; i < count; i++) {
            ticks[i] = i * step;
        }
        return ticks;
    }

    static String label(double v) {
        if (v >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", v / 1_000_000);
        }
        if (v >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", v / 1_000);
        }
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.2g", v);
    }

    static String css(int rgb) {
        return String.format(Locale.ROOT, "#%06x", rgb & 0xffffff);
    }
}
