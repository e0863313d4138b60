package dev.orderly.surge.report;

import java.util.Locale;

/** Draws a {@link Chart} as inline SVG (no scripts, no fonts beyond the page's). */
final class SvgChart {
    private SvgChart() {
    }

    static String render(Chart c) {
        double yMax = c.yMax();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">",
                c.width(), c.height(), c.width(), c.height()));
        s.append("<title>").append(Html.escape(c.title())).append("</title>");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" class=\"t\">%s (%s)</text>", Chart.LEFT, Html.escape(c.title()),
                Html.escape(c.yUnit())));
        String[] yTicks = c.yTicks(yMax);
        for (int i = 0; i < yTicks.length; i++) {
            double y = c.y(yMax * i / 4, yMax);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"g\"/>", Chart.LEFT,
                    c.width() - Chart.RIGHT, y, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"yl\">%s</text>", Chart.LEFT - 6, y + 4, yTicks[i]));
        }
        for (int t : c.xTicks()) {
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"xl\">%s</text>", c.x(t), c.height() - Chart.BOTTOM + 16,
                    c.xLabel(t)));
        }
        if (c.hasMark()) {
            double x = c.x(c.markSecond());
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#444\" stroke-dasharray=\"4 3\" class=\"mark\"/>",
                    x, x, Chart.TOP - 6, c.height() - Chart.BOTTOM));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"lg\">%s</text>", x + 4, Chart.TOP + 4,
                    Html.escape(c.markLabel())));
        }
        int legendX = Chart.LEFT;
        for (Chart.Line l : c.lines()) {
            StringBuilder points = new StringBuilder();
            double[] v = l.values();
            for (int i = 0; i < v.length; i++) {
                if (Double.isFinite(v[i])) {
                    points.append(String.format(Locale.ROOT, "%.1f,%.1f ", c.x(i), c.y(v[i], yMax)));
                }
            }
            s.append("<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(Chart.css(l.rgb())).append("\" points=\"")
                    .append(points.toString().strip()).append("\"/>");
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", legendX,
                    c.height() - 18, Chart.css(l.rgb())));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"lg\">%s</text>", legendX + 14, c.height() - 9,
                    Html.escape(l.name())));
            legendX += 24 + 7 * l.name().length();
        }
        return s.append("</svg>").toString();
    }
}
