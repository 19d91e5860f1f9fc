package io.clout.jobs.score;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Ids numbered 0..n-1 in id order, for {@link Propagator#inMemory}: on each core, the ids of its
 * share of the edges as the rows give them ({@link #strings}, {@link #longs}); in the one task,
 * every share's distinct ids together ({@link #of}; an id in several shares is there once for
 * each). The ids are sorted by a 64-bit key with a radix sort, then numbered in one sweep, equal
 * ids once: a sort's passes read memory in order and write it to 256 places at a time, where a hash
 * table of the ids waited on memory for nearly every id. A long id's key is the id (its sign bit
 * flipped: numeric order). A string id's key is made of its first 8 bytes after the prefix that all
 * the ids share, so that keys in order are ids in Java's string order; ids whose keys tie (longer
 * ids, and ids with a character beyond ASCII or NUL in their first 8 bytes) are ordered by their
 * text, as Java orders strings, long runs of ASCII ids by radix sorts of their next 8 bytes. Bytes
 * that are not UTF-8 decode to U+FFFD, so two such ids can have one text, and are one person.
 */
final class IdOrder {
  private IdOrder() {}

  /** {@code numbers[j][i]}: the number of share j's id i; {@code names[number]}: its text. */
  record Numbered(int[][] numbers, String[] names) {}

  /**
   * {@code number[id]}: an id's place among the distinct ids; {@code first[number]}: an id there.
   */
  record Sorted(int[] number, int[] first) {}

  static Numbered of(List<Propagator.Share> shares) {
    int[] offsets = new int[shares.size() + 1];
    for (int j = 0; j < shares.size(); j++) {
      offsets[j + 1] = offsets[j] + shares.get(j).ids();
    }
    int n = offsets[shares.size()];
    IntFunction<String> text;
    Sorted sorted;
    if (!shares.isEmpty() && shares.get(0).longIds() != null) {
      long[] ids = new long[n];
      for (int j = 0; j < shares.size(); j++) {
        System.arraycopy(shares.get(j).longIds(), 0, ids, offsets[j], shares.get(j).ids());
      }
      sorted = longs(ids, n);
      text = i -> Long.toString(ids[i]);
    } else {
      int[] ends = new int[n];
      byte[] bytes = new byte[shares.stream().mapToInt(s -> s.utf8().length).sum()];
      int used = 0;
      for (int j = 0; j < shares.size(); j++) {
        Propagator.Share share = shares.get(j);
        System.arraycopy(share.utf8(), 0, bytes, used, share.utf8().length);
        for (int i = 0; i < share.ids(); i++) {
          ends[offsets[j] + i] = used + share.ends()[i];
        }
        used += share.utf8().length;
      }
      sorted = strings(bytes, ends, n);
      text = i -> decode(bytes, ends, i);
    }
    String[] names = new String[sorted.first().length];
    Arrays.setAll(names, d -> text.apply(sorted.first()[d]));
    int[][] numbers = new int[shares.size()][];
    for (int j = 0; j < numbers.length; j++) {
      numbers[j] = Arrays.copyOfRange(sorted.number(), offsets[j], offsets[j + 1]);
    }
    return new Numbered(numbers, names);
  }

  /** Long ids in numeric order: the key is the id with its sign bit flipped. */
  static Sorted longs(long[] ids, int n) {
    long[] key = new long[n];
    Arrays.setAll(key, i -> ids[i] ^ Long.MIN_VALUE);
    return sort(key, null, null);
  }

  /**
   * String ids, held end to end in {@code bytes} (each starts where the one before it ends), in
   * Java's string order. An id's key: its ASCII bytes after the common prefix, up to 8, then zeros.
   * At its first other byte the key ends in 0xFF (a character above ASCII, or bytes that decode to
   * U+FFFD: after every ASCII character) or in 0 (NUL: with the ids that end there), so keys in
   * order are ids in order, and those ids tie and are ordered by their text.
   */
  static Sorted strings(byte[] bytes, int[] ends, int n) {
    int common = n == 0 ? 0 : ends[0];
    for (int b = 0; b < common; b++) {
      if (bytes[b] <= 0) {
        common = b; // the common prefix stays ASCII
      }
    }
    int longest = 0;
    boolean[] other = new boolean[n];
    boolean any = false;
    for (int i = 0, start = 0; i < n; start = ends[i++]) {
      int length = ends[i] - start;
      common = Math.min(common, length);
      int differ = Arrays.mismatch(bytes, 0, common, bytes, start, start + common);
      common = differ < 0 ? common : differ;
      longest = Math.max(longest, length);
      for (int b = start; b < ends[i] && !other[i]; b++) {
        other[i] = bytes[b] <= 0;
      }
      any |= other[i];
    }
    long[] key = new long[n];
    for (int i = 0; i < n; i++) {
      key[i] = keyAt(bytes, start(ends, i) + common, ends[i]);
    }
    Comparator<Integer> byText = null;
    Tails tails = null;
    if (any) {
      byText =
          (a, b) ->
              other[a] || other[b]
                  ? decode(bytes, ends, a).compareTo(decode(bytes, ends, b))
                  : compareBytes(bytes, ends, a, b);
    } else if (longest - common > 8) {
      byText = (a, b) -> compareBytes(bytes, ends, a, b);
      tails = new Tails(bytes, ends, common);
    }
    return sort(key, byText, tails);
  }

