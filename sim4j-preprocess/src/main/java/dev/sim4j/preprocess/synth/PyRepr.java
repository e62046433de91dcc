package dev.sim4j.preprocess.synth;

import java.util.List;

/**
 * Python 3's {@code repr} of the values in the metadata file: {@code str}, {@code int}, {@code float}, lists of
 * them. The real {@code meta_Books.json} was written as {@code str(dict)}, so a line must read back with
 * {@code ast.literal_eval} and be exactly what {@code repr} would print for the parsed value.
 */
final class PyRepr {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private PyRepr() {
    }

    /**
     * A string as {@code repr(str)} writes it: single quotes unless the text holds a single quote and no double
     * quote; backslash, the chosen quote, tab, newline and carriage return escaped; other control and non-printable
     * characters as {@code \xNN}, {@code \\uNNNN} or {@code \UNNNNNNNN}; printable non-ASCII text written raw.
     */
    static void str(StringBuilder sb, String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        sb.append(quote);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == quote || cp == '\\') {
                sb.append('\\').append((char) cp);
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (cp >= 0x20 && cp < 0x7f) {
                sb.append((char) cp);
            } else if (cp < 0x80 || !printable(cp)) {
                escape(sb, cp);
            } else {
                sb.appendCodePoint(cp);
            }
        }
        sb.append(quote);
    }

    /** A list of strings: {@code ['a', 'b']}. */
    static void strList(StringBuilder sb, List<String> values) {
        sb.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            str(sb, values.get(i));
        }
        sb.append(']');
    }

    /** A float as {@code repr(float)}: the shortest round-trip digits; Java's {@code Double.toString} agrees in [1e-3, 1e7). */
    static void decimal(StringBuilder sb, double v) {
        if (!(Math.abs(v) >= 1e-3 && Math.abs(v) < 1e7)) {
            throw new IllegalArgumentException("no Python-compatible rendering for " + v);
        }
        sb.append(Double.toString(v));
    }

    /** Python's {@code str.isprintable} for one non-ASCII code point: not a separator, control, format or unassigned. */
    static boolean printable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                 Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    private static void escape(StringBuilder sb, int cp) {
        if (cp <= 0xff) {
            sb.append("\\x");
            hex(sb, cp, 2);
        } else if (cp <= 0xffff) {
            sb.append("\\u");
            hex(sb, cp, 4);
        } else {
            sb.append("\\U");
            hex(sb, cp, 8);
        }
    }

    private static void hex(StringBuilder sb, int v, int digits) {
        for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) {
            sb.append(HEX[(v >>> shift) & 0xf]);
        }
    }
}
