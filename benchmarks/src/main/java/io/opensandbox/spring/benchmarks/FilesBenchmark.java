package io.opensandbox.spring.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.alibaba.opensandbox.sandbox.Sandbox;
import com.alibaba.opensandbox.sandbox.domain.models.execd.filesystem.WriteEntry;
import org.springframework.util.FileSystemUtils;

import io.opensandbox.spring.core.ReactiveSandbox;
import io.opensandbox.spring.model.FileUpload;

/**
 * Files: a 1 GiB file downloaded to disk and uploaded from disk by our client
 * ({@code ReactiveSandbox.files()}, auto-configured), by the official SDK
 * ({@code files().readStream} copied to disk, {@code files().write} of a file stream) and
 * by {@code curl}, in turn, in each round, against one loopback execd that costs next to
 * nothing: downloads are a file region written by the kernel (zero-copy), uploads are
 * counted and dropped. The clients run in a JVM of their own with a fixed heap, so that
 * the heap measured (see {@link HeapProbe}) is theirs alone; the server runs here.
 *
 * @author OpenSandbox Spring Boot
 */
final class FilesBenchmark {

	static final long MIB = 1024 * 1024;

	/**
	 * The fixed heap of the client JVM: 256 MiB, with a young generation of 16 MiB so
	 * that collections happen during every transfer and the heap after them shows what
	 * the client retains.
	 */
	static final List<String> HEAP = List.of("-Xms256m", "-Xmx256m", "-Xmn16m");

	private FilesBenchmark() {
	}

	static List<Row> run(long size, int warmups, int rounds) throws Exception {
		Path source = Files.createTempFile(Path.of("/tmp"), "opensandbox-benchmark-", ".bin");
		try (FakeOpenSandbox server = new FakeOpenSandbox(0, 0)) {
			write(source, size);
			server.serveDownloads(source);
			String id = server.runningSandbox();
			List<Row> rows = Fork.run(FilesBenchmark.class, HEAP, List.of(server.address(), id, source.toString(),
					Long.toString(size), Integer.toString(warmups), Integer.toString(rounds)), Duration.ofMinutes(10));
			long uploads = (long) (warmups + rounds) * 3;
			if (server.uploadedBytes.get() < uploads * size) {
				throw new IllegalStateException("The server received " + server.uploadedBytes.get()
						+ " bytes of uploads, fewer than " + uploads + " x " + size);
			}
			return rows;
		}
		finally {
			Files.deleteIfExists(source);
		}
	}

