package dev.sim4j.preprocess.spark;

import dev.sim4j.preprocess.amazon.PreprocessEngine;
import dev.sim4j.preprocess.amazon.PreprocessOptions;
import dev.sim4j.preprocess.amazon.PreprocessStats;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code --engine spark}: runs the Amazon preprocessing as a Spark application, on {@code local[*]} by default, on
 * the master given, or on the one {@code spark-submit} set. A session this engine starts it also stops.
 */
public final class SparkPreprocessEngine implements PreprocessEngine {
    @Override
    public String name() {
        return "spark";
    }

    @Override
    public PreprocessStats run(PreprocessOptions options, String reviews, String meta, String master, int partitions) {
        boolean launched = SparkSession.getActiveSession().isDefined() || System.getProperty("spark.master") != null;
        SparkConf conf = new SparkConf().setAppName("sim4j preprocess amazon");
        String where = master != null ? master : conf.get("spark.master", "local[*]");
        conf.setMaster(where);
        conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        conf.setIfMissing("spark.kryo.registrationRequired", "false");
        if (where.startsWith("local")) {
            // One machine: no web UI, and the driver on the loopback address (a host name may not resolve).
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        SparkSession session = SparkSession.builder().config(conf).getOrCreate();
        try {
            JavaSparkContext spark = JavaSparkContext.fromSparkContext(session.sparkContext());
            int p = partitions > 0 ? partitions : Math.max(2, spark.defaultParallelism());
            return new SparkAmazonJob(spark, options, reviews, meta, p).run();
        } finally {
            if (!launched) {
                session.stop();
            }
        }
    }
}
