package dev.sim4j.preprocess.amazon;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one Python literal the way {@code ast.literal_eval} does for the 2014 metadata dump: dicts, lists, tuples,
 * single- and double-quoted strings (optionally {@code u}/{@code b}/{@code r} prefixed) with Python escapes,
 * ints, floats, {@code True}, {@code False}, {@code None}. Dicts become {@link LinkedHashMap}s, lists and tuples
 * {@link List}s, ints {@link Long}s, floats {@link Double}s. A {@code \xNN} escape yields the character U+00NN, as in
 * Python 3 (the dump was written by Python 2, so such escapes often spell UTF-8 bytes; the reference reads them the
 * same way).
 */
public final class PythonLiteralParser {
    /** The text is not a Python literal; the message says what was expected where. */
    public static final class SyntaxError extends Exception {
        public SyntaxError(String message) {
            super(message);
        }
    }

    private final String s;
    private int pos;

    private PythonLiteralParser(String s) {
        this.s = s;
    }

    /** Parses the whole text as one literal (surrounding whitespace allowed). */
    public static Object parse(String text) throws SyntaxError {
        PythonLiteralParser p = new PythonLiteralParser(text);
        p.skipSpace();
        Object value = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the literal");
        }
        return value;
    }

    private SyntaxError error(String what) {
        String near = s.substring(pos, Math.min(s.length(), pos + 20));
        return new SyntaxError(what + " at character " + (pos + 1) + (near.isEmpty() ? " (end of line)" : " near '" + near + "'"));
    }

    private void skipSpace() {
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            } else if (c == '\\' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n') {
                pos += 2;
            } else {
                return;
            }
        }
    }

    private Object value() throws SyntaxError {
        if (pos >= s.length()) {
            throw error("expected a value");
        }
        char c = s.charAt(pos);
        return switch (c) {
            case '{' -> dict();
            case '[' -> sequence('[', ']');
            case '(' -> sequence('(', ')');
            case '\'', '"' -> string(false);
            default -> {
                if (c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                if (Character.isLetter(c)) {
                    yield word();
                }
                throw error("expected a value");
            }
        };
    }

    private Map<Object, Object> dict() throws SyntaxError {
        pos++;
        Map<Object, Object> map = new LinkedHashMap<>();
        skipSpace();
        if (peek('}')) {
            pos++;
            return map;
        }
        while (true) {
            skipSpace();
            Object key = value();
            skipSpace();
            expect(':');
            skipSpace();
            Object v = value();
            map.put(key, v);
            skipSpace();
            if (peek(',')) {
                pos++;
                skipSpace();
                if (peek('}')) {
                    pos++;
                    return map;
                }
            } else if (peek('}')) {
                pos++;
                return map;
            } else {
                throw error("expected ',' or '}' in a dict");
            }
        }
    }

    private List<Object> sequence(char open, char close) throws SyntaxError {
        pos++;
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (peek(close)) {
            pos++;
            return list;
        }
        while (true) {
            skipSpace();
            list.add(value());
            skipSpace();
            if (peek(',')) {
                pos++;
                skipSpace();
                if (peek(close)) {
                    pos++;
                    return list;
                }
            } else if (peek(close)) {
                pos++;
                return list;
            } else {
                throw error("expected ',' or '" + close + "' in a " + (open == '[' ? "list" : "tuple"));
            }
        }
    }

    private Object word() throws SyntaxError {
        int start = pos;
        while (pos < s.length() && Character.isLetter(s.charAt(pos))) {
            pos++;
        }
        String w = s.substring(start, pos);
        if (pos < s.length() && (s.charAt(pos) == '\'' || s.charAt(pos) == '"')) {
            String prefix = w.toLowerCase(java.util.Locale.ROOT);
            if (prefix.matches("[ubr]{1,2}")) {
                return string(prefix.contains("r"));
            }
        }
        return switch (w) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> null;
            default -> {
                pos = start;
                throw error("unknown name '" + w + "'");
            }
        };
    }

    private Object number() throws SyntaxError {
        int start = pos;
        if (peek('-') || peek('+')) {
            pos++;
        }
        boolean isFloat = false;
        while (pos < s.length()) {
            char c = s.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E') {
                isFloat = true;
                pos++;
                if ((c == 'e' || c == 'E') && pos < s.length() && (s.charAt(pos) == '-' || s.charAt(pos) == '+')) {
                    pos++;
                }
            } else if (c == 'L' || c == 'l') {
                pos++;
                break;
            } else {
                break;
            }
        }
        String text = s.substring(start, pos).replace("L", "").replace("l", "");
        try {
            if (isFloat) {
                return Double.parseDouble(text);
            }
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("bad number '" + text + "'");
        }
    }

    private String string(boolean raw) throws SyntaxError {
        char quote = s.charAt(pos);
        boolean triple = s.startsWith(String.valueOf(quote).repeat(3), pos);
        pos += triple ? 3 : 1;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos);
            if (c == quote && (!triple || s.startsWith(String.valueOf(quote).repeat(3), pos))) {
                pos += triple ? 3 : 1;
                return out.toString();
            }
            if (c == '\n' && !triple) {
                throw error("line break inside a string");
            }
            if (c == '\\') {
                if (pos + 1 >= s.length()) {
                    throw error("unterminated string");
                }
                char e = s.charAt(pos + 1);
                if (raw) {
                    out.append(c).append(e);
                    pos += 2;
                    continue;
                }
                pos += 2;
                switch (e) {
                    case '\\' -> out.append('\\');
                    case '\'' -> out.append('\'');
                    case '"' -> out.append('"');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'a' -> out.append('\u0007');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'v' -> out.append('\u000b');
                    case '\n' -> { }
                    case 'x' -> out.append((char) hex(2));
                    case 'u' -> out.append((char) hex(4));
                    case 'U' -> out.appendCodePoint(hex(8));
                    default -> {
                        if (e >= '0' && e <= '7') {
                            int v = e - '0';
                            for (int k = 0; k < 2 && pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '7'; k++) {
                                v = v * 8 + (s.charAt(pos++) - '0');
                            }
                            out.append((char) v);
                        } else {
                            out.append('\\').append(e);
                        }
                    }
                }
                continue;
            }
            out.append(c);
            pos++;
        }
    }

    private int hex(int digits) throws SyntaxError {
        if (pos + digits > s.length()) {
            throw error("truncated \\x/\\u escape");
        }
        try {
            int v = Integer.parseUnsignedInt(s.substring(pos, pos + digits), 16);
            pos += digits;
            if (v > Character.MAX_CODE_POINT) {
                throw error("escape beyond unicode");
            }
            return v;
        } catch (NumberFormatException e) {
            throw error("bad hex escape");
        }
    }

    private boolean peek(char c) {
        return pos < s.length() && s.charAt(pos) == c;
    }

    private void expect(char c) throws SyntaxError {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }
}