	/** A file of pseudo-random bytes (a 1 MiB random block, repeated). */
	private static void write(Path file, long size) throws IOException {
		byte[] block = new byte[(int) MIB];
		new Random(1).nextBytes(block);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING)) {
			for (long written = 0; written < size; written += block.length) {
				ByteBuffer buffer = ByteBuffer.wrap(block, 0, (int) Math.min(block.length, size - written));
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
			}
		}
	}

	/**
	 * The client JVM: {@code address sandboxId sourceFile size warmups rounds output}.
	 */
	public static void main(String[] args) throws Exception {
		String address = args[0];
		String id = args[1];
		Path source = Path.of(args[2]);
		long size = Long.parseLong(args[3]);
		int warmups = Integer.parseInt(args[4]);
		int rounds = Integer.parseInt(args[5]);
		Path work = Files.createTempDirectory(Path.of("/tmp"), "opensandbox-benchmark-files-");
		Map<String, Series> series = new LinkedHashMap<>();
		for (String name : List.of("download ours", "download sdk", "download curl", "upload ours", "upload sdk",
				"upload curl")) {
			series.put(name, new Series());
		}
		try (Clients clients = new Clients(address, Map.of())) {
			ReactiveSandbox sandbox = clients.template.connect(id).block(Duration.ofSeconds(30));
			Sandbox official = Sandbox.connector()
				.sandboxId(UUID.fromString(id))
				.connectionConfig(Clients.sdkConfig(address))
				.connect();
			Path metadata = work.resolve("metadata.json");
			Files.writeString(metadata, "{\"path\":\"/tmp/upload.bin\"}");
			Path target = work.resolve("download.bin");
			String[] order = { "ours", "sdk", "curl" };
			for (int round = 0; round < warmups + rounds; round++) {
				boolean measured = round >= warmups;
				for (int k = 0; k < order.length; k++) {
					// Each round starts with another client, so that none always goes
					// first
					String who = order[(round + k) % order.length];
					System.out.print("download " + who);
					transfer(series.get("download " + who), measured, size, target, () -> {
						switch (who) {
							case "ours" ->
								sandbox.files().download("/data/big.bin", target).block(Duration.ofMinutes(5));
							case "sdk" -> {
								try (InputStream in = official.files().readStream("/data/big.bin")) {
									Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
								}
							}
							default -> curl("-o", target.toString(),
									"http://" + address + "/files/download?path=/data/big.bin");
						}
						return Files.size(target);
					}, !"curl".equals(who));
					Files.deleteIfExists(target);
					System.out.print("upload " + who);
					transfer(series.get("upload " + who), measured, size, target, () -> {
						switch (who) {
							case "ours" -> sandbox.files()
								.write(List.of(FileUpload.of("/tmp/upload.bin", source)))
								.block(Duration.ofMinutes(5));
							case "sdk" -> {
								try (InputStream in = Files.newInputStream(source)) {
									official.files()
										.write(List.of(WriteEntry.builder().path("/tmp/upload.bin").data(in).build()));
								}
							}
							default -> curl("-o", "/dev/null", "-H", "Expect:", "-F",
									"metadata=@" + metadata + ";type=application/json", "-F",
									"file=@" + source + ";type=application/octet-stream",
									"http://" + address + "/files/upload");
						}
						return size;
					}, !"curl".equals(who));
				}
				System.out.printf(Locale.ROOT, "files round %d done%n", round);
			}
			official.close();
		}
		finally {
			FileSystemUtils.deleteRecursively(work);
		}
		Fork.write(rows(series, size, warmups), args[args.length - 1]);
	}

	private static void transfer(Series series, boolean measured, long size, Path target, Transfer transfer,
			boolean probe) throws Exception {
		HeapProbe heap = probe ? HeapProbe.start() : null;
		long started = System.nanoTime();
		long bytes = transfer.run();
		double seconds = (System.nanoTime() - started) / 1e9;
		HeapProbe.Result result = (heap != null) ? heap.stop() : null;
		if (bytes != size) {
			throw new IllegalStateException("Transferred " + bytes + " bytes instead of " + size);
		}
		System.out.printf(Locale.ROOT, "  %.0f MiB/s%s%n", size / (double) MIB / seconds, measured ? "" : " (warm-up)");
		if (measured) {
			series.rates.add(size / (double) MIB / seconds);
			if (result != null) {
				series.heaps.add(result);
			}
		}
	}

	private static void curl(String... arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of("curl", "-s", "-S", "--fail"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(new File("/dev/null"))
			.start();
		if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
			process.destroyForcibly();
			throw new IllegalStateException("curl failed: " + command);
		}
	}

	private static List<Row> rows(Map<String, Series> series, long size, int warmups) {
		List<Row> rows = new ArrayList<>();
		for (String direction : List.of("download", "upload")) {
			Series ours = series.get(direction + " ours");
			Series sdk = series.get(direction + " sdk");
			Series curl = series.get(direction + " curl");
			List<Double> oursOfCurl = new ArrayList<>();
			List<Double> sdkOfCurl = new ArrayList<>();
			for (int i = 0; i < ours.rates.size(); i++) {
				oursOfCurl.add(ours.rates.get(i) / curl.rates.get(i));
				sdkOfCurl.add(sdk.rates.get(i) / curl.rates.get(i));
			}
			String scenario = "Files: "
					+ ((size % (1024 * MIB) == 0) ? (size / MIB / 1024) + " GiB " : (size / MIB) + " MiB ") + direction
					+ ("download".equals(direction) ? " to disk" : " from disk") + " (loopback, zero-copy server)";
			Stats ourRate = new Stats(ours.rates);
			Stats ourShare = new Stats(oursOfCurl);
			long ourLive = ours.maxGrowth();
			boolean met = ourShare.median() >= 0.9 && ourLive <= 32 * MIB;
			String missed = met ? ""
					: "; target missed: "
							+ ((ourShare.median() < 0.9) ? String.format(Locale.ROOT, "%.0f%% of curl instead of 90%%",
									100 * ourShare.median()) : "")
							+ ((ourLive > 32 * MIB) ? " heap growth " + mib(ourLive) + " > 32 MiB" : "");
			rows.add(new Row("files", scenario + ": ours (ReactiveSandbox.files(), auto-configured)",
					">= 90% of curl, heap growth <= 32 MiB",
					rate(ourRate.median()) + " = " + percent(ourShare.median()) + " of curl per pair; heap growth "
							+ mib(ourLive) + " (raw peak " + mib(ours.maxRaw()) + ", direct " + mib(ours.maxDirect())
							+ ")",
					rate(ourRate.min()) + "-" + rate(ourRate.max()) + " over " + ourRate.size() + " rounds (" + warmups
							+ " warm-up, ours/SDK/curl in turn, rotating who goes first); ours/curl "
							+ percent(ourShare.min()) + "-" + percent(ourShare.max()) + "; heap: max over rounds, "
							+ ours.collections() + " GCs during the measured transfers (client JVM "
							+ String.join(" ", HEAP) + ")" + missed,
					Row.met(met))
				.with("mibPerSecond", ourRate)
				.with("oursOverCurl", ourShare)
				.with("heapGrowthMiB", HeapProbe.Result.mib(ourLive))
				.with("rawHeapGrowthMiB", HeapProbe.Result.mib(ours.maxRaw()))
				.with("directGrowthMiB", HeapProbe.Result.mib(ours.maxDirect())));
			Stats sdkRate = new Stats(sdk.rates);
			Stats sdkShare = new Stats(sdkOfCurl);
			rows.add(new Row("files",
					scenario + ": official SDK 1.0.0 ("
							+ ("download".equals(direction)
									? "files().readStream + Files.copy" : "files().write of an InputStream")
							+ ")",
					"reference",
					rate(sdkRate.median()) + " = " + percent(sdkShare.median()) + " of curl per pair; heap growth "
							+ mib(sdk.maxGrowth()) + " (raw peak " + mib(sdk.maxRaw()) + ", direct "
							+ mib(sdk.maxDirect()) + ")",
					rate(sdkRate.min()) + "-" + rate(sdkRate.max()) + " over " + sdkRate.size() + " rounds; SDK/curl "
							+ percent(sdkShare.min()) + "-" + percent(sdkShare.max()) + "; " + sdk.collections()
							+ " GCs seen",
					"n/a")
				.with("mibPerSecond", sdkRate)
				.with("sdkOverCurl", sdkShare)
				.with("heapGrowthMiB", HeapProbe.Result.mib(sdk.maxGrowth()))
				.with("rawHeapGrowthMiB", HeapProbe.Result.mib(sdk.maxRaw())));
			Stats curlRate = new Stats(curl.rates);
			rows.add(new Row("files",
					scenario + ": curl (" + ("download".equals(direction) ? "-o file" : "-F file=@") + ")", "reference",
					rate(curlRate.median()),
					rate(curlRate.min()) + "-" + rate(curlRate.max()) + " over " + curlRate.size() + " rounds", "n/a")
				.with("mibPerSecond", curlRate));
		}
		return rows;
	}

	private static String rate(double mibPerSecond) {
		return String.format(Locale.ROOT, "%,.0f MiB/s", mibPerSecond);
	}

	private static String percent(double share) {
		return String.format(Locale.ROOT, "%.0f%%", 100 * share);
	}

	private static String mib(long bytes) {
		return String.format(Locale.ROOT, "%.1f MiB", HeapProbe.Result.mib(bytes));
	}

	@FunctionalInterface
	private interface Transfer {

		long run() throws Exception;

	}

	/**
	 * The measurements of one client in one direction.
	 */
	private static final class Series {

		final List<Double> rates = new ArrayList<>();

		final List<HeapProbe.Result> heaps = new ArrayList<>();

		long maxGrowth() {
			return this.heaps.stream().mapToLong(HeapProbe.Result::growth).max().orElse(0);
		}

		long maxRaw() {
			return this.heaps.stream().mapToLong(HeapProbe.Result::rawGrowth).max().orElse(0);
		}

		long maxDirect() {
			return this.heaps.stream().mapToLong(HeapProbe.Result::directGrowth).max().orElse(0);
		}

		int collections() {
			return this.heaps.stream().mapToInt(HeapProbe.Result::collections).sum();
		}

	}

}
