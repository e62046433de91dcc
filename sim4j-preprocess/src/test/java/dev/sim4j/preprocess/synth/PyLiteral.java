package dev.sim4j.preprocess.synth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-side reader of one Python literal line (dicts, lists, str, int, float), independent of the production code.
 * Besides parsing, it insists that every string is spelled exactly as Python 3's {@code repr} spells it (quote
 * choice and escapes), so that a line is what {@code str(dict)} printed.
 */
final class PyLiteral {
    private final String s;
    private int pos;

    private PyLiteral(String s) {
        this.s = s;
    }

    /** Parses a whole line; throws IllegalArgumentException naming the position on any deviation. */
    static Object parse(String line) {
        PyLiteral p = new PyLiteral(line);
        Object v = p.value();
        if (p.pos != line.length()) {
            throw p.error("trailing characters");
        }
        return v;
    }

    private Object value() {
        if (pos >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> dict();
            case '[' -> list();
            case '\'', '"' -> string();
            default -> number();
        };
    }

    private Map<String, Object> dict() {
        Map<String, Object> m = new LinkedHashMap<>();
        expect('{');
        if (peek('}')) {
            pos++;
            return m;
        }
        while (true) {
            if (!(peek('\'') || peek('"'))) {
                throw error("dict key must be a string");
            }
            String k = string();
            expect(':');
            expect(' ');
            if (m.put(k, value()) != null) {
                throw error("duplicate key " + k);
            }
            if (peek('}')) {
                pos++;
                return m;
            }
            expect(',');
            expect(' ');
        }
    }

    private List<Object> list() {
        List<Object> l = new ArrayList<>();
        expect('[');
        if (peek(']')) {
            pos++;
            return l;
        }
        while (true) {
            l.add(value());
            if (peek(']')) {
                pos++;
                return l;
            }
            expect(',');
            expect(' ');
        }
    }

    private String string() {
        int start = pos;
        char q = s.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos++);
            if (c == q) {
                break;
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = s.charAt(pos++);
            switch (e) {
                case '\\', '\'', '"' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'x' -> sb.appendCodePoint(hex(2));
                case 'u' -> sb.appendCodePoint(hex(4));
                case 'U' -> sb.appendCodePoint(hex(8));
                default -> throw error("unknown escape \\" + e);
            }
        }
        String value = sb.toString();
        String token = s.substring(start, pos);
        String canonical = repr(value);
        if (!token.equals(canonical)) {
            throw error("string " + token + " is not spelled as Python's repr: " + canonical);
        }
        return value;
    }

    private Object number() {
        int start = pos;
        while (pos < s.length() && "-+.0123456789eE".indexOf(s.charAt(pos)) >= 0) {
            pos++;
        }
        String t = s.substring(start, pos);
        if (t.isEmpty()) {
            throw error("expected a value");
        }
        return t.contains(".") || t.contains("e") ? (Object) Double.parseDouble(t) : (Object) Long.parseLong(t);
    }

    private int hex(int n) {
        int v = Integer.parseInt(s.substring(pos, pos + n), 16);
        pos += n;
        return v;
    }

    private boolean peek(char c) {
        return pos < s.length() && s.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at column " + pos + " of: "
                + s.substring(Math.max(0, pos - 40), Math.min(s.length(), pos + 40)));
    }

    /** Python 3's repr of a str, written independently of the production code as the oracle. */
    static String repr(String v) {
        char q = v.contains("'") && !v.contains("\"") ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(q);
        v.codePoints().forEach(cp -> {
            if (cp == q || cp == '\\') {
                sb.append('\\').appendCodePoint(cp);
            } else if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (cp < 0x20 || cp == 0x7f) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp < 0x7f) {
                sb.appendCodePoint(cp);
            } else {
                int t = Character.getType(cp);
                boolean printable = t != Character.CONTROL && t != Character.FORMAT && t != Character.SURROGATE
                        && t != Character.PRIVATE_USE && t != Character.UNASSIGNED && t != Character.LINE_SEPARATOR
                        && t != Character.PARAGRAPH_SEPARATOR && t != Character.SPACE_SEPARATOR;
                if (printable) {
                    sb.appendCodePoint(cp);
                } else if (cp <= 0xff) {
                    sb.append(String.format("\\x%02x", cp));
                } else if (cp <= 0xffff) {
                    sb.append(String.format("\\u%04x", cp));
                } else {
                    sb.append(String.format("\\U%08x", cp));
                }
            }
        });
        return sb.append(q).toString();
    }
}
