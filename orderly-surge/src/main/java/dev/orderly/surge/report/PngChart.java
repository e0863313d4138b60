package dev.orderly.surge.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Draws a {@link Chart} into a PNG with Java2D (headless). */
final class PngChart {
    private PngChart() {
    }

    /** Writes {@code charts} one below the other into one PNG. */
    static void write(java.util.List<Chart> charts, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int width = charts.stream().mapToInt(Chart::width).max().orElse(1);
        int height = charts.stream().mapToInt(Chart::height).sum();
        BufferedImage image = new BufferedImage(width, Math.max(1, height), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            for (Chart c : charts) {
                draw(g, c);
                g.translate(0, c.height());
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void draw(Graphics2D g, Chart c) {
            double yMax = c.yMax();
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(c.title() + " (" + c.yUnit() + ")", Chart.LEFT, 18);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            String[] yTicks = c.yTicks(yMax);
            for (int i = 0; i < yTicks.length; i++) {
                int y = (int) Math.round(c.y(yMax * i / 4, yMax));
                g.setColor(new Color(0xdddddd));
                g.drawLine(Chart.LEFT, y, c.width() - Chart.RIGHT, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(yTicks[i], Chart.LEFT - 6 - g.getFontMetrics().stringWidth(yTicks[i]), y + 4);
            }
            for (int t : c.xTicks()) {
                String label = c.xLabel(t);
                g.drawString(label, (int) Math.round(c.x(t)) - g.getFontMetrics().stringWidth(label) / 2, c.height() - Chart.BOTTOM + 16);
            }
            if (c.hasMark()) {
                int x = (int) Math.round(c.x(c.markSecond()));
                g.setColor(new Color(0x444444));
                g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
                g.drawLine(x, Chart.TOP - 6, x, c.height() - Chart.BOTTOM);
                g.drawString(c.markLabel(), x + 4, Chart.TOP + 4);
                g.setColor(Color.DARK_GRAY);
            }
            int legendX = Chart.LEFT;
            g.setStroke(new BasicStroke(1.5f));
            for (Chart.Line l : c.lines()) {
                Path2D path = new Path2D.Double();
                double[] v = l.values();
                boolean started = false;
                for (int i = 0; i < v.length; i++) {
                    if (!Double.isFinite(v[i])) {
                        continue;
                    }
                    if (started) {
                        path.lineTo(c.x(i), c.y(v[i], yMax));
                    } else {
                        path.moveTo(c.x(i), c.y(v[i], yMax));
                        started = true;
                    }
                }
                g.setColor(new Color(l.rgb()));
                g.draw(path);
                g.fillRect(legendX, c.height() - 18, 10, 10);
                g.setColor(Color.BLACK);
                g.drawString(l.name(), legendX + 14, c.height() - 9);
                legendX += 24 + g.getFontMetrics().stringWidth(l.name());
            }
    }
}
