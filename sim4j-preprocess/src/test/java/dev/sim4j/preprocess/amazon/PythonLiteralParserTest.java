package dev.sim4j.preprocess.amazon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The metadata dump's Python literals, quirks included, parse as ast.literal_eval would. */
class PythonLiteralParserTest {
    @Test
    void parsesARealMetadataLine() throws Exception {
        Object v = PythonLiteralParser.parse("{'asin': '0000031852', 'title': 'Girls Ballet Tutu Zebra Hot Pink', "
                + "'price': 3.17, 'salesRank': {'Toys & Games': 211836}, 'imUrl': 'http://x/y.jpg', "
                + "'related': {'also_bought': ['B00JHONN1S', 'B002BZX8Z6'], 'bought_together': []}, "
                + "'categories': [['Sports & Outdoors', 'Other Sports', 'Dance'], ['Books']]}");
        assertThat(v).isInstanceOf(Map.class);
        Map<?, ?> m = (Map<?, ?>) v;
        assertThat(m.get("asin")).isEqualTo("0000031852");
        assertThat(m.get("price")).isEqualTo(3.17);
        assertThat(m.get("salesRank")).isEqualTo(Map.of("Toys & Games", 211836L));
        assertThat(m.get("categories")).isEqualTo(List.of(List.of("Sports & Outdoors", "Other Sports", "Dance"), List.of("Books")));
        assertThat(((Map<?, ?>) m.get("related")).get("bought_together")).isEqualTo(List.of());
    }

    @Test
    void stringsFollowPythonQuotingAndEscapes() throws Exception {
        assertThat(PythonLiteralParser.parse("\"Don't Stop\"")).isEqualTo("Don't Stop");
        assertThat(PythonLiteralParser.parse("'say \\'hi\\' \"there\"'")).isEqualTo("say 'hi' \"there\"");
        assertThat(PythonLiteralParser.parse("'a\\\\b\\nc\\td'")).isEqualTo("a\\b\nc\td");
        // Python 2 wrote UTF-8 bytes as \x escapes; literal_eval in Python 3 gives one character per escape.
        assertThat(PythonLiteralParser.parse("'Caf\\xc3\\xa9'")).isEqualTo("Caf\u00c3\u00a9");
        assertThat(PythonLiteralParser.parse("u'Biograf\\u00edas'")).isEqualTo("Biografías");
        assertThat(PythonLiteralParser.parse("'Biografías 📚'")).isEqualTo("Biografías 📚");
        assertThat(PythonLiteralParser.parse("'\\U0001F4DA'")).isEqualTo("📚");
        assertThat(PythonLiteralParser.parse("'\\101'")).isEqualTo("A");
    }

    @Test
    void numbersNamesTuplesAndTrailingCommas() throws Exception {
        assertThat(PythonLiteralParser.parse("[1, -2, 3.5e2, True, False, None, (1, 2), {'a': [],},]"))
                .isEqualTo(java.util.Arrays.asList(1L, -2L, 350.0, true, false, null, List.of(1L, 2L), Map.of("a", List.of())));
    }

    @Test
    void rejectsWhatIsNotALiteral() {
        for (String bad : List.of("{'asin': '1'", "{'asin' '1'}", "{'a': 1} x", "{\"a\": nan}", "'unterminated", "",
                "{'a': os.system('x')}")) {
            assertThatThrownBy(() -> PythonLiteralParser.parse(bad)).as(bad).isInstanceOf(PythonLiteralParser.SyntaxError.class);
        }
    }
}
