package dev.sim4j.preprocess.synth;

/**
 * Builds the free-text fields (review texts, summaries, titles, descriptions, reviewer names) from fixed word lists.
 * The texts carry no signal; they exist so that files have the real dump's size, and they deliberately contain what
 * parsers get wrong: both quote kinds, apostrophes, backslashes, HTML entities, newlines, accented letters, curly
 * quotes, and characters Python's repr escapes (no-break space, soft hyphen, zero-width space).
 */
final class TextMaker {
    private static final String[] WORDS = (
            "the book story author read reading pages characters plot ending chapter chapters novel series world "
            + "life time people way years day love family friends history writing style page first last great good "
            + "really very much well little long new old best better enjoyed liked loved recommend found thought "
            + "felt made make know think see could would should never always just also still even again though "
            + "through about into over after before while because since until every each other another some many "
            + "most more less few all both only own same such than then there here when where why how what which "
            + "who whom this that these those it its he she they them his her their we our you your i me my "
            + "and but or so if as at by for from in of on to with without under between against during "
            + "war peace king queen city town house home school church journey mystery murder detective secret "
            + "truth lies power magic dragon ship sea river mountain forest road night morning summer winter "
            + "heart mind soul faith hope fear anger joy wonderful amazing boring slow fast easy hard clear dark "
            + "funny sad beautiful brilliant simple complex interesting important helpful useful wrong right "
            + "edition copy cover kindle hardcover paperback print author's reader's readers writer narrator voice "
            + "don't can't wasn't it's I'm didn't isn't couldn't won't "
            + "café naïve déjà façade über résumé señor Brontë Zoë piñata crème brûlée fiancée São Tomé"
            ).split(" ");

    private static final String[] SUMMARY_WORDS = {
        "Great", "read", "Wonderful", "book", "A", "must", "Loved", "it", "Not", "worth", "the", "money",
        "Disappointing", "Excellent", "story", "Five", "stars", "Good", "but", "slow", "Highly", "recommended",
        "Couldn't", "put", "it", "down", "Classic", "Boring", "Beautiful", "writing", "Fun", "for", "kids",
        "Informative", "Okay", "Brilliant", "Page-turner", "Meh", "Superb", "Fantástico", "Très", "bien"};

    private static final String[] FIRST = {
        "John", "Mary", "James", "Linda", "Robert", "Patricia", "Michael", "Barbara", "David", "Susan", "Karen",
        "Richard", "Nancy", "Thomas", "Lisa", "Daniel", "Sarah", "Paul", "Emily", "Mark", "José", "María", "Zoë",
        "François", "Björn", "Søren", "Renée", "Chloé", "Jürgen", "Ana", "Siobhán", "Nguyễn", "Mohammed", "Yuki"};

    private static final String[] LAST = {
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Garcia", "Rodriguez", "Wilson",
        "Martinez", "Anderson", "Taylor", "Thomas", "Moore", "McDonald", "O'Brien", "O'Connor", "García", "Müller",
        "Łukasiewicz", "Dvořák", "Schröder", "Núñez", "D'Angelo", "van der Berg", "Kowalski", "Nakamura"};

    private static final String[] NICKS = {
        "bookworm", "avid reader", "mom of 3", "physics geek", "Book Lover", "reader", "Teacher", "grandma",
        "Sci-Fi fan", "retired librarian", "J's mom", "\"Doc\""};

    private static final String[] TITLE_EXTRAS = {
        ": A Novel", " (Book 1)", " (Vintage Classics)", ": A Memoir", " - Revised Edition", " (Penguin Classics)",
        ": Stories", " [Paperback]"};

    private TextMaker() {
    }

    /** A review text: sentences whose total word count is log-normal (median 25, mean about 37 words, about 250 characters). */
    static String reviewText(Rng r) {
        int words = (int) Math.min(5_000, Math.max(3, StrictMath.exp(3.2 + 0.9 * r.gaussian())));
        StringBuilder sb = new StringBuilder(words * 6);
        sentences(r, sb, words);
        return sb.toString();
    }

