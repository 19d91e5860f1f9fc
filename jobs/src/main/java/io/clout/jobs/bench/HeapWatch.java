package io.clout.jobs.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap a workload needs, while open: the largest heap in use right after any collection (what a
 * smaller heap would have to hold, with whatever garbage the collection did not reach), from the
 * collectors' own reports, and the largest heap in use at all, from the same reports (the heap
 * right before each collection) and a sample every 100 ms.
 *
 * <p>Each collection's report is read rather than each pool's usage after its last collection: with
 * the parallel collector the old generation's figure only moves at a full collection, so what young
 * collections promote into it would not count.
 */
final class HeapWatch implements AutoCloseable {
  private final AtomicLong live = new AtomicLong();
  private final AtomicLong used = new AtomicLong();
  private long startLive;
  private final Set<String> heapPools =
      ManagementFactory.getMemoryPoolMXBeans().stream()
          .filter(p -> p.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName)
          .collect(Collectors.toSet());
  private final NotificationListener afterCollection = this::afterCollection;
  private final List<NotificationEmitter> collectors = new ArrayList<>();
  private final Thread sampler;

  private HeapWatch() {
    sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                used.accumulateAndGet(
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "clout-heap-watch");
    sampler.setDaemon(true);
  }

  static HeapWatch start() {
    HeapWatch w = new HeapWatch();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(w.afterCollection, null, null);
        w.collectors.add(emitter);
      }
    }
    // Start from live data, not the previous workload's garbage; this collection is counted too.
    System.gc();
    w.startLive = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    w.sampler.start();
    return w;
  }

  private void afterCollection(Notification n, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GcInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()).getGcInfo();
    live.accumulateAndGet(heapUsed(info.getMemoryUsageAfterGc()), Math::max);
    used.accumulateAndGet(heapUsed(info.getMemoryUsageBeforeGc()), Math::max);
  }

  private long heapUsed(Map<String, MemoryUsage> byPool) {
    return byPool.entrySet().stream()
        .filter(e -> heapPools.contains(e.getKey()))
        .mapToLong(e -> e.getValue().getUsed())
        .sum();
  }

  /** The heap in use right after the collection {@link #start()} ran. */
  long startLive() {
    return startLive;
  }

  /** The largest heap in use right after a collection since {@link #start()}. */
  long peakLive() {
    return live.get();
  }

  /** The largest heap in use before a collection or at a sample since {@link #start()}. */
  long peakUsed() {
    return used.get();
  }

  @Override
  public void close() {
    sampler.interrupt();
    for (NotificationEmitter emitter : collectors) {
      try {
        emitter.removeNotificationListener(afterCollection);
      } catch (ListenerNotFoundException e) {
        // already gone: nothing to remove
      }
    }
  }
}
