package io.opensandbox.spring.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

import io.opensandbox.spring.autoconfigure.OpenSandboxWebClientBuilderFactory;
import io.opensandbox.spring.client.EventDecoders;
import io.opensandbox.spring.model.ExecutionEvent;

/**
 * Does the hand-written execd event parser earn its place? The command-output stream of
 * the loopback execd (N bare-JSON stdout events, then {@code execution_complete}) is
 * fetched with the auto-configured {@code WebClient} and decoded end to end, alternating
 * in the same run, by the client's decoder (byte scanner + hand-written parser) and by
 * the same scanner with Jackson reading every line (one reused {@code ObjectReader}). The
 * custom code stays only if it is at least 1.5x faster.
 *
 * @author OpenSandbox Spring Boot
 */
final class ParserBenchmark {

	private ParserBenchmark() {
	}

	static List<Row> run(int events, int warmups, int rounds) throws Exception {
		try (FakeOpenSandbox server = new FakeOpenSandbox(0, events); Clients clients = new Clients(server)) {
			WebClient webClient = clients.context.getBean(OpenSandboxWebClientBuilderFactory.class).builder().build();
			List<Double> custom = new ArrayList<>();
			List<Double> jackson = new ArrayList<>();
			List<Double> ratios = new ArrayList<>();
			for (int round = 0; round < warmups + rounds; round++) {
				boolean measured = round >= warmups;
				// alternate which goes first, so neither always runs on a warmer JVM
				boolean customFirst = round % 2 == 0;
				double first = rate(webClient, server, events,
						customFirst ? EventDecoders::custom : EventDecoders::jackson);
				double second = rate(webClient, server, events,
						customFirst ? EventDecoders::jackson : EventDecoders::custom);
				double ours = customFirst ? first : second;
				double theirs = customFirst ? second : first;
				if (measured) {
					custom.add(ours);
					jackson.add(theirs);
					ratios.add(ours / theirs);
				}
			}
			Stats ours = new Stats(custom);
			Stats theirs = new Stats(jackson);
			Stats ratio = new Stats(ratios);
			boolean met = ratio.median() >= 1.5;
			String scenario = "Event parser: " + String.format(Locale.ROOT, "%,d", events) + " stdout events ("
					+ String.format(Locale.ROOT, "%.1f", server.commandBytes() / 1048576.0) + " MiB), end to end";
			List<Row> rows = new ArrayList<>();
			rows.add(new Row("parser", scenario + ": hand-written parser (the client's decoder)", ">= 1.5x Jackson",
					String.format(Locale.ROOT, "%,.0f events/s; custom/Jackson per pair: median %.2fx", ours.median(),
							ratio.median()),
					String.format(Locale.ROOT,
							"%,.0f-%,.0f events/s over %d rounds (%d warm-up); custom/Jackson %.2fx-%.2fx", ours.min(),
							ours.max(), ours.size(), warmups, ratio.min(), ratio.max()),
					Row.met(met))
				.with("eventsPerSecond", ours)
				.with("customOverJackson", ratio));
			rows.add(new Row("parser", scenario + ": the same byte scanner, every line read by Jackson", "reference",
					String.format(Locale.ROOT, "%,.0f events/s", theirs.median()), String.format(Locale.ROOT,
							"%,.0f-%,.0f events/s over %d rounds", theirs.min(), theirs.max(), theirs.size()),
					"n/a")
				.with("eventsPerSecond", theirs));
			return rows;
		}
	}

	private static double rate(WebClient webClient, FakeOpenSandbox server, int events,
			Function<Flux<DataBuffer>, Flux<ExecutionEvent>> decoder) {
		System.gc();
		long started = System.nanoTime();
		Flux<DataBuffer> body = webClient.post()
			.uri("http://" + server.address() + "/command")
			.header("Content-Type", "application/json")
			.bodyValue("{\"command\":\"generate\"}")
			.retrieve()
			.bodyToFlux(DataBuffer.class);
		Long count = decoder.apply(body)
			.filter((event) -> event.type() == ExecutionEvent.Type.STDOUT)
			.count()
			.block(Duration.ofMinutes(5));
		if (count == null || count != events) {
			throw new IllegalStateException("Decoded " + count + " stdout events instead of " + events);
		}
		return events / ((System.nanoTime() - started) / 1e9);
	}

}
