package dev.sim4j.serve.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sim4j.serve.scoring.Candidate;
import dev.sim4j.serve.scoring.Search;
import dev.sim4j.serve.store.BehaviourEvent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Parses and checks request bodies: every problem is a {@link BadRequest} naming the field and what it should be,
 * never an exception from deeper down.
 */
final class Requests {
    /** The latest event time taken: 2100-01-01, in seconds. */
    static final long MAX_TIME = 4_102_444_800L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A score request. */
    record Score(String user, List<Candidate> candidates, Search search, Integer topK, boolean explain) {
    }

    /** An append request. */
    record Events(String user, List<BehaviourEvent> events) {
    }

    private Requests() {
    }

    static JsonNode body(String text) {
        if (text == null || text.isBlank()) {
            throw new BadRequest("the request body is empty; send a JSON object");
        }
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw new BadRequest("the request body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new BadRequest("the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static void onlyFields(JsonNode n, String where, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new BadRequest(where + "unknown field '" + f + "' (allowed: " + String.join(", ",
                        allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static String id(JsonNode parent, String field, String where) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw new BadRequest(where + "'" + field + "' is missing");
        }
        if (!n.isTextual()) {
            throw new BadRequest(where + "'" + field + "' must be a string, not " + n.getNodeType().name()
                    .toLowerCase(Locale.ROOT));
        }
        String s = n.asText();
        try {
            new BehaviourEvent(s, "x", 0); // the store's id rules
        } catch (IllegalArgumentException e) {
            throw new BadRequest(where + "'" + field + "': " + e.getMessage().replace("the item id", "the id"));
        }
        return s;
    }

    private static JsonNode array(JsonNode parent, String field, int max) {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            throw new BadRequest("'" + field + "' is missing");
        }
        if (!n.isArray()) {
            throw new BadRequest("'" + field + "' must be an array");
        }
        if (n.isEmpty()) {
            throw new BadRequest("'" + field + "' is empty");
        }
        if (n.size() > max) {
            throw new BadRequest("'" + field + "' has " + n.size() + " entries, more than the " + max + " allowed");
        }
        return n;
    }

    static Score score(String text, int maxCandidates) {
        JsonNode n = body(text);
        onlyFields(n, "", Set.of("user", "candidates", "search", "top_k", "explain"));
        String user = id(n, "user", "");
        JsonNode cands = array(n, "candidates", maxCandidates);
        List<Candidate> list = new ArrayList<>(cands.size());
        for (int i = 0; i < cands.size(); i++) {
            JsonNode c = cands.get(i);
            String where = "candidates[" + i + "]: ";
            if (!c.isObject()) {
                throw new BadRequest(where + "must be an object with 'item' and 'category'");
            }
            onlyFields(c, where, Set.of("item", "category"));
            list.add(new Candidate(id(c, "item", where), id(c, "category", where)));
        }
        Search search = Search.SOFT;
        JsonNode s = n.get("search");
        if (s != null && !s.isNull()) {
            String v = s.isTextual() ? s.asText().toLowerCase(Locale.ROOT) : "";
            search = switch (v) {
                case "soft" -> Search.SOFT;
                case "hard" -> Search.HARD;
                case "recent" -> Search.RECENT;
                default -> throw new BadRequest("'search' must be one of soft, hard, recent");
            };
        }
        Integer topK = null;
        JsonNode k = n.get("top_k");
        if (k != null && !k.isNull()) {
            if (!k.isIntegralNumber() || !k.canConvertToInt() || k.asInt() < 1) {
                throw new BadRequest("'top_k' must be a positive integer");
            }
            topK = k.asInt();
        }
        boolean explain = false;
        JsonNode x = n.get("explain");
        if (x != null && !x.isNull()) {
            if (!x.isBoolean()) {
                throw new BadRequest("'explain' must be true or false");
            }
            explain = x.asBoolean();
        }
        return new Score(user, list, search, topK, explain);
    }

    static Events events(String text, int maxEvents) {
        JsonNode n = body(text);
        onlyFields(n, "", Set.of("user", "events"));
        String user = id(n, "user", "");
        JsonNode evs = array(n, "events", maxEvents);
        List<BehaviourEvent> list = new ArrayList<>(evs.size());
        for (int i = 0; i < evs.size(); i++) {
            JsonNode e = evs.get(i);
            String where = "events[" + i + "]: ";
            if (!e.isObject()) {
                throw new BadRequest(where + "must be an object with 'item', 'category' and 'time'");
            }
            onlyFields(e, where, Set.of("item", "category", "time"));
            String item = id(e, "item", where);
            String category = id(e, "category", where);
            JsonNode t = e.get("time");
            if (t == null || t.isNull()) {
                throw new BadRequest(where + "'time' is missing");
            }
            if (!t.isIntegralNumber() || !t.canConvertToLong()) {
                throw new BadRequest(where + "'time' must be an integer number of seconds since 1970");
            }
            long time = t.asLong();
            if (time < 0 || time > MAX_TIME) {
                throw new BadRequest(where + "'time' " + time + " is outside 0.." + MAX_TIME + " (1970 to 2100, in "
                        + "seconds)");
            }
            list.add(new BehaviourEvent(item, category, time));
        }
        return new Events(user, list);
    }
}
