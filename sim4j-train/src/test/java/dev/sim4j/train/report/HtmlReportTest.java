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
        assertThat(page).contains("data-name=\"test AUC exact\"", "data-name=\"DIEN aux loss\"",
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

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
