package dev.sim4j.preprocess.spark;

import dev.sim4j.data.DataException;
import dev.sim4j.preprocess.amazon.LineBlocks;
import dev.sim4j.preprocess.amazon.MetadataLineParser;
import dev.sim4j.preprocess.amazon.ReviewLineParser;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;

/**
 * The outcomes of one split's lines, parsed block by block with the local engine's parsers (so a line is accepted or
 * skipped, for the same reason, whichever engine reads it), then the split's totals. Holds one block at a time.
 */
final class ParsedSplit implements Iterator<LineOutcome> {
    private final int split;
    private final boolean reviews;
    private final LineBlocks blocks;
    private final ReviewLineParser reviewParser = new ReviewLineParser();
    private final MetadataLineParser metadataParser = new MetadataLineParser();
    private final ArrayDeque<LineOutcome> pending = new ArrayDeque<>();
    private long lines;
    private boolean finished;

    ParsedSplit(InputSplit input, int split, boolean reviews, Configuration conf) {
        this.split = split;
        this.reviews = reviews;
        try {
            this.blocks = new LineBlocks(input.file(), InputFiles.open(input, conf));
        } catch (IOException e) {
            throw new DataException(input.file() + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasNext() {
        while (pending.isEmpty() && !finished) {
            LineBlocks.Block block = blocks.next();
            if (block == null) {
                pending.add(LineOutcome.totals(split, lines, blocks.truncatedAtLine()));
                blocks.close();
                finished = true;
            } else if (reviews) {
                ReviewLineParser.Parsed p = reviewParser.parse(block);
                p.skipped().forEach(s -> pending.add(LineOutcome.skipped(split, s.line(), s.reason())));
                for (int i = 0; i < p.count(); i++) {
                    pending.add(LineOutcome.review(p.users().get(i), p.items().get(i), p.times()[i]));
                }
                lines += p.lines();
            } else {
                MetadataLineParser.Parsed p = metadataParser.parse(block);
                p.skipped().forEach(s -> pending.add(LineOutcome.skipped(split, s.line(), s.reason())));
                for (int i = 0; i < p.asins().size(); i++) {
                    pending.add(LineOutcome.metadata(split, p.lineNumbers().get(i), p.asins().get(i),
                            p.categories().get(i)));
                }
                lines += p.lines();
            }
        }
        return !pending.isEmpty();
    }

    @Override
    public LineOutcome next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.poll();
    }
}
