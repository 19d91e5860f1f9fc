package io.clout.jobs.score;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link IdOrder} on ids dealt to three shares, many to two of them: every share's ids must get
 * their place among all the distinct ids in Java's order (string or numeric), whichever of its ways
 * the order takes (keys alone, keys and bytes, or text).
 */
class IdOrderTest {
  private final Random rnd = new Random(11);

  @Test
  void shortAsciiIdsWithACommonPrefixAreOrderedByTheirKeys() {
    List<String> ids = new ArrayList<>(List.of("user:", "user:0", "user:00", "user:1"));
    while (ids.size() < 20_000) {
      ids.add("user:" + rnd.nextInt(100_000));
    }
    assertNumberedInJavaOrder(ids);
  }

  @Test
  void longerAsciiIdsWhoseKeysTieAreOrderedByTheirBytes() {
    // The 8 bytes after the common prefix "acct-" are the same for every id of a group of 1,000.
    List<String> ids = new ArrayList<>(List.of("acct-12345678", "acct-123456789", "acct-1234567"));
    while (ids.size() < 20_000) {
      ids.add(String.format("acct-%08d-%d", rnd.nextInt(20), rnd.nextInt(1_000)));
    }
    assertNumberedInJavaOrder(ids);
  }

  @Test
  void idsWithOtherCharactersAreOrderedAsJavaStrings() {
    // U+FF21 sorts after the surrogate pair of U+1F600 as a Java string, before it as UTF-8.
    List<String> ids = new ArrayList<>(List.of("\uFF21", "\uD83D\uDE00", "é", "a", ""));
    while (ids.size() < 5_000) {
      ids.add("p" + rnd.nextInt(10_000));
    }
    assertNumberedInJavaOrder(ids);
  }

  @Test
  void asciiIdsWithNulAreOrderedAsJavaStrings() {
    // Zeros pad a short id's key: "a" and "a\0" would have one.
    List<String> ids = new ArrayList<>(List.of("a\u0000", "a", "a\u0000b", "a\u0000\u0000"));
    while (ids.size() < 5_000) {
      ids.add("p" + rnd.nextInt(10_000));
    }
    assertNumberedInJavaOrder(ids);
  }

  @Test
  void idsOfNineBytesAfterThePrefixAreOrderedByTheirLastByteToo() {
    // The common prefix is "k"; the longest ids are 9 bytes after it, one more than the key holds.
    List<String> ids = new ArrayList<>(List.of("k", "k00000000", "k000000000"));
    while (ids.size() < 5_000) {
      ids.add(String.format("k%08d%c", rnd.nextInt(50), 'a' + rnd.nextInt(3)));
    }
    assertNumberedInJavaOrder(ids);
  }

  @Test
  void idsThatShareALongPrefixAreSortedEightBytesAtATime() {
    // "facebook" and "twitter:" fill the first key of every id of their network: runs of
    // thousands, sorted on by their next 8 bytes, and the next.
    List<String> ids = new ArrayList<>(List.of("facebook:", "facebook:fb", "twitter:tw"));
    while (ids.size() < 20_000) {
      int n = rnd.nextInt(100_000);
      ids.add(
          switch (rnd.nextInt(3)) {
            case 0 -> "facebook:fb" + n;
            case 1 -> "twitter:tw" + n + ":" + rnd.nextInt(3);
            default -> "p" + n;
          });
    }
    assertNumberedInJavaOrder(ids);
  }

