package dev.sim4j.preprocess.synth;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The category tree of the synthetic dump: category {@code c} (0 = most popular) has a unique leaf name and a path
 * {@code ['Books', department, (shelf,) leaf]}. Leaf names are unique because the preprocessing identifies a
 * category by the leaf of the first path only; real-looking names with apostrophes, ampersands, commas and accents
 * exercise the metadata parser.
 */
final class Taxonomy {
    /** The Books departments; the first categories are the departments themselves (path {@code ['Books', dept]}). */
    static final String[] DEPARTMENTS = {
        "Literature & Fiction", "Mystery, Thriller & Suspense", "Science Fiction & Fantasy", "Children's Books",
        "Biographies & Memoirs", "Romance", "History", "Religion & Spirituality", "Business & Money",
        "Cookbooks, Food & Wine", "Health, Fitness & Dieting", "Self-Help", "Politics & Social Sciences",
        "Teen & Young Adult", "Arts & Photography", "Science & Math", "Computers & Technology",
        "Christian Books & Bibles", "Comics & Graphic Novels", "Crafts, Hobbies & Home", "Parenting & Relationships",
        "Travel", "Sports & Outdoors", "Humor & Entertainment", "Reference", "Education & Teaching", "Medical Books",
        "Law", "Engineering & Transportation", "Libros en español", "Gay & Lesbian", "Test Preparation"};

    private static final String[] GENRES = {
        "Biografías", "Women's Fiction", "Märchen", "Rock 'n' Roll", "Mystery", "Thrillers", "Cozy", "Hard-Boiled", "Police Procedurals", "Private Investigators", "Women Sleuths",
        "Historical Fiction", "Epic Fantasy", "Urban Fantasy", "Space Opera", "Cyberpunk", "Dystopian",
        "Alternate History", "Military", "Espionage", "Legal", "Psychological", "Supernatural", "Ghosts", "Vampires",
        "Paranormal", "Contemporary", "Regency", "Westerns", "Short Stories", "Anthologies", "Poetry", "Drama",
        "Essays", "Classics", "Literary", "Satire", "Picture Books", "Fairy Tales", "Folk Tales & Myths", "Animals",
        "Dinosaurs", "Early Readers", "Chapter Books", "Coming of Age", "Family Life", "Friendship",
        "Novela", "Ficción literaria", "Ciencia ficción", "Autoayuda", "Poesía", "Cuentos infantiles",
        "Romans policiers", "Bandes dessinées", "Krimis", "Memoirs", "Presidents & Heads of State",
        "Artists, Architects & Photographers", "Musicians", "Leaders & Notable People",
        "Children's Bibles", "Farmers' Almanacs", "Ancient", "Medieval", "Renaissance", "World War II", "Civil War",
        "Americas", "Europe", "Asia", "Africa", "Middle East", "Buddhism", "Christianity", "Islam", "Judaism",
        "Hinduism", "New Age", "Occult", "Meditation", "Yoga", "Diets", "Nutrition", "Exercise", "Mental Health",
        "Addiction & Recovery", "Personal Finance", "Investing", "Management", "Marketing", "Entrepreneurship",
        "Economics", "Baking", "Desserts", "Vegetarian & Vegan", "Regional & International", "Quick & Easy", "Wine",
        "Beer", "Programming", "Networking", "Databases", "Web Development", "Graphics & Design", "Mathematics",
        "Physics", "Chemistry", "Biology", "Astronomy", "Earth Sciences", "Nature & Ecology", "Gardening",
        "Woodworking", "Knitting", "Quilting", "Photography", "Painting", "Music", "Film", "Dance", "Architecture",
        "Fashion", "Manga", "Superheroes", "Graphic Novels", "Travel Writing", "Hiking & Camping", "Fishing",
        "Hunting", "Baseball", "Football", "Golf", "Soccer", "Cycling", "Mountaineering", "Dictionaries",
        "Encyclopedias", "Foreign Language Study", "Writing", "Test Guides", "Nursing", "Psychology", "Philosophy",
        "Sociology", "Anthropology", "True Crime", "Serial Killers", "Political Science", "Elections",
        "Men's Adventure", "Sea Adventures", "Action & Adventure", "Horror", "Zombies", "Teen Romance", "Humor",
        "Cuisine française", "Ciencias sociales", "Geschichte", "Études littéraires", "Mother's Day"};

    private static final String[] SHELVES = {"Genre Fiction", "Subjects", "Specialty Stores", "Themes", "Literary"};

    private final String[] leaves;
    private final List<List<String>> paths;

    Taxonomy(int categories, long seed) {
        leaves = names(categories).toArray(String[]::new);
        paths = new ArrayList<>(categories);
        for (int c = 0; c < categories; c++) {
            if (c < DEPARTMENTS.length) {
                paths.add(List.of("Books", leaves[c]));
                continue;
            }
            Rng r = Rng.of(seed, 0x7A40L, c);
            String dept = DEPARTMENTS[r.nextInt(DEPARTMENTS.length)];
            paths.add(r.chance(1.0 / 3) ? List.of("Books", dept, r.pick(SHELVES), leaves[c]) : List.of("Books", dept, leaves[c]));
        }
    }

    /** Departments first, then the genres, then "A & B" pairs of genres: unique, deterministic names. */
    private static Set<String> names(int n) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < DEPARTMENTS.length && out.size() < n; i++) {
            out.add(DEPARTMENTS[i]);
        }
        for (int i = 0; i < GENRES.length && out.size() < n; i++) {
            out.add(GENRES[i]);
        }
        for (int j = 1; j < GENRES.length && out.size() < n; j++) {
            for (int i = 0; i < j && out.size() < n; i++) {
                out.add(GENRES[i] + " & " + GENRES[j]);
            }
        }
        for (int k = 2; out.size() < n; k++) {
            for (int i = 0; i < GENRES.length && out.size() < n; i++) {
                out.add(GENRES[i] + ", Volume " + k);
            }
        }
        return out;
    }

    int size() {
        return leaves.length;
    }

    /** The category's name as the preprocessing sees it (the leaf of the first path). */
    String leaf(int c) {
        return leaves[c];
    }

    /** The category's primary path, starting with "Books". */
    List<String> path(int c) {
        return paths.get(c);
    }
}
