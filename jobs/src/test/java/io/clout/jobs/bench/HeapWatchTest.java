package io.clout.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapWatchTest {
  private static volatile Object sink;

  @Test
  void peakLiveCountsWhatYoungCollectionsPromote() throws InterruptedException {
    long retainedBytes = 256L << 20;
    try (HeapWatch heap = HeapWatch.start()) {
      long[] retained = new long[(int) (retainedBytes / Long.BYTES)];
      retained[retained.length - 1] = 1;
      // Garbage enough for several young collections and no full one: the retained array moves
      // to the old generation, whose own after-collection figure only a full collection updates.
      for (int i = 0; i < 4096; i++) {
        sink = new byte[1 << 20];
      }
      long deadline = System.nanoTime() + 30_000_000_000L; // reports arrive on their own thread
      // The JVM is shared with other tests: what was live before the array counts as well.
      long wanted = heap.startLive() + retainedBytes;
      while (heap.peakLive() < wanted && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(retained[retained.length - 1]).isEqualTo(1);
      assertThat(heap.peakLive()).isGreaterThanOrEqualTo(wanted);
      assertThat(heap.peakUsed()).isGreaterThanOrEqualTo(heap.peakLive());
    }
  }
}
