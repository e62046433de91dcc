package dev.sim4j.train.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportTest {
    @TempDir
    Path dir;

    private Path writeLog(List<LogRecord> records) {
        Path log = dir.resolve("metrics.jsonl");
        try (MetricsLog out = MetricsLog.create(log)) {
            records.forEach(out::write);
        }
        return log;
    }

    private static Document parseXml(String html) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rendersChartsTablesAndFinalNumbers() throws Exception {
        long seed = System.nanoTime();
        System.out.println("HtmlReportTest.rendersChartsTablesAndFinalNumbers seed=" + seed);
        List<LogRecord> records = SyntheticLog.records(seed);
        Path log = writeLog(records);
        Path html = dir.resolve("out/report.html");
        new HtmlReport("SIM on Amazon Books").write(log, html);
        String page = Files.readString(html);

        // self-contained: nothing fetched from anywhere
        assertThat(page).doesNotContain("http").doesNotContainIgnoringCase("<script")
                .doesNotContainIgnoringCase("<link").doesNotContainIgnoringCase("@import")
                .doesNotContainIgnoringCase("url(");

        // well-formed: it parses as XML, and every <svg> is closed
        Document doc = parseXml(page);
        assertThat(count(page, "<svg")).isEqualTo(count(page, "</svg>")).isEqualTo(5);
        NodeList series = doc.getElementsByTagName("g");
        int plotted = 0;
        for (int i = 0; i < series.getLength(); i++) {
            Element g = (Element) series.item(i);
            if ("series".equals(g.getAttribute("class"))) {
                plotted++;
                assertThat(g.getElementsByTagName("polyline").getLength() + g.getElementsByTagName("circle")
                        .getLength()).as("series %s drawn", g.getAttribute("data-name")).isPositive();
            }
        }
        // steps: total, classification, aux; epoch loss: 2; AUC: 4; ROC: 1; throughput: 1
        assertThat(plotted).isEqualTo(11);
        assertThat(page).contains("data-name=\"test AUC exact\"", "data-name=\"auxiliary loss\"",
                "ROC curve after epoch 3", "class=\"guide\"", "Time to train", "400.3 s (0:06:40)");

        EpochRecord last = records.stream().filter(EpochRecord.class::isInstance).map(EpochRecord.class::cast)
                .reduce((a, b) -> b).orElseThrow();
        assertThat(page).contains(String.format(Locale.ROOT, "%.4f", last.testAuc()),
                String.format(Locale.ROOT, "%.4f", last.testAucExact()),
                String.format(Locale.ROOT, "%.4f", last.trainLoss()), "118.20 / 121.90 / 123.40 / 130.70 ms");

        // atomic write leaves no temporary file behind
        try (Stream<Path> files = Files.list(html.getParent())) {
            assertThat(files).containsExactly(html);
        }

        String sample = System.getProperty("sim4j.sampleReport");
        if (sample != null) {
            new HtmlReport("sim4j sample report (synthetic data, seed " + seed + ")").write(log, Path.of(sample));
            System.out.println("sample report written to " + sample);
        }
    }

    @Test
    void aKilledRunStillGivesAReport() throws Exception {
        String text = "{\"type\":\"step\",\"step\":1,\"epoch\":1,\"classification_loss\":0.7,\"total_loss\":0.7,"
                + "\"samples/s\":1000}\n{\"type\":\"step\",\"step\":2,\"epoch\":1,\"classification_loss\":0.6,"
                + "\"total_loss\":0.6,\"samples/s\":1100}\n{\"type\":\"step\",\"st";
        LogContents log = new MetricsLogReader().parse(text, "killed.jsonl");
        String page = new HtmlReport("killed <run> & co").render(log, "killed.jsonl");
        parseXml(page);
        assertThat(page).contains("cut-off line", "No epoch finished", "No evaluation with a ROC curve",
                "killed &lt;run&gt; &amp; co");
        assertThat(count(page, "<svg")).isEqualTo(1);
    }

    @Test
    void showsTheRunsConfigurationEscapedAndInOrder() throws Exception {
        SyntheticLog synthetic = new SyntheticLog(7);
        Document doc = parseXml(render(synthetic.records()));
        List<String[]> rows = tableRows(doc, "summary configuration");
        List<String> expected = new ArrayList<>(List.of("Model=sim", "Dataset=/data/amazon <books> & co",
                "Seed=12345", "sim4j version=0.1.0", "Command=" + synthetic.run().command()));
        expected.addAll(List.of("epochs=3", "global_batch_size=131072", "micro_batch_size=4096",
                "learning_rate=0.01", "optimizer=adam", "weight_decay=0", "embedding_dim=16",
                "stage_two_mlp=[200, 80]", "dropout=-1", "drop_remainder=true"));
        assertThat(rows).extracting(r -> r[0] + "=" + r[1]).containsExactlyElementsOf(expected);
    }

    @Test
    void aResumedRunShowsItsLastConfigurationAndTheCommandItStartedWith() throws Exception {
        List<LogRecord> records = new ArrayList<>(new SyntheticLog(7).records());
        RunRecord first = (RunRecord) records.getFirst();
        RunRecord resumed = new RunRecord(first.model(), first.version(), first.dataset(), first.seed(),
                first.command() + " --resume --epochs 6", java.util.Map.of("epochs", 6));
        records.add(records.size() - 1, resumed);
        List<String[]> rows = tableRows(parseXml(render(records)), "summary configuration");
        assertThat(rows).extracting(r -> r[0] + "=" + r[1]).contains("Command=" + resumed.command(),
                "Started as=" + first.command(), "epochs=6");
    }

    @Test
    void aLogWithoutARunRecordHasNoConfigurationTable() throws Exception {
        String page = render(new SyntheticLog(7).runRecord(false).records());
        parseXml(page);
        assertThat(page).doesNotContain("Configuration").contains("AUC per epoch", "Time to train");
    }

    @Test
    void drawsAndNamesOnlySeriesWithData() throws Exception {
        // DIN has no auxiliary loss; --no-train-eval leaves every train figure out.
        Document doc = parseXml(render(new SyntheticLog(7).model("din").trainEval(false).records()));
        NodeList svgs = doc.getElementsByTagName("svg");
        List<String> all = new ArrayList<>();
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            List<String> names = seriesNames(svg);
            assertThat(texts(svg, "legend-label")).as("legend of %s", svg.getAttribute("aria-label"))
                    .containsExactlyElementsOf(names);
            all.addAll(names);
        }
        assertThat(seriesNames(chart(doc, "Training loss per step (batch)")))
                .containsExactly("classification loss");
        assertThat(seriesNames(chart(doc, "AUC per epoch"))).containsExactly("test AUC (8000 thr.)",
                "test AUC exact");
        assertThat(seriesNames(chart(doc, "Classification loss per epoch (evaluation)")))
                .containsExactly("test classification loss");
        assertThat(all).noneMatch(n -> n.contains("train") || n.contains("auxiliary") || n.contains("total"));
        assertThat(tableRows(doc, "summary")).extracting(r -> r[0]).noneMatch(n -> n.startsWith("Train"));
        assertThat(texts(doc.getDocumentElement(), null, "th")).noneMatch(h -> h.startsWith("Train"))
                .contains("Test AUC exact", "Test classification loss");
    }

    @Test
    void aChartWithoutDataIsReplacedByItsNote() throws Exception {
        List<LogRecord> records = List.of(new StepRecord(1, 1, 0.7, null, 0.7, 1000),
                new EpochRecord(1, 1000.0, 10.0, null, null, null, null, null, null, null, null, null, null));
        String page = render(records);
        parseXml(page);
        assertThat(page).contains("No epoch losses in the log.", "No epoch AUCs in the log.",
                "No evaluation with a ROC curve in the log.").doesNotContain("aria-label=\"AUC per epoch\"");
        assertThat(count(page, "<svg")).isEqualTo(2); // steps and throughput
    }

    @Test
    void perEpochChartsStartAtAnEvaluationBeforeTraining() throws Exception {
        List<LogRecord> records = new SyntheticLog(7).evaluateBeforeTraining(true).records();
        EvaluationRecord before = records.stream().filter(EvaluationRecord.class::isInstance)
                .map(EvaluationRecord.class::cast).filter(e -> e.epoch() == 0 && e.split().equals("test"))
                .findFirst().orElseThrow();
        Document doc = parseXml(render(records));
        for (String title : List.of("AUC per epoch", "Classification loss per epoch (evaluation)")) {
            Element chart = chart(doc, title);
            assertThat(texts(chart, "tick-label x").getFirst()).as(title).isEqualTo("0");
        }
        assertThat(markers(chart(doc, "AUC per epoch"), "test AUC (8000 thr.)").getFirst())
                .isEqualTo("test AUC (8000 thr.): 0, " + Html.number(before.auc()));
        assertThat(markers(chart(doc, "Classification loss per epoch (evaluation)"), "train classification loss"))
                .hasSize(4).first().asString().startsWith("train classification loss: 0, ");
        // no throughput before training: that chart still starts at the first epoch
        assertThat(texts(chart(doc, "Training throughput per epoch"), "tick-label x").getFirst()).isEqualTo("1");
        assertThat(tableRows(doc, "epochs").getFirst()).startsWith("0 (before training)", "n/a", "n/a");

        Document without = parseXml(render(new SyntheticLog(7).records()));
        assertThat(texts(chart(without, "AUC per epoch"), "tick-label x").getFirst()).isEqualTo("1");
        assertThat(markers(chart(without, "AUC per epoch"), "test AUC (8000 thr.)")).hasSize(3);
    }

    private static String render(List<LogRecord> records) {
        StringBuilder text = new StringBuilder();
        try {
            var writer = Json.mapper().writerFor(LogRecord.class);
            for (LogRecord r : records) {
                text.append(writer.writeValueAsString(r)).append('\n');
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return new HtmlReport("test").render(new MetricsLogReader().parse(text.toString(), "t.jsonl"), "t.jsonl");
    }

    private static Element chart(Document doc, String title) {
        NodeList svgs = doc.getElementsByTagName("svg");
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            if (svg.getAttribute("aria-label").equals(title)) {
                return svg;
            }
        }
        throw new AssertionError("no chart " + title);
    }

    private static List<String> seriesNames(Element svg) {
        List<String> names = new ArrayList<>();
        NodeList gs = svg.getElementsByTagName("g");
        for (int i = 0; i < gs.getLength(); i++) {
            Element g = (Element) gs.item(i);
            if (g.getAttribute("class").equals("series")) {
                names.add(g.getAttribute("data-name"));
            }
        }
        return names;
    }

    /** The titles of the point markers of series {@code name}, in order. */
    private static List<String> markers(Element svg, String name) {
        NodeList gs = svg.getElementsByTagName("g");
        for (int i = 0; i < gs.getLength(); i++) {
            Element g = (Element) gs.item(i);
            if (g.getAttribute("class").equals("series") && g.getAttribute("data-name").equals(name)) {
                List<String> titles = new ArrayList<>();
                NodeList circles = g.getElementsByTagName("circle");
                for (int k = 0; k < circles.getLength(); k++) {
                    titles.add(circles.item(k).getTextContent());
                }
                return titles;
            }
        }
        throw new AssertionError("no series " + name);
    }

    private static List<String> texts(Element root, String cssClass) {
        return texts(root, cssClass, "text");
    }

    private static List<String> texts(Element root, String cssClass, String tag) {
        List<String> out = new ArrayList<>();
        NodeList nodes = root.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            if (cssClass == null || e.getAttribute("class").equals(cssClass)) {
                out.add(e.getTextContent());
            }
        }
        return out;
    }

    /** The body rows of the table of class {@code cssClass}, as cell texts. */
    private static List<String[]> tableRows(Document doc, String cssClass) {
        NodeList tables = doc.getElementsByTagName("table");
        for (int i = 0; i < tables.getLength(); i++) {
            Element table = (Element) tables.item(i);
            if (table.getAttribute("class").equals(cssClass)) {
                List<String[]> rows = new ArrayList<>();
                Element body = (Element) table.getElementsByTagName("tbody").item(0);
                NodeList trs = body.getElementsByTagName("tr");
                for (int r = 0; r < trs.getLength(); r++) {
                    NodeList cells = trs.item(r).getChildNodes();
                    String[] row = new String[cells.getLength()];
                    for (int c = 0; c < row.length; c++) {
                        row[c] = cells.item(c).getTextContent();
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
        throw new AssertionError("no table " + cssClass);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
