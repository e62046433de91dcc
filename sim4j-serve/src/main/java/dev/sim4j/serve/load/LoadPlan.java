package dev.sim4j.serve.load;

import java.net.URI;

/**
 * What a load test sends.
 *
 * @param url          the service's base URL, e.g. http://127.0.0.1:8080
 * @param rate         score requests per second, sent on schedule whatever the answers (open loop)
 * @param seconds      how long to send, timed
 * @param warmupSeconds how long to send first on the same schedule, untimed: the sender's HTTP client, its
 *                     connections and the service's compiled code warm up before the timed requests
 * @param candidates   candidates per score request
 * @param users        users the requests are spread over (created first, see {@code history})
 * @param history      events each user gets before timing (0: use the store's users as they are)
 * @param search       soft, hard or recent
 * @param items        item ids to draw candidates and events from, with their categories
 * @param categories   the category of each of {@code items}
 * @param authToken    the bearer token for the set-up writes (null: none)
 * @param seed         seed of every draw
 */
public record LoadPlan(URI url, double rate, double seconds, double warmupSeconds, int candidates, int users, int history, String search,
                       String[] items, String[] categories, String authToken, long seed) {
}
