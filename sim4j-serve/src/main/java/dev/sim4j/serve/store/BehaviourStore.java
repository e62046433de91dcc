package dev.sim4j.serve.store;

import dev.sim4j.data.OutputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Every user's lifelong behaviour history, on disk in RocksDB (ADR 0009): the events in time order per user, and the
 * same events again under (user, category), the SIM paper's User Behavior Tree, so that a hard search reads one
 * category's events without touching the others. An {@link #append} returns once the events are in the synced
 * write-ahead log: an acknowledged event survives a crash. Thread-safe; appends to one user are serialised.
 */
public final class BehaviourStore implements AutoCloseable {
    private static final int LOCK_STRIPES = 64;

    private final Path dir;
    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final ColumnFamilyHandle events;
    private final ColumnFamilyHandle byCategory;
    private final ColumnFamilyHandle users;
    private final List<ColumnFamilyHandle> handles;
    private final WriteOptions durable = new WriteOptions().setSync(true);
    private final WriteOptions bulk = new WriteOptions().setSync(false);
    private final ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];
    private boolean closed;

    static {
        RocksDB.loadLibrary();
    }

    private BehaviourStore(Path dir, RocksDB db, DBOptions dbOptions, ColumnFamilyOptions cfOptions,
                           List<ColumnFamilyHandle> handles) {
        this.dir = dir;
        this.db = db;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.handles = handles;
        this.events = handles.get(1);
        this.byCategory = handles.get(2);
        this.users = handles.get(3);
        for (int i = 0; i < LOCK_STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * Opens the store in {@code dir}, creating it (and the folder) when missing.
     *
     * @throws OutputException if the folder cannot be created or written, holds something that is not a store, or
     *                         another process has the store open
     */
    public static BehaviourStore open(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new OutputException(dir + ": cannot create the store folder: " + e.getMessage(), e);
        }
        DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2);
        ColumnFamilyOptions cf = new ColumnFamilyOptions().setCompressionType(CompressionType.LZ4_COMPRESSION);
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cf),
                new ColumnFamilyDescriptor(StoreKeys.utf8("events"), cf),
                new ColumnFamilyDescriptor(StoreKeys.utf8("by_category"), cf),
                new ColumnFamilyDescriptor(StoreKeys.utf8("users"), cf));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
            return new BehaviourStore(dir, db, dbOptions, cf, handles);
        } catch (RocksDBException e) {
            dbOptions.close();
            cf.close();
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            String hint = why.contains("lock") ? " (another sim4j process has this store open)" : "";
            throw new OutputException(dir + ": cannot open the behaviour store: " + why + hint, e);
        }
    }

    public Path dir() {
        return dir;
    }

    private ReentrantLock lock(String user) {
        return stripes[Math.floorMod(user.hashCode(), LOCK_STRIPES)];
    }

    /** Appends {@code list} to {@code user}'s history; returns once it is durable (synced write-ahead log). */
    public void append(String user, List<BehaviourEvent> list) {
        write(user, list, durable);
    }

    /** As {@link #append}, without waiting for the disk: for bulk loads, which end with {@link #flush()}. */
    public void appendUnsynced(String user, List<BehaviourEvent> list) {
        write(user, list, bulk);
    }

    private void write(String user, List<BehaviourEvent> list, WriteOptions options) {
        StoreKeys.requireId(user, "user");
        if (list.isEmpty()) {
            return;
        }
        byte[] u = StoreKeys.utf8(user);
        byte[] prefix = StoreKeys.userPrefix(u);
        ReentrantLock lock = lock(user);
        lock.lock();
        try (WriteBatch batch = new WriteBatch()) {
            byte[] meta = db.get(users, u);
            long count = meta == null ? 0 : ByteBuffer.wrap(meta).getLong(0);
            long seq = meta == null ? 0 : ByteBuffer.wrap(meta).getLong(8);
            for (BehaviourEvent e : list) {
                byte[] item = StoreKeys.utf8(e.item());
                byte[] category = StoreKeys.utf8(e.category());
                batch.put(events, StoreKeys.withSuffix(prefix, e.time(), seq), StoreKeys.eventValue(item, category));
                batch.put(byCategory, StoreKeys.withSuffix(StoreKeys.categoryPrefix(u, category), e.time(), seq), item);
                seq++;
            }
            batch.put(users, u, StoreKeys.userValue(count + list.size(), seq));
            db.write(options, batch);
        } catch (RocksDBException e) {
            throw new OutputException(dir + ": cannot write to the behaviour store: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /** The last {@code limit} events of {@code user}, most recent first (empty for an unknown user). */
    public List<BehaviourEvent> history(String user, int limit) {
        StoreKeys.requireId(user, "user");
        try (ReadOptions ro = new ReadOptions()) {
            return history(StoreKeys.utf8(user), limit, ro);
        }
    }

    private List<BehaviourEvent> history(byte[] user, int limit, ReadOptions ro) {
        byte[] prefix = StoreKeys.userPrefix(user);
        List<BehaviourEvent> out = new ArrayList<>();
        backwards(events, prefix, StoreKeys.last(prefix), ro, (key, value) -> {
            if (out.size() >= limit) {
                return false;
            }
            out.add(StoreKeys.eventOf(key, value));
            return true;
        });
        return out;
    }

    /**
     * The user's version: a number that grows with every append of events to the user (the user's append counter)
     * and is 0 for a user with none. One point read, for checking a copy of a history still holds.
     */
    public long version(String user) {
        StoreKeys.requireId(user, "user");
        try {
            return nextSeq(db.get(users, StoreKeys.utf8(user)));
        } catch (RocksDBException e) {
            throw new OutputException(dir + ": cannot read the behaviour store: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #history(String, int)}, with the user's {@link #version} read from the same snapshot of the store:
     * an append between the two cannot make them disagree.
     */
    public VersionedHistory versionedHistory(String user, int limit) {
        StoreKeys.requireId(user, "user");
        byte[] u = StoreKeys.utf8(user);
        org.rocksdb.Snapshot snapshot = db.getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
            long version = nextSeq(db.get(users, ro, u));
            return new VersionedHistory(version, history(u, limit, ro));
        } catch (RocksDBException e) {
            throw new OutputException(dir + ": cannot read the behaviour store: " + e.getMessage(), e);
        } finally {
            db.releaseSnapshot(snapshot);
        }
    }

    private static long nextSeq(byte[] meta) {
        return meta == null ? 0 : ByteBuffer.wrap(meta).getLong(8);
    }

    /**
     * Visits the keys of {@code cf} that start with {@code prefix}, from the greatest one at or below {@code start}
     * backwards (newest first), until {@code visit} returns false.
     */
    private void backwards(ColumnFamilyHandle cf, byte[] prefix, byte[] start,
                           java.util.function.BiPredicate<byte[], byte[]> visit) {
        try (ReadOptions ro = new ReadOptions()) {
            backwards(cf, prefix, start, ro, visit);
        }
    }

    private void backwards(ColumnFamilyHandle cf, byte[] prefix, byte[] start, ReadOptions ro,
                           java.util.function.BiPredicate<byte[], byte[]> visit) {
        try (RocksIterator it = db.newIterator(cf, ro)) {
            for (it.seekForPrev(start); it.isValid(); it.prev()) {
                byte[] key = it.key();
                if (!StoreKeys.startsWith(key, prefix) || !visit.test(key, it.value())) {
                    return;
                }
            }
        }
    }

    /**
     * The last {@code limit} events of {@code user} in {@code category}, most recent first: the hard search, which
     * reads only that category's part of the user's tree.
     */
    public List<BehaviourEvent> categoryHistory(String user, String category, int limit) {
        StoreKeys.requireId(user, "user");
        StoreKeys.requireId(category, "category");
        byte[] prefix = StoreKeys.categoryPrefix(StoreKeys.utf8(user), StoreKeys.utf8(category));
        List<BehaviourEvent> out = new ArrayList<>();
        backwards(byCategory, prefix, StoreKeys.last(prefix), (key, value) -> {
            if (out.size() >= limit) {
                return false;
            }
            out.add(new BehaviourEvent(new String(value, java.nio.charset.StandardCharsets.UTF_8), category,
                    StoreKeys.timeOf(key)));
            return true;
        });
        return out;
    }

    /**
     * The hard search's window, read through the category index: the user's {@code recent} most recent events,
     * then the most recent {@code older} events of {@code category} that come before all of them, newest first.
     * Only that category's branch of the tree is read beyond the recent events.
     */
    public List<BehaviourEvent> hardWindow(String user, String category, int recent, int older) {
        StoreKeys.requireId(user, "user");
        StoreKeys.requireId(category, "category");
        byte[] u = StoreKeys.utf8(user);
        byte[] prefix = StoreKeys.userPrefix(u);
        List<BehaviourEvent> out = new ArrayList<>();
        byte[][] oldestRecent = {null};
        backwards(events, prefix, StoreKeys.last(prefix), (key, value) -> {
            if (out.size() >= recent) {
                return false;
            }
            out.add(StoreKeys.eventOf(key, value));
            oldestRecent[0] = key;
            return true;
        });
        if (out.size() < recent || older <= 0) {
            return out; // the whole history is recent: nothing older to search
        }
        byte[] cprefix = StoreKeys.categoryPrefix(u, StoreKeys.utf8(category));
        byte[] bound = java.util.Arrays.copyOf(cprefix, cprefix.length + 16);
        System.arraycopy(oldestRecent[0], oldestRecent[0].length - 16, bound, cprefix.length, 16);
        int limit = out.size() + older;
        backwards(byCategory, cprefix, bound, (key, value) -> {
            if (java.util.Arrays.equals(key, bound)) {
                return true; // the oldest recent event itself
            }
            if (out.size() >= limit) {
                return false;
            }
            out.add(new BehaviourEvent(new String(value, java.nio.charset.StandardCharsets.UTF_8), category,
                    StoreKeys.timeOf(key)));
            return true;
        });
        return out;
    }

    /** Events stored for {@code user} (0 when unknown). */
    public long eventCount(String user) {
        StoreKeys.requireId(user, "user");
        try {
            byte[] meta = db.get(users, StoreKeys.utf8(user));
            return meta == null ? 0 : ByteBuffer.wrap(meta).getLong(0);
        } catch (RocksDBException e) {
            throw new OutputException(dir + ": cannot read the behaviour store: " + e.getMessage(), e);
        }
    }

    /** Users, events and bytes on disk (a scan of the per-user counts: seconds for millions of users). */
    public StoreStats stats() {
        long userCount = 0;
        long eventTotal = 0;
        try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(users, ro)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                userCount++;
                eventTotal += ByteBuffer.wrap(it.value()).getLong(0);
            }
        }
        return new StoreStats(userCount, eventTotal, folderBytes());
    }

    private long folderBytes() {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // a file compaction just removed
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bytes of table files and memtables of all column families, from RocksDB's own counters: cheap, for metrics
     * (the write-ahead log is not counted; {@link #stats()} walks the folder for the exact figure).
     */
    public long approximateBytes() {
        long total = 0;
        try {
            for (ColumnFamilyHandle h : handles) {
                total += db.getLongProperty(h, "rocksdb.total-sst-files-size");
                total += db.getLongProperty(h, "rocksdb.cur-size-all-mem-tables");
            }
        } catch (RocksDBException e) {
            throw new OutputException(dir + ": cannot read the store's size: " + e.getMessage(), e);
        }
        return total;
    }

    /** RocksDB's estimate of the users stored (cheap, for metrics). */
    public long approximateUsers() {
        try {
            return db.getLongProperty(users, "rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            throw new OutputException(dir + ": cannot read the store's size: " + e.getMessage(), e);
        }
    }

    /** Makes everything written so far durable: the memtables flushed to table files (ends a bulk load). */
    public void flush() {
        try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
            db.flush(fo, handles);
            db.syncWal();
        } catch (RocksDBException e) {
            throw new OutputException(dir + ": cannot flush the behaviour store: " + e.getMessage(), e);
        }
    }

    /** Closes the database (idempotent); reads and writes afterwards fail. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        durable.close();
        bulk.close();
        dbOptions.close();
        cfOptions.close();
    }
}
