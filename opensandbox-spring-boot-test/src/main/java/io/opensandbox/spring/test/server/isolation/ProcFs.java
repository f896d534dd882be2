package io.opensandbox.spring.test.server.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * Reads the host's {@code /proc}: the only way to see a sandbox's processes from outside
 * its namespaces (the JDK's process API knows only the JVM's own children).
 *
 * @author OpenSandbox Spring Boot
 */
final class ProcFs {

	/**
	 * Clock ticks per second of the times in {@code /proc/<pid>/stat} ({@code USER_HZ},
	 * 100 on every Linux architecture the JDK runs on).
	 */
	static final int TICKS_PER_SECOND = 100;

	private static final Path PROC = Path.of("/proc");

	private static final Object CENSUS_LOCK = new Object();

	private static final AtomicLong CENSUSES = new AtomicLong();

	private static volatile @Nullable Census lastCensus;

	private ProcFs() {
	}

	/**
	 * Every host process with its pid namespace, read once for everyone who can use it: a
	 * census begun at or after {@code startedAfter} (a {@link System#nanoTime()} value)
	 * is shared, an older one is taken again. Reading {@code /proc} costs in proportion
	 * to the host's processes, so checks that ask for it every few hundred milliseconds
	 * for each command a sandbox left running must not each read it.
	 * @param startedAfter the earliest time the census may have begun
	 * @return the census
	 */
	static Census census(long startedAfter) {
		Census last = lastCensus;
		if (last != null && last.startedNanos() - startedAfter >= 0) {
			return last;
		}
		synchronized (CENSUS_LOCK) {
			last = lastCensus;
			if (last != null && last.startedNanos() - startedAfter >= 0) {
				return last;
			}
			long started = System.nanoTime();
			List<Census.Entry> entries = new ArrayList<>();
			for (long pid : pids()) {
				String namespace = pidNamespace(pid);
				ProcStat stat = stat(pid);
				if (stat != null) {
					entries.add(new Census.Entry(stat, namespace));
				}
			}
			Census census = new Census(started, List.copyOf(entries));
			CENSUSES.incrementAndGet();
			lastCensus = census;
			return census;
		}
	}

	/**
	 * How many censuses have been taken in this JVM.
	 * @return the count
	 */
	static long censusesTaken() {
		return CENSUSES.get();
	}

