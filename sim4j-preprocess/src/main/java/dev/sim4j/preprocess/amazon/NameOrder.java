package dev.sim4j.preprocess.amazon;

import java.util.Comparator;

/**
 * Orders raw names by their UTF-8 bytes (= Unicode code point order), the order in which ids are assigned; it
 * differs from {@link String#compareTo} only where a surrogate pair meets a character from U+E000 to U+FFFF.
 */
public enum NameOrder implements Comparator<String> {
    INSTANCE;

    @Override
    public int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                boolean sx = Character.isSurrogate(x);
                boolean sy = Character.isSurrogate(y);
                if (sx != sy) {
                    // A surrogate half stands for a code point above U+FFFF: it sorts after every BMP character.
                    return sx ? 1 : -1;
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }
}