    /** A description: one to four sentences, sometimes split into lines, sometimes with HTML or escapes. */
    static String description(Rng r) {
        StringBuilder sb = new StringBuilder(256);
        int words = r.between(8, 90);
        sentences(r, sb, words);
        if (r.chance(0.15)) {
            sb.append("\n\n").append("<b>About the author</b>: ").append(r.pick(FIRST)).append(' ').append(r.pick(LAST))
                    .append(" lives in ").append(r.chance(0.5) ? "Montréal" : "New York").append('.');
        }
        if (r.chance(0.05)) {
            sb.append(" Path: C:\\Books\\notes.txt");
        }
        if (r.chance(0.05)) {
            sb.append(" mar\u00ADvel\u00ADous\u200B end");
        }
        return sb.toString();
    }

    /** A title in title case, sometimes with an apostrophe, both quote kinds, an entity, an accent or a no-break space. */
    static String title(Rng r) {
        StringBuilder sb = new StringBuilder(48);
        int n = r.between(1, 6);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(r.chance(0.03) ? '\u00A0' : ' ');
            }
            capitalized(sb, r.pick(WORDS));
        }
        double v = r.nextDouble();
        if (v < 0.10) {
            sb.insert(0, r.pick(LAST) + "'s ");
        } else if (v < 0.13) {
            sb.append(": He Said \"Don't\"");
        } else if (v < 0.16) {
            sb.append(" &amp; Other Stories");
        } else if (v < 0.18) {
            sb.insert(0, "\"").append('"');
        }
        if (r.chance(0.15)) {
            sb.append(r.pick(TITLE_EXTRAS));
        }
        return sb.toString();
    }

    /** A review summary: two to seven words. */
    static String summary(Rng r) {
        StringBuilder sb = new StringBuilder(40);
        int n = r.between(2, 7);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(r.pick(SUMMARY_WORDS));
        }
        double v = r.nextDouble();
        if (v < 0.15) {
            sb.append('!');
        } else if (v < 0.18) {
            sb.append(" \"").append(r.pick(SUMMARY_WORDS)).append('"');
        }
        return sb.toString();
    }

    /** A reviewer name, or null when the review has none (the key is then absent). */
    static String reviewerName(Rng r) {
        double v = r.nextDouble();
        if (v < 0.06) {
            return null;
        }
        if (v < 0.14) {
            return "Amazon Customer";
        }
        if (v < 0.16) {
            return "A Customer";
        }
        if (v < 0.21) {
            return r.pick(WORDS).replace("'", "") + "_" + r.nextInt(100);
        }
        String first = r.pick(FIRST);
        String last = r.pick(LAST);
        String name = switch (r.nextInt(3)) {
            case 0 -> first + " " + last;
            case 1 -> first.charAt(0) + ". " + last;
            default -> first + " " + (char) ('A' + r.nextInt(26)) + ". " + last;
        };
        return r.chance(0.12) ? name + " \"" + r.pick(NICKS) + "\"" : name;
    }

    private static void sentences(Rng r, StringBuilder sb, int words) {
        int left = words;
        while (left > 0) {
            int len = Math.min(left, r.between(4, 22));
            if (sb.length() > 0) {
                sb.append(r.chance(0.02) ? "\n" : " ");
            }
            boolean quote = r.chance(0.04);
            for (int i = 0; i < len; i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                if (quote && i == len / 2) {
                    sb.append('"');
                }
                String w = r.pick(WORDS);
                if (i == 0) {
                    capitalized(sb, w);
                } else {
                    sb.append(w);
                }
                if (quote && i == len / 2) {
                    sb.append('"');
                } else if (i < len - 1 && r.chance(0.06)) {
                    sb.append(',');
                }
            }
            double end = r.nextDouble();
            sb.append(end < 0.85 ? "." : end < 0.95 ? "!" : end < 0.98 ? "?" : " \u2014 \u201Cindeed\u201D.");
            left -= len;
        }
    }

    private static void capitalized(StringBuilder sb, String w) {
        sb.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
    }
}
