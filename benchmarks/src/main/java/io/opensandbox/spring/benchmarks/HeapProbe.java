package io.opensandbox.spring.benchmarks;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.netty.util.internal.PlatformDependent;

/**
 * How much the heap grows while some work runs, measured with the memory MXBeans:
 * <ul>
 * <li>live growth: the largest heap occupancy right after a garbage collection during the
 * work (from the collectors' notifications: what survived, so what the work retained),
 * minus the occupancy after a full collection just before it;</li>
 * <li>raw growth: the sum of the heap pools' peak usage (reset just before the work)
 * minus the same baseline, garbage not yet collected included: an upper bound that
 * depends on how large the collector lets the young generation grow;</li>
 * <li>direct memory: the peak of off-heap buffers (Netty's own counter plus the JDK's
 * direct buffer pool), sampled every 5 ms.</li>
 * </ul>
 *
 * @author OpenSandbox Spring Boot
 */
final class HeapProbe implements AutoCloseable {

	private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans()
		.stream()
		.filter((pool) -> pool.getType() == MemoryType.HEAP)
		.map(MemoryPoolMXBean::getName)
		.collect(Collectors.toSet());

	private final long baseline;

	private final long directBaseline;

	private final AtomicLong maxAfterGc = new AtomicLong();

	private final AtomicLong maxDirect = new AtomicLong();

	private final AtomicInteger collections = new AtomicInteger();

	private final List<NotificationEmitter> emitters = new ArrayList<>();

	private final NotificationListener listener = this::collected;

	private final Thread sampler;

	private volatile boolean running = true;

	private HeapProbe() {
		System.gc();
		System.gc();
		this.baseline = heapUsed();
		this.directBaseline = directUsed();
		this.maxAfterGc.set(this.baseline);
		this.maxDirect.set(this.directBaseline);
		ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP)
			.forEach(MemoryPoolMXBean::resetPeakUsage);
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (collector instanceof NotificationEmitter emitter) {
				emitter.addNotificationListener(this.listener, null, null);
				this.emitters.add(emitter);
			}
		}
		this.sampler = new Thread(() -> {
			while (this.running) {
				this.maxDirect.accumulateAndGet(directUsed(), Math::max);
				try {
					Thread.sleep(5);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "heap-probe");
		this.sampler.setDaemon(true);
		this.sampler.start();
	}

	static HeapProbe start() {
		return new HeapProbe();
	}

	private void collected(Notification notification, Object handback) {
		if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
			return;
		}
		GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
			.from((CompositeData) notification.getUserData());
		long used = 0;
		for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
			if (HEAP_POOLS.contains(pool.getKey())) {
				used += pool.getValue().getUsed();
			}
		}
		this.collections.incrementAndGet();
		this.maxAfterGc.accumulateAndGet(used, Math::max);
	}

	/**
	 * Stop measuring.
	 * @return what was measured
	 */
	Result stop() {
		long rawPeak = ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP)
			.mapToLong((pool) -> pool.getPeakUsage().getUsed())
			.sum();
		close();
		return new Result(Math.max(0, this.maxAfterGc.get() - this.baseline), Math.max(0, rawPeak - this.baseline),
				this.collections.get(), Math.max(0, this.maxDirect.get() - this.directBaseline), this.baseline);
	}

	@Override
	public void close() {
		this.running = false;
		this.sampler.interrupt();
		for (NotificationEmitter emitter : this.emitters) {
			try {
				emitter.removeNotificationListener(this.listener);
			}
			catch (Exception ex) {
				// already removed
			}
		}
		this.emitters.clear();
	}

	private static long heapUsed() {
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	private static long directUsed() {
		long netty = Math.max(0, PlatformDependent.usedDirectMemory());
		long jdk = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
			.stream()
			.filter((pool) -> "direct".equals(pool.getName()))
			.mapToLong(BufferPoolMXBean::getMemoryUsed)
			.sum();
		return netty + jdk;
	}

	/**
	 * What one piece of work did to the heap.
	 *
	 * @param liveGrowth the largest heap occupancy after a collection, minus the baseline
	 * @param rawGrowth the peak heap usage, garbage included, minus the baseline
	 * @param collections how many collections ran during the work
	 * @param directGrowth the peak of direct (off-heap) buffers, minus what was in use
	 * before
	 * @param baseline the heap occupancy after a full collection before the work
	 */
	record Result(long liveGrowth, long rawGrowth, int collections, long directGrowth, long baseline) {

		/**
		 * The growth to report: what survived collections if any ran during the work;
		 * otherwise everything allocated, since nothing was collected.
		 */
		long growth() {
			return (this.collections > 0) ? this.liveGrowth : this.rawGrowth;
		}

		static double mib(long bytes) {
			return bytes / (1024.0 * 1024.0);
		}

	}

}
