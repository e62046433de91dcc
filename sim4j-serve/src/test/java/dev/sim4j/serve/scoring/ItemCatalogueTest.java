package dev.sim4j.serve.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sim4j.data.DataException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator's item catalogue: raw names with their categories, and one clear message per bad line. */
class ItemCatalogueTest {
    @TempDir
    Path dir;

    private void write(String items) throws Exception {
        Files.writeString(dir.resolve("categories.tsv"), "category\tname\n1\tBooks\n2\tScience Fiction & Fantasy\n");
        Files.writeString(dir.resolve("items.tsv"), items);
    }

    @Test
    void readsEveryItemWithItsCategoryName() throws Exception {
        write("item\tasin\tcategory\n1\t0001\t2\n2\tB00X\t1\n");
        assertThat(ItemCatalogue.read(dir)).containsExactly(new Candidate("0001", "Science Fiction & Fantasy"),
                new Candidate("B00X", "Books"));
    }

    @Test
    void badLinesNameTheFileAndLine() throws Exception {
        write("item\tasin\tcategory\n1\t0001\t2\n2\tB00X\n");
        assertThatThrownBy(() -> ItemCatalogue.read(dir)).isInstanceOf(DataException.class)
                .hasMessageContaining("items.tsv line 3: expected 'item<TAB>asin<TAB>category'");
        write("item\tasin\tcategory\n1\t0001\tx\n");
        assertThatThrownBy(() -> ItemCatalogue.read(dir)).isInstanceOf(DataException.class)
                .hasMessageContaining("line 2: the category id 'x' is not a number");
        write("item\tasin\tcategory\n1\t0001\t3\n");
        assertThatThrownBy(() -> ItemCatalogue.read(dir)).isInstanceOf(DataException.class)
                .hasMessageContaining("category id 3 is not in").hasMessageContaining("(ids 1..2)");
        write("item\tasin\tcategory\n");
        assertThatThrownBy(() -> ItemCatalogue.read(dir)).isInstanceOf(DataException.class)
                .hasMessageContaining("no items");
        Files.delete(dir.resolve("items.tsv"));
        assertThatThrownBy(() -> ItemCatalogue.read(dir)).isInstanceOf(DataException.class)
                .hasMessageContaining("items.tsv: missing");
    }
}
