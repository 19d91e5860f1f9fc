package io.clout.jobs.score;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The shares' ids numbered 0..n-1 in id order, all at once: the merge side of {@link
 * Propagator#inMemory}. Every share's ids (an id seen by several shares is there once for each) are
 * sorted together by a 64-bit key with a radix sort, then numbered in one sweep, equal ids once. A
 * long id's key is the id (its sign bit flipped: numeric order). A string id's key is the 8 bytes
 * after the prefix that all the ids share, which orders ids of ASCII characters (NUL aside) as Java
 * orders their strings; when some ids are longer than that, ids whose keys tie are ordered by their
 * bytes. Ids with other characters all get the key 0 and are ordered as Java strings, so that the
 * order never depends on the characters: bytes that are not UTF-8 decode to U+FFFD, so two such ids
 * can have one text, and are one person.
 */
final class IdOrder {
  private IdOrder() {}

  /** {@code numbers[j][i]}: the number of share j's id i; {@code names[number]}: its text. */
  record Numbered(int[][] numbers, String[] names) {}

  static Numbered of(List<Propagator.Share> shares) {
    int[] offsets = new int[shares.size() + 1];
    for (int j = 0; j < shares.size(); j++) {
      offsets[j + 1] = offsets[j] + shares.get(j).ids();
    }
    boolean longIds = !shares.isEmpty() && shares.get(0).longIds() != null;
    Flat flat = longIds ? longs(shares, offsets[shares.size()]) : strings(shares, offsets);
    int n = flat.key.length;
    int[] order = sortedOrder(flat.key);
    if (flat.byText != null) {
      sortRuns(flat.key, order, flat.byText);
    }
    int[] number = new int[n];
    String[] names = new String[n];
    int distinct = 0;
    for (int k = 0; k < n; k++) {
      boolean same =
          k > 0
              && flat.key[k] == flat.key[k - 1]
              && (flat.byText == null || flat.byText.compare(order[k - 1], order[k]) == 0);
      if (!same) {
        names[distinct++] = flat.text(order[k]);
      }
      number[order[k]] = distinct - 1;
    }
    int[][] numbers = new int[shares.size()][];
    for (int j = 0; j < numbers.length; j++) {
      numbers[j] = Arrays.copyOfRange(number, offsets[j], offsets[j + 1]);
    }
    return new Numbered(numbers, Arrays.copyOf(names, distinct));
  }

  /**
   * Every share's ids end to end: a key for each, and the order among ids whose keys tie (null when
   * equal keys are equal ids).
   */
  private abstract static class Flat {
    final long[] key;
    Comparator<Integer> byText;

    Flat(int n) {
      key = new long[n];
    }

    abstract String text(int id);
  }

  private static Flat longs(List<Propagator.Share> shares, int n) {
    long[] ids = new long[n];
    int at = 0;
    for (Propagator.Share share : shares) {
      System.arraycopy(share.longIds(), 0, ids, at, share.ids());
      at += share.ids();
    }
    Flat flat =
        new Flat(n) {
          @Override
          String text(int id) {
            return Long.toString(ids[id]);
          }
        };
    for (int i = 0; i < n; i++) {
      flat.key[i] = ids[i] ^ Long.MIN_VALUE;
    }
    return flat;
  }

  private static Flat strings(List<Propagator.Share> shares, int[] offsets) {
    int n = offsets[shares.size()];
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
    int common = n == 0 ? 0 : ends[0];
    int longest = 0;
    boolean ascii = true;
    for (int i = 0, start = 0; i < n; start = ends[i++]) {
      int length = ends[i] - start;
      common = Math.min(common, length);
      int differ = Arrays.mismatch(bytes, 0, common, bytes, start, start + common);
      common = differ < 0 ? common : differ;
      longest = Math.max(longest, length);
      for (int b = start; b < ends[i]; b++) {
        ascii &= bytes[b] > 0;
      }
    }
    String[] texts = ascii ? null : new String[n];
    Flat flat =
        new Flat(n) {
          @Override
          String text(int id) {
            return texts != null ? texts[id] : decode(bytes, ends, id);
          }
        };
    if (ascii) {
      for (int i = 0; i < n; i++) {
        int start = (i == 0 ? 0 : ends[i - 1]) + common;
        long key = 0;
        for (int b = start; b < start + 8; b++) {
          key = key << 8 | (b < ends[i] ? bytes[b] : 0);
        }
        flat.key[i] = key;
      }
      if (longest - common > 8) {
        flat.byText =
            (a, b) ->
                Arrays.compareUnsigned(
                    bytes,
                    a == 0 ? 0 : ends[a - 1],
                    ends[a],
                    bytes,
                    b == 0 ? 0 : ends[b - 1],
                    ends[b]);
      }
    } else {
      Arrays.setAll(texts, i -> decode(bytes, ends, i));
      flat.byText = Comparator.comparing(i -> texts[i]);
    }
    return flat;
  }

  private static String decode(byte[] bytes, int[] ends, int id) {
    int start = id == 0 ? 0 : ends[id - 1];
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

  /** Each run of equal keys in {@code order} put in {@code byText} order. */
  private static void sortRuns(long[] key, int[] order, Comparator<Integer> byText) {
    for (int a = 0, b; a < key.length; a = b) {
      for (b = a + 1; b < key.length && key[b] == key[a]; b++) {}
      if (b - a > 1) {
        int first = a;
        Integer[] run = new Integer[b - a];
        Arrays.setAll(run, i -> order[first + i]);
        Arrays.sort(run, byText);
        for (int i = 0; i < run.length; i++) {
          order[a + i] = run[i];
        }
      }
    }
  }
}