  /**
   * The 8 bytes of an id from {@code start} (its end at {@code end}) as a key, zeros past its end;
   * from its first byte that is not ASCII or is NUL, 0xFF or 0.
   */
  private static long keyAt(byte[] bytes, int start, int end) {
    long k = 0;
    int tail = -1;
    for (int b = start; b < start + 8; b++) {
      if (tail < 0 && b < end && bytes[b] <= 0) {
        tail = bytes[b] == 0 ? 0 : 0xFF;
      }
      k = k << 8 | (tail >= 0 ? tail : b < end ? bytes[b] : 0);
    }
    return k;
  }

  /** ASCII ids past their first key: 8 more bytes at each depth, for long runs of ties. */
  private record Tails(byte[] bytes, int[] ends, int common) {
    private int start(int id, int depth) {
      return IdOrder.start(ends, id) + common + 8 * depth;
    }

    long key(int id, int depth) {
      return keyAt(bytes, start(id, depth), ends[id]);
    }

    boolean ended(int id, int depth) {
      return start(id, depth) >= ends[id];
    }
  }

  /**
   * Ids by their keys, ties by {@code byText} (null when equal keys are equal ids), numbered in one
   * sweep, equal ids once.
   */
  private static Sorted sort(long[] key, Comparator<Integer> byText, Tails tails) {
    int n = key.length;
    int[] order = sortedOrder(key);
    if (byText != null) {
      sortRuns(key, order, 0, byText, tails, 1);
    }
    int[] number = new int[n];
    int[] first = new int[n];
    int distinct = 0;
    for (int k = 0; k < n; k++) {
      boolean same =
          k > 0
              && key[k] == key[k - 1]
              && (byText == null || byText.compare(order[k - 1], order[k]) == 0);
      if (!same) {
        first[distinct++] = order[k];
      }
      number[order[k]] = distinct - 1;
    }
    return new Sorted(number, Arrays.copyOf(first, distinct));
  }

  private static int compareBytes(byte[] bytes, int[] ends, int a, int b) {
    return Arrays.compareUnsigned(bytes, start(ends, a), ends[a], bytes, start(ends, b), ends[b]);
  }

  /** Where id {@code id} starts in ids held end to end: where the one before it ends. */
  static int start(int[] ends, int id) {
    return id == 0 ? 0 : ends[id - 1];
  }

  private static String decode(byte[] bytes, int[] ends, int id) {
    int start = start(ends, id);
    return new String(bytes, start, ends[id] - start, StandardCharsets.UTF_8);
  }

  /**
   * Places 0..n-1 of {@code key} in unsigned key order, stably (a least-significant-byte radix
   * sort, skipping bytes that all keys share); {@code key} is left sorted.
   */
  static int[] sortedOrder(long[] key) {
    int n = key.length;
    int[][] counts = new int[8][256];
    for (long x : key) {
      for (int b = 0; b < 8; b++) {
        counts[b][(int) (x >>> (8 * b)) & 0xFF]++;
      }
    }
    long[] from = key;
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    long[] toKey = new long[n];
    int[] toOrder = new int[n];
    for (int b = 0; b < 8; b++) {
      int[] at = counts[b];
      if (n == 0 || at[(int) (from[0] >>> (8 * b)) & 0xFF] == n) {
        continue;
      }
      for (int v = 0, sum = 0; v < 256; v++) {
        int c = at[v];
        at[v] = sum;
        sum += c;
      }
      for (int i = 0; i < n; i++) {
        int to = at[(int) (from[i] >>> (8 * b)) & 0xFF]++;
        toKey[to] = from[i];
        toOrder[to] = order[i];
      }
      long[] k = from;
      from = toKey;
      toKey = k;
      int[] o = order;
      order = toOrder;
      toOrder = o;
    }
    if (from != key) {
      System.arraycopy(from, 0, key, 0, n);
    }
    return order;
  }

  /**
   * Each run of equal keys (key[i] is order[offset + i]'s) put in {@code byText} order. A run of
   * more than 16 ASCII ids ({@code tails} not null) is sorted by their next 8 bytes, run by run, as
   * deep as they keep tying: ids that share a long prefix, such as a network's name, do not go
   * through one boxed sort.
   */
  private static void sortRuns(
      long[] key, int[] order, int offset, Comparator<Integer> byText, Tails tails, int depth) {
    for (int a = 0, b; a < key.length; a = b) {
      for (b = a + 1; b < key.length && key[b] == key[a]; b++) {}
      if (b - a > 1) {
        sortRun(order, offset + a, offset + b, byText, tails, depth);
      }
    }
  }

  private static void sortRun(
      int[] order, int from, int to, Comparator<Integer> byText, Tails tails, int depth) {
    if (tails != null && to - from > 16) {
      boolean ended = true;
      for (int i = from; i < to && ended; i++) {
        ended = tails.ended(order[i], depth);
      }
      if (ended) {
        return; // ASCII ids whose every byte is the same: one id
      }
      long[] next = new long[to - from];
      Arrays.setAll(next, i -> tails.key(order[from + i], depth));
      int[] byNext = sortedOrder(next);
      int[] run = Arrays.copyOfRange(order, from, to);
      for (int i = 0; i < run.length; i++) {
        order[from + i] = run[byNext[i]];
      }
      sortRuns(next, order, from, byText, tails, depth + 1);
      return;
    }
    Integer[] run = new Integer[to - from];
    Arrays.setAll(run, i -> order[from + i]);
    Arrays.sort(run, byText);
    for (int i = 0; i < run.length; i++) {
      order[from + i] = run[i];
    }
  }
}