  @Test
  void copiesOfLongIdsAsOneCoreHasThemAreOneIdEach() {
    // A core's ids as its rows give them: many copies of each, more than a run sorted by text.
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      texts.add("facebook:fb000000" + rnd.nextInt(40));
    }
    texts.add("facebook:fb");
    Propagator.Share joined = share(0, texts.stream().map(IdOrderTest::utf8).toList());
    int[] ends = Arrays.copyOf(joined.ends(), texts.size() + 5); // longer, as a core's array is
    IdOrder.Sorted sorted = IdOrder.strings(joined.utf8(), ends, texts.size());
    List<String> distinct = new ArrayList<>(new TreeSet<>(texts));
    assertThat(sorted.first().length).isEqualTo(distinct.size());
    for (int d = 0; d < distinct.size(); d++) {
      assertThat(texts.get(sorted.first()[d])).isEqualTo(distinct.get(d));
    }
    for (int i = 0; i < texts.size(); i++) {
      assertThat(sorted.number()[i]).isEqualTo(distinct.indexOf(texts.get(i)));
    }
  }

  @Test
  void asciiIdsAndAFewOthersThatShareTheirPrefixes() {
    List<String> ids =
        new ArrayList<>(
            List.of("ab", "ab\u00e9", "abc", "ab\uFF21", "ab\uD83D\uDE00", "a\u0000", "a", ""));
    while (ids.size() < 20_000) {
      ids.add("ab" + rnd.nextInt(100_000));
    }
    assertNumberedInJavaOrder(ids);
  }

  @Test
  void bytesThatAreNotUtf8AreTheTextTheyDecodeTo() {
    // 0xFF, 0xFE and U+FFFD's own bytes after "a" all decode to "a\uFFFD": one id.
    byte[][] first = {{'a', (byte) 0xFF}, {'a', 'b'}, {'a', (byte) 0xC3, (byte) 0xA9}};
    byte[][] second = {{'a', (byte) 0xFE}, {'a'}, {'a', (byte) 0xEF, (byte) 0xBF, (byte) 0xBD}};
    List<Propagator.Share> shares = new ArrayList<>();
    for (byte[][] ids : List.of(first, second)) {
      shares.add(share(shares.size(), List.of(ids)));
    }
    IdOrder.Numbered numbered = IdOrder.of(shares);
    assertThat(numbered.names()).containsExactly("a", "ab", "a\u00e9", "a\uFFFD");
    assertThat(numbered.numbers()[0]).containsExactly(3, 1, 2);
    assertThat(numbered.numbers()[1]).containsExactly(3, 0, 3);
  }

  @Test
  void sharesWithNoIds() {
    Propagator.Share none = share(0, List.of());
    Propagator.Share some = share(1, List.of(utf8("b"), utf8("a")));
    IdOrder.Numbered numbered = IdOrder.of(List.of(none, some, none));
    assertThat(numbered.names()).containsExactly("a", "b");
    assertThat(numbered.numbers()[0]).isEmpty();
    assertThat(numbered.numbers()[1]).containsExactly(1, 0);
    assertThat(numbered.numbers()[2]).isEmpty();
    assertThat(IdOrder.of(List.of()).names()).isEmpty();
  }

  @Test
  void longIdsAreOrderedAsNumbers() {
    List<Long> ids = new ArrayList<>(List.of(Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE));
    while (ids.size() < 20_000) {
      ids.add(rnd.nextBoolean() ? rnd.nextLong() : rnd.nextInt(1_000));
    }
    List<List<Long>> shares = deal(ids);
    List<Propagator.Share> built = new ArrayList<>();
    for (List<Long> share : shares) {
      long[] longIds = share.stream().mapToLong(Long::longValue).toArray();
      built.add(new Propagator.Share(built.size(), longIds, null, null, NONE, NONE, new double[0]));
    }
    assertNumbered(IdOrder.of(built), shares, new TreeSet<>(ids), String::valueOf);
  }

  @Test
  void radixOrderIsUnsignedAndStable() {
    long[] key = {3, -1, 3, 0, Long.MIN_VALUE, 3, 1L << 40};
    int[] order = IdOrder.sortedOrder(key);
    assertThat(order).containsExactly(3, 0, 2, 5, 6, 4, 1);
    assertThat(key).containsExactly(0, 3, 3, 3, 1L << 40, Long.MIN_VALUE, -1);
    // Only the lowest byte differs: one pass, whose result is copied back into the keys.
    long[] low = {5, 1, 3, 1};
    assertThat(IdOrder.sortedOrder(low)).containsExactly(1, 3, 2, 0);
    assertThat(low).containsExactly(1, 1, 3, 5);
  }

  private void assertNumberedInJavaOrder(List<String> ids) {
    List<List<String>> shares = deal(ids);
    List<Propagator.Share> built = new ArrayList<>();
    for (List<String> share : shares) {
      built.add(share(built.size(), share.stream().map(IdOrderTest::utf8).toList()));
    }
    assertNumbered(IdOrder.of(built), shares, new TreeSet<>(ids), Function.identity());
  }

  private static final int[] NONE = new int[0];

  private static byte[] utf8(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  /** A share of these ids (string ids as their bytes) and no edges. */
  private static Propagator.Share share(int partition, List<byte[]> ids) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int[] ends = new int[ids.size()];
    for (int i = 0; i < ids.size(); i++) {
      bytes.writeBytes(ids.get(i));
      ends[i] = bytes.size();
    }
    return new Propagator.Share(
        partition, null, bytes.toByteArray(), ends, NONE, NONE, new double[0]);
  }

  /** Each id to one of three shares, and half of them to the next share too. */
  private <T> List<List<T>> deal(List<T> ids) {
    List<LinkedHashSet<T>> shares =
        List.of(new LinkedHashSet<>(), new LinkedHashSet<>(), new LinkedHashSet<>());
    for (T id : ids) {
      int first = rnd.nextInt(3);
      shares.get(first).add(id);
      if (rnd.nextBoolean()) {
        shares.get((first + 1) % 3).add(id);
      }
    }
    return shares.stream().map(s -> (List<T>) new ArrayList<>(s)).toList();
  }

  private static <T> void assertNumbered(
      IdOrder.Numbered numbered,
      List<List<T>> shares,
      TreeSet<T> sorted,
      Function<T, String> text) {
    assertThat(numbered.names()).containsExactlyElementsOf(sorted.stream().map(text).toList());
    Map<T, Integer> place = new HashMap<>();
    sorted.forEach(id -> place.put(id, place.size()));
    assertThat(numbered.numbers().length).isEqualTo(shares.size());
    for (int j = 0; j < shares.size(); j++) {
      int[] expected = shares.get(j).stream().mapToInt(place::get).toArray();
      assertThat(numbered.numbers()[j]).as("share %d", j).isEqualTo(expected);
    }
  }
}
