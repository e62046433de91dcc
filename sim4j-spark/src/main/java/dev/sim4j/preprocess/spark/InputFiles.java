package dev.sim4j.preprocess.spark;

import dev.sim4j.data.DataException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Plans the splits of a raw dump on the driver (file names and sizes only): a file, or a folder whose parts are read
 * in name order as if they were one file ({@code _SUCCESS}-style names starting with {@code _} or {@code .} are
 * skipped, as Spark and Hadoop do). Gzip files (recognised by their magic bytes, as the local engine does) are one
 * split each; plain files are cut into byte ranges so that about {@code partitions} tasks share the input.
 */
final class InputFiles {
    private InputFiles() {
    }

    static List<InputSplit> plan(String uri, String flag, Configuration conf, int partitions) {
        Path path = new Path(uri);
        List<FileStatus> files = new ArrayList<>();
        try {
            FileSystem fs = path.getFileSystem(conf);
            FileStatus status;
            try {
                status = fs.getFileStatus(path);
            } catch (FileNotFoundException e) {
                throw new DataException(uri + ": no such readable file (given with " + flag + ")");
            }
            if (status.isDirectory()) {
                Arrays.stream(fs.listStatus(path))
                        .filter(s -> s.isFile() && !s.getPath().getName().startsWith("_") && !s.getPath().getName().startsWith("."))
                        .sorted(Comparator.comparing(s -> s.getPath().getName()))
                        .forEach(files::add);
                if (files.isEmpty()) {
                    throw new DataException(uri + ": the folder given with " + flag + " holds no parts to read");
                }
            } else {
                files.add(status);
            }
            long plainBytes = 0;
            boolean[] gzip = new boolean[files.size()];
            for (int i = 0; i < files.size(); i++) {
                gzip[i] = isGzip(fs, files.get(i));
                if (!gzip[i]) {
                    plainBytes += files.get(i).getLen();
                }
            }
            long splitBytes = Math.max(1, (plainBytes + partitions - 1) / Math.max(1, partitions));
            List<InputSplit> splits = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                FileStatus f = files.get(i);
                String name = f.getPath().toString();
                if (gzip[i] || f.getLen() <= splitBytes) {
                    splits.add(new InputSplit(name, 0, f.getLen(), true));
                } else {
                    for (long s = 0; s < f.getLen(); s += splitBytes) {
                        splits.add(new InputSplit(name, s, Math.min(f.getLen(), s + splitBytes), false));
                    }
                }
            }
            return splits;
        } catch (IOException e) {
            throw new DataException(uri + ": cannot read (given with " + flag + "): " + e.getMessage(), e);
        }
    }

    private static boolean isGzip(FileSystem fs, FileStatus f) throws IOException {
        if (f.getLen() < 2) {
            return false;
        }
        try (FSDataInputStream in = fs.open(f.getPath())) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** The bytes of the lines a split owns (see {@link InputSplit}), or the whole file. */
    static InputStream open(InputSplit split, Configuration conf) throws IOException {
        Path path = new Path(split.file());
        FSDataInputStream in = path.getFileSystem(conf).open(path);
        if (split.whole()) {
            return in;
        }
        return new SplitStream(in, split.start(), split.end());
    }

    /**
     * The lines starting in {@code [start, end)}: skips the line that began before {@code start}, and reads past
     * {@code end} to the end of the last line that began before it.
     */
    private static final class SplitStream extends InputStream {
        private final FSDataInputStream in;
        private final long end;
        private long pos;
        private boolean done;

        SplitStream(FSDataInputStream in, long start, long end) throws IOException {
            this.in = in;
            this.end = end;
            if (start > 0) {
                in.seek(start - 1);
                pos = start - 1;
                int b;
                while ((b = in.read()) >= 0) {
                    pos++;
                    if (b == '\n') {
                        break;
                    }
                }
                if (b < 0) {
                    done = true;
                }
            }
            if (pos >= end) {
                done = true;  // no line starts in this split
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            if (pos < end) {
                int n = in.read(b, off, (int) Math.min(len, end - pos));
                if (n < 0) {
                    done = true;
                    return -1;
                }
                pos += n;
                // A split that ends just after a newline owns nothing more.
                if (pos == end && b[off + n - 1] == '\n') {
                    done = true;
                }
                return n;
            }
            // Past the end: finish the line that began before it, byte by byte.
            int n = 0;
            while (n < len) {
                int c = in.read();
                if (c < 0) {
                    done = true;
                    break;
                }
                pos++;
                b[off + n++] = (byte) c;
                if (c == '\n') {
                    done = true;
                    break;
                }
            }
            return n == 0 ? -1 : n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
