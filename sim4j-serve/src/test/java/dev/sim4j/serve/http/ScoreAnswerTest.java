package dev.sim4j.serve.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.serve.scoring.Candidate;
import dev.sim4j.serve.scoring.CandidateScorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The streamed score answer is character for character what the object mapper wrote for the same fields as nested maps (the
 * answer before it), over ids that need escaping or are not ASCII, special floats, and with and without explanations.
 */
class ScoreAnswerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] ODD = {"A1", "\"quoted\"", "back\\slash", "tab\there", "line\nbreak", "ünï", "日本",
        "emoji \uD83D\uDE00", "\u2028", "ctl\u0001", "</script>"};
    private static final float[] SPECIAL = {0f, -0f, 1e-45f, 3.4028235e38f, Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, 0.1f, 1f / 3};

    /** The answer as the service built it before: maps serialised by the object mapper. */
    private static String asMaps(String user, String search, int read, List<Candidate> cands,
                                 CandidateScorer.Scores s) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>(cands.size());
        for (int i = 0; i < cands.size(); i++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("item", cands.get(i).item());
            m.put("score", s.probabilities()[i]);
            m.put("logit", s.logits()[i]);
            if (s.explanations() != null) {
                List<Map<String, Object>> why = new ArrayList<>();
                for (CandidateScorer.Selected e : s.explanations().get(i)) {
                    Map<String, Object> w = new LinkedHashMap<>();
                    w.put("item", e.item());
                    w.put("category", e.category());
                    w.put("position", e.position());
                    w.put("weight", e.weight());
                    why.add(w);
                }
                m.put("explain", why);
            }
            out.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", user);
        body.put("search", search);
        body.put("history_events", read);
        body.put("scores", out);
        return JSON.writeValueAsString(body);
    }

    @Test
    void writesTheBytesTheMapsGave() throws Exception {
        SplittableRandom rnd = new SplittableRandom(12);
        for (int round = 0; round < 300; round++) {
            int n = 1 + rnd.nextInt(20);
            List<Candidate> cands = new ArrayList<>();
            float[] logits = new float[n];
            float[] probs = new float[n];
            List<List<CandidateScorer.Selected>> why = round % 2 == 0 ? null : new ArrayList<>();
            for (int i = 0; i < n; i++) {
                cands.add(new Candidate(ODD[rnd.nextInt(ODD.length)] + i, "C" + i));
                logits[i] = rnd.nextInt(4) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : (float) rnd.nextGaussian();
                probs[i] = rnd.nextInt(4) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : (float) rnd.nextDouble();
                if (why != null) {
                    List<CandidateScorer.Selected> sel = new ArrayList<>();
                    for (int j = rnd.nextInt(4); j > 0; j--) {
                        sel.add(new CandidateScorer.Selected(ODD[rnd.nextInt(ODD.length)], j % 2 == 0 ? "" : "Kids",
                                rnd.nextInt(90), (float) rnd.nextDouble()));
                    }
                    why.add(sel);
                }
            }
            CandidateScorer.Scores s = new CandidateScorer.Scores(logits, probs, rnd.nextInt(10_000), why);
            String user = ODD[rnd.nextInt(ODD.length)];
            String search = List.of("soft", "hard", "recent").get(round % 3);
            assertThat(ScoreAnswer.write(user, search, s.historyEvents(), cands, s))
                    .as("round " + round)
                    .isEqualTo(asMaps(user, search, s.historyEvents(), cands, s));
        }
    }
}
