package dev.sim4j.preprocess.spark;

import java.io.Serializable;

/**
 * A piece of a raw dump that one Spark task reads: the lines that start in bytes {@code [start, end)} of {@code file}
 * (a whole file when {@code whole}: gzip streams cannot be split). Splits are numbered in file order, so the line
 * numbers of the input are each split's own, offset by the lines of the splits before it.
 *
 * @param file  the file's URI
 * @param start first byte (a line starting there belongs to this split)
 * @param end   end byte, exclusive (a line starting before it and ending after it still belongs here)
 * @param whole read the whole file, compressed or not
 */
record InputSplit(String file, long start, long end, boolean whole) implements Serializable {
}
