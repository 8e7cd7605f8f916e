package io.chatpipe.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A PNG of every figure's ratio to its baseline, one bar each on a logarithmic axis, with 1x marked and
 * bars coloured by whether chatpipe did better than its baseline. Drawn with java.awt, headless.
 */
public final class RatioPlot {

    private static final int WIDTH = 1100;
    private static final int ROW = 26;
    private static final int LABELS = 470;
    private static final double MIN = 0.01;
    private static final double MAX = 1000;

    private RatioPlot() {
    }

    public static void write(Results results, Path png) throws IOException {
        List<Figure> figures = new ArrayList<>();
        results.scenarios().forEach(s -> figures.addAll(s.getFigures()));
        int height = 100 + Math.max(1, figures.size()) * ROW + 40;
        var image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString("chatpipe beside its baselines, measured in the same run", 20, 28);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString("Labels: chatpipe / baseline. Bars, log scale: right of 1x (green) is chatpipe doing better, "
                    + "so a latency ratio is drawn inverted.", 20, 46);
            g.drawString(results.started() + " · " + results.size() + " size · " + results.machine().processors()
                    + " processors · load average " + results.machine().loadBefore(), 20, 62);
            int top = 80;
            int plotLeft = LABELS;
            int plotRight = WIDTH - 30;
            for (double tick = MIN; tick <= MAX; tick *= 10) {
                int x = x(tick, plotLeft, plotRight);
                g.setColor(tick == 1 ? Color.DARK_GRAY : new Color(225, 225, 225));
                g.setStroke(new BasicStroke(tick == 1 ? 2f : 1f));
                g.drawLine(x, top, x, top + figures.size() * ROW);
                g.setColor(Color.DARK_GRAY);
                g.drawString(tick >= 1 ? String.format(Locale.ROOT, "%.0fx", tick)
                        : String.format(Locale.ROOT, "%sx", tick), x - 12, top + figures.size() * ROW + 16);
            }
            int one = x(1, plotLeft, plotRight);
            for (int i = 0; i < figures.size(); i++) {
                Figure f = figures.get(i);
                int y = top + i * ROW;
                double goodness = f.ratio() == 0 ? 0 : f.higherIsBetter() ? f.ratio() : 1 / f.ratio();
                int end = x(goodness, plotLeft, plotRight);
                g.setColor(goodness >= 1 ? new Color(70, 150, 90) : new Color(200, 90, 70));
                g.fillRect(Math.min(one, end), y + 4, Math.max(1, Math.abs(end - one)), ROW - 8);
                g.setColor(Color.BLACK);
                g.drawString(f.scenario() + ": " + truncate(f.name(), 62), 20, y + ROW / 2 + 5);
                g.drawString(String.format(Locale.ROOT, "%.2fx", f.ratio()), Math.max(end, one) + 6, y + ROW / 2 + 5);
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private static int x(double ratio, int left, int right) {
        double clamped = Math.max(MIN, Math.min(MAX, ratio <= 0 ? MIN : ratio));
        double at = (Math.log10(clamped) - Math.log10(MIN)) / (Math.log10(MAX) - Math.log10(MIN));
        return left + (int) Math.round(at * (right - left));
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