	/**
	 * The ids of all processes visible on the host.
	 * @return the process ids
	 */
	static List<Long> pids() {
		String[] names = PROC.toFile().list();
		List<Long> pids = new ArrayList<>();
		if (names == null) {
			return pids;
		}
		for (String name : names) {
			if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
				try {
					pids.add(Long.parseLong(name));
				}
				catch (NumberFormatException ex) {
					// Not a process directory.
				}
			}
		}
		return pids;
	}

	/**
	 * Reads the status of one process.
	 * @param pid the process id
	 * @return the status or {@code null} if the process is gone
	 */
	static @Nullable ProcStat stat(long pid) {
		String content = read(PROC.resolve(Long.toString(pid)).resolve("stat"));
		return (content != null) ? parseStat(content) : null;
	}

	static @Nullable ProcStat parseStat(String content) {
		int open = content.indexOf('(');
		int close = content.lastIndexOf(')');
		if (open < 0 || close < open) {
			return null;
		}
		try {
			long pid = Long.parseLong(content.substring(0, open).trim());
			String[] fields = content.substring(close + 1).trim().split("\\s+");
			if (fields.length < 20) {
				return null;
			}
			long cpu = Long.parseLong(fields[11]) + Long.parseLong(fields[12]) + Long.parseLong(fields[13])
					+ Long.parseLong(fields[14]);
			return new ProcStat(pid, fields[0].charAt(0), Long.parseLong(fields[1]), Long.parseLong(fields[2]),
					Long.parseLong(fields[3]), cpu, Long.parseLong(fields[19]));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * The pid namespace a process lives in, as the text of its {@code ns/pid} link.
	 * @param pid the process id
	 * @return the namespace or {@code null} if it cannot be read
	 */
	static @Nullable String pidNamespace(long pid) {
		try {
			return Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("ns").resolve("pid")).toString();
		}
		catch (IOException | UnsupportedOperationException ex) {
			return null;
		}
	}

	/**
	 * A process's id in its innermost pid namespace (the last {@code NSpid} field).
	 * @param pid the process id on the host
	 * @return the id inside, or {@code -1} if it cannot be read
	 */
	static long innermostPid(long pid) {
		String status = read(PROC.resolve(Long.toString(pid)).resolve("status"));
		if (status != null) {
			for (String line : status.split("\n")) {
				if (line.startsWith("NSpid:")) {
					String[] ids = line.substring(6).trim().split("\\s+");
					return Long.parseLong(ids[ids.length - 1]);
				}
			}
		}
		return -1;
	}

	/**
	 * The direct children of a process.
	 * @param pid the process id
	 * @return the children's ids, empty if the process is gone
	 */
	static List<Long> children(long pid) {
		Path file = PROC.resolve(Long.toString(pid)).resolve("task").resolve(Long.toString(pid)).resolve("children");
		List<Long> children = new ArrayList<>();
		if (Files.exists(file)) {
			String content = read(file);
			if (content != null) {
				for (String part : content.trim().split("\\s+")) {
					if (!part.isEmpty()) {
						children.add(Long.parseLong(part));
					}
				}
			}
			return children;
		}
		// Kernels without CONFIG_PROC_CHILDREN: scan the parents.
		for (long candidate : pids()) {
			ProcStat stat = stat(candidate);
			if (stat != null && stat.ppid() == pid) {
				children.add(candidate);
			}
		}
		return children;
	}

	/**
	 * Every process among {@code processes} that descends from one of {@code roots}, the
	 * roots included when present.
	 * @param processes a snapshot
	 * @param roots the ancestors
	 * @return the descendants' ids
	 */
	static Set<Long> descendants(List<ProcStat> processes, Set<Long> roots) {
		Map<Long, List<Long>> byParent = new HashMap<>();
		Set<Long> present = new HashSet<>();
		for (ProcStat stat : processes) {
			byParent.computeIfAbsent(stat.ppid(), (key) -> new ArrayList<>()).add(stat.pid());
			present.add(stat.pid());
		}
		Set<Long> result = new HashSet<>();
		List<Long> work = new ArrayList<>(roots);
		while (!work.isEmpty()) {
			long pid = work.remove(work.size() - 1);
			if (present.contains(pid)) {
				result.add(pid);
			}
			for (long child : byParent.getOrDefault(pid, List.of())) {
				if (result.add(child)) {
					work.add(child);
				}
			}
		}
		return result;
	}

	/**
	 * Resident memory of a process.
	 * @param pid the process id
	 * @return the resident set size in KiB, 0 if unknown
	 */
	static long residentKiB(long pid) {
		String status = read(PROC.resolve(Long.toString(pid)).resolve("status"));
		return (status != null) ? kibField(status, "VmRSS:") : 0;
	}

	/**
	 * Total memory of the host.
	 * @return the total in MiB
	 */
	static double memoryTotalMiB() {
		String meminfo = read(PROC.resolve("meminfo"));
		return (meminfo != null) ? kibField(meminfo, "MemTotal:") / 1024.0 : 0;
	}

	private static long kibField(String content, String name) {
		for (String line : content.split("\n")) {
			if (line.startsWith(name)) {
				String[] parts = line.substring(name.length()).trim().split("\\s+");
				try {
					return Long.parseLong(parts[0]);
				}
				catch (NumberFormatException ex) {
					return 0;
				}
			}
		}
		return 0;
	}

	/**
	 * Mount points under a directory, from the JVM's own mount namespace.
	 * @param directory a real (symlink-free) directory
	 * @return the mount points strictly inside it
	 */
	static Set<Path> mountPointsUnder(Path directory) {
		Set<Path> result = new HashSet<>();
		String mountinfo = read(Path.of("/proc/self/mountinfo"));
		if (mountinfo == null) {
			return result;
		}
		for (String line : mountinfo.split("\n")) {
			String[] fields = line.split(" ");
			if (fields.length > 4) {
				Path mountPoint = Path.of(unescapeMountPath(fields[4]));
				if (mountPoint.startsWith(directory) && !mountPoint.equals(directory)) {
					result.add(mountPoint);
				}
			}
		}
		return result;
	}

	static String unescapeMountPath(String escaped) {
		StringBuilder result = new StringBuilder(escaped.length());
		for (int i = 0; i < escaped.length(); i++) {
			char c = escaped.charAt(i);
			if (c == '\\' && isOctal(escaped, i + 1)) {
				result.append((char) Integer.parseInt(escaped.substring(i + 1, i + 4), 8));
				i += 3;
			}
			else {
				result.append(c);
			}
		}
		return result.toString();
	}

	private static boolean isOctal(String text, int from) {
		if (from + 3 > text.length()) {
			return false;
		}
		for (int i = from; i < from + 3; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '7') {
				return false;
			}
		}
		return true;
	}

	private static @Nullable String read(Path file) {
		try {
			return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			// Gone (NoSuchFileException) or not ours to read: both mean "nothing to
			// report".
			return null;
		}
	}

	/**
	 * One line of {@code /proc/<pid>/stat}, the fields this package needs.
	 * @param pid the process id (host view)
	 * @param state the state letter ({@code R}, {@code S}, {@code T}, {@code Z}, ...)
	 * @param ppid the parent's process id
	 * @param pgrp the process group id
	 * @param session the session id
	 * @param cpuTicks user plus system time of the process and its reaped children
	 * @param startTicks start time in ticks since boot
	 */
	/**
	 * The host's processes as read by {@link #census(long)}.
	 *
	 * @param startedNanos when the reading began ({@link System#nanoTime()})
	 * @param processes every process that could be read
	 */
	record Census(long startedNanos, List<Entry> processes) {

		/**
		 * One process.
		 *
		 * @param stat its status
		 * @param pidNamespace its pid namespace, or {@code null} if it cannot be read
		 */
		record Entry(ProcStat stat, @Nullable String pidNamespace) {
		}

	}

	record ProcStat(long pid, char state, long ppid, long pgrp, long session, long cpuTicks, long startTicks) {

		boolean isZombie() {
			return this.state == 'Z' || this.state == 'X' || this.state == 'x';
		}

		boolean isStopped() {
			return this.state == 'T' || this.state == 't';
		}

	}

}
