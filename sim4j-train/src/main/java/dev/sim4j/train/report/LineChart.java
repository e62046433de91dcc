package dev.sim4j.train.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An inline SVG line chart: axes with ticks, grid and labels, a legend, one {@code <polyline>} per run of finite
 * points of each series (a NaN breaks the line), optional point markers. A series without a finite point is neither
 * drawn nor named in the legend, so callers may add every series they might have. Builds markup only; no state beyond
 * the series it was given.
 */
final class LineChart {
    /** One plotted series; {@code x} and {@code y} are [M]; NaN values are gaps. */
    record Series(String name, String color, double[] x, double[] y, boolean dashed, boolean markers) {
        Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": x and y differ in length");
            }
        }

        /** Whether some point is finite in both coordinates, i.e. whether there is anything to draw. */
        boolean hasData() {
            for (int i = 0; i < x.length; i++) {
                if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A straight reference segment (e.g. the ROC diagonal), drawn dashed and grey under the series. */
    record Guide(double x1, double y1, double x2, double y2, String label) {
    }

    private static final int WIDTH = 620;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int BOTTOM = 52;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Guide> guides = new ArrayList<>();
    private Ticks xTicks;
    private Ticks yTicks;
    private boolean integerX;
    private int width = WIDTH;
    private int height = HEIGHT;

    LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    LineChart add(Series s) {
        series.add(s);
        return this;
    }

    LineChart guide(Guide g) {
        guides.add(g);
        return this;
    }

    /** Integer x ticks (epochs, steps). */
    LineChart integerX() {
        integerX = true;
        return this;
    }

    LineChart fixedAxes(Ticks x, Ticks y) {
        xTicks = x;
        yTicks = y;
        return this;
    }

    LineChart size(int w, int h) {
        width = w;
        height = h;
        return this;
    }

    /** True when no series has a finite point: callers show a note instead of an empty frame. */
    boolean isEmpty() {
        return drawn().isEmpty();
    }

    /** The series with at least one finite point: the only ones drawn and named in the legend. */
    private List<Series> drawn() {
        return series.stream().filter(Series::hasData).toList();
    }

    String render() {
        List<Series> drawn = drawn();
        List<List<Series>> legendRows = legendRows(drawn);
        int top = 34 + 18 * legendRows.size() + 6;
        double plotW = width - LEFT - RIGHT;
        double plotH = height - top - BOTTOM;
        Ticks xt = xTicks != null ? xTicks : autoTicks(true);
        Ticks yt = yTicks != null ? yTicks : autoTicks(false);

        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg class=\"chart\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" width=\"").append(width).append("\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"").append(Html.escape(title)).append("\">\n");
        svg.append("<title>").append(Html.escape(title)).append("</title>\n");
        svg.append("<text class=\"chart-title\" x=\"").append(width / 2).append("\" y=\"22\">")
                .append(Html.escape(title)).append("</text>\n");
        legend(svg, legendRows);
        svg.append("<rect class=\"plot-area\" x=\"").append(LEFT).append("\" y=\"").append(top)
                .append("\" width=\"").append(fmt(plotW)).append("\" height=\"").append(fmt(plotH)).append("\"/>\n");

        Mapping m = new Mapping(xt, yt, LEFT, top, plotW, plotH);
        svg.append("<g class=\"axis\">\n");
        for (int k = 0; k < yt.count(); k++) {
            double py = m.py(yt.value(k));
            svg.append("<line class=\"grid\" x1=\"").append(LEFT).append("\" y1=\"").append(fmt(py))
                    .append("\" x2=\"").append(fmt(LEFT + plotW)).append("\" y2=\"").append(fmt(py)).append("\"/>")
                    .append("<line class=\"tick\" x1=\"").append(LEFT - 5).append("\" y1=\"").append(fmt(py))
                    .append("\" x2=\"").append(LEFT).append("\" y2=\"").append(fmt(py)).append("\"/>")
                    .append("<text class=\"tick-label y\" x=\"").append(LEFT - 8).append("\" y=\"")
                    .append(fmt(py + 4)).append("\">").append(yt.label(yt.value(k))).append("</text>\n");
        }
        for (int k = 0; k < xt.count(); k++) {
            double px = m.px(xt.value(k));
            svg.append("<line class=\"grid\" x1=\"").append(fmt(px)).append("\" y1=\"").append(top)
                    .append("\" x2=\"").append(fmt(px)).append("\" y2=\"").append(fmt(top + plotH)).append("\"/>")
                    .append("<line class=\"tick\" x1=\"").append(fmt(px)).append("\" y1=\"").append(fmt(top + plotH))
                    .append("\" x2=\"").append(fmt(px)).append("\" y2=\"").append(fmt(top + plotH + 5)).append("\"/>")
                    .append("<text class=\"tick-label x\" x=\"").append(fmt(px)).append("\" y=\"")
                    .append(fmt(top + plotH + 19)).append("\">").append(xt.label(xt.value(k))).append("</text>\n");
        }
        svg.append("<line class=\"axis-line\" x1=\"").append(LEFT).append("\" y1=\"").append(fmt(top + plotH))
                .append("\" x2=\"").append(fmt(LEFT + plotW)).append("\" y2=\"").append(fmt(top + plotH)).append("\"/>")
                .append("<line class=\"axis-line\" x1=\"").append(LEFT).append("\" y1=\"").append(top)
                .append("\" x2=\"").append(LEFT).append("\" y2=\"").append(fmt(top + plotH)).append("\"/>\n");
        svg.append("<text class=\"axis-label\" x=\"").append(fmt(LEFT + plotW / 2)).append("\" y=\"")
                .append(height - 10).append("\">").append(Html.escape(xLabel)).append("</text>\n");
        double yMid = top + plotH / 2;
        svg.append("<text class=\"axis-label\" x=\"16\" y=\"").append(fmt(yMid))
                .append("\" transform=\"rotate(-90 16 ").append(fmt(yMid)).append(")\">")
                .append(Html.escape(yLabel)).append("</text>\n");
        svg.append("</g>\n");

        for (Guide g : guides) {
            svg.append("<line class=\"guide\" x1=\"").append(fmt(m.px(g.x1()))).append("\" y1=\"")
                    .append(fmt(m.py(g.y1()))).append("\" x2=\"").append(fmt(m.px(g.x2()))).append("\" y2=\"")
                    .append(fmt(m.py(g.y2()))).append("\"><title>").append(Html.escape(g.label()))
                    .append("</title></line>\n");
        }
        for (Series s : drawn) {
            plot(svg, s, m);
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private void plot(StringBuilder svg, Series s, Mapping m) {
        svg.append("<g class=\"series\" data-name=\"").append(Html.escape(s.name())).append("\">\n");
        StringBuilder points = new StringBuilder();
        int run = 0;
        for (int i = 0; i <= s.x().length; i++) {
            boolean ok = i < s.x().length && Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i]);
            if (ok) {
                if (run > 0) {
                    points.append(' ');
                }
                points.append(fmt(m.px(s.x()[i]))).append(',').append(fmt(m.py(s.y()[i])));
                run++;
            } else if (run > 0) {
                svg.append("<polyline fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"2\"")
                        .append(s.dashed() ? " stroke-dasharray=\"6 4\"" : "").append(" points=\"")
                        .append(points).append("\"><title>").append(Html.escape(s.name()))
                        .append("</title></polyline>\n");
                points.setLength(0);
                run = 0;
            }
        }
        if (s.markers()) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    svg.append("<circle cx=\"").append(fmt(m.px(s.x()[i]))).append("\" cy=\"")
                            .append(fmt(m.py(s.y()[i]))).append("\" r=\"3.5\" fill=\"").append(s.color())
                            .append("\"><title>").append(Html.escape(s.name())).append(": ")
                            .append(Html.number(s.x()[i])).append(", ").append(Html.number(s.y()[i]))
                            .append("</title></circle>\n");
                }
            }
        }
        svg.append("</g>\n");
    }

    /** Legend entries packed into rows that fit the plot width (character widths estimated, no font metrics). */
    private List<List<Series>> legendRows(List<Series> drawn) {
        List<List<Series>> rows = new ArrayList<>();
        List<Series> row = new ArrayList<>();
        double used = 0;
        double available = width - LEFT - RIGHT;
        for (Series s : drawn) {
            double w = entryWidth(s);
            if (!row.isEmpty() && used + w > available) {
                rows.add(row);
                row = new ArrayList<>();
                used = 0;
            }
            row.add(s);
            used += w;
        }
        if (!row.isEmpty()) {
            rows.add(row);
        }
        return rows;
    }

    private static double entryWidth(Series s) {
        return 34 + 6.6 * s.name().length() + 16;
    }

    private void legend(StringBuilder svg, List<List<Series>> rows) {
        svg.append("<g class=\"legend\">\n");
        double y = 42;
        for (List<Series> row : rows) {
            double x = LEFT;
            for (Series s : row) {
                svg.append("<line x1=\"").append(fmt(x)).append("\" y1=\"").append(fmt(y - 4)).append("\" x2=\"")
                        .append(fmt(x + 26)).append("\" y2=\"").append(fmt(y - 4)).append("\" stroke=\"")
                        .append(s.color()).append("\" stroke-width=\"2.5\"")
                        .append(s.dashed() ? " stroke-dasharray=\"6 4\"" : "").append("/>")
                        .append("<text class=\"legend-label\" x=\"").append(fmt(x + 32)).append("\" y=\"")
                        .append(fmt(y)).append("\">").append(Html.escape(s.name())).append("</text>\n");
                x += entryWidth(s);
            }
            y += 18;
        }
        svg.append("</g>\n");
    }

    private Ticks autoTicks(boolean xAxis) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.x()[i]) && Double.isFinite(s.y()[i])) {
                    double v = xAxis ? s.x()[i] : s.y()[i];
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (min > max) {
            min = 0;
            max = 1;
        }
        return Ticks.covering(min, max, xAxis ? 6 : 5, xAxis && integerX);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** Data to pixel coordinates; SVG's y grows downwards. */
    private record Mapping(Ticks x, Ticks y, double left, double top, double w, double h) {
        double px(double v) {
            return left + (v - x.lo()) / (x.hi() - x.lo()) * w;
        }

        double py(double v) {
            return top + h - (v - y.lo()) / (y.hi() - y.lo()) * h;
        }
    }
}
