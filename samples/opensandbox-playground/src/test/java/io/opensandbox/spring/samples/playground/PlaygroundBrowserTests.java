package io.opensandbox.spring.samples.playground;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.opensandbox.spring.test.EmbeddedOpenSandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The playground's page in headless Chromium, driven by Selenium: a person types a
 * command, presses Run and sees its output appear. Debian's {@code chromium} and
 * {@code chromedriver} are used as installed, by path: Selenium Manager is never asked to
 * find or download anything. Without them the tests are skipped, unless the system
 * property {@value #MODE_PROPERTY} or the environment variable
 * {@code OPENSANDBOX_BROWSER_TESTS} is {@code required} (as in CI), which makes them
 * fail. A screenshot of the page after the run is saved as {@code target/playground.png}.
 *
 * @author OpenSandbox Spring Boot
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.ai.model.chat=openai", "spring.ai.openai.api-key=test-key",
				"spring.ai.openai.chat.options.model=test-model", "spring.ai.retry.max-attempts=1" })
@EmbeddedOpenSandbox
@Timeout(value = 3, unit = TimeUnit.MINUTES)
@ExtendWith(ThreadDumpOnTimeout.class)
class PlaygroundBrowserTests {

	static final String MODE_PROPERTY = "opensandbox.browser-tests";

	/** A 1x1 PNG. */
	private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

	private static final Path CHROMIUM = Path.of(System.getProperty("opensandbox.chromium", "/usr/bin/chromium"));

	private static final Path CHROMEDRIVER = Path
		.of(System.getProperty("opensandbox.chromedriver", "/usr/bin/chromedriver"));

	private static final Path SCREENSHOT = Path.of("target", "playground.png");

	private static final Duration WAIT = Duration.ofSeconds(30);

	/**
	 * A loopback server that answers as an OpenAI model would: see {@link #startModel()}.
	 */
	private static final WireMockServer model = startModel();

	@LocalServerPort
	private int port;

	private ChromeDriver driver;

	private WebDriverWait wait;

	/**
	 * Fail at once, before the application starts, when the browser is required and
	 * missing.
	 */
	@BeforeAll
	static void failWhenChromiumIsRequiredAndMissing() {
		if ("required".equals(System.getProperty(MODE_PROPERTY)) && !chromiumPresent()) {
			fail(missingChromiumMessage() + "; " + MODE_PROPERTY + "=required");
		}
	}

	private static boolean chromiumPresent() {
		return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
	}

	private static String missingChromiumMessage() {
		return "Headless Chromium is not installed (" + CHROMIUM + ", " + CHROMEDRIVER
				+ "): install the Debian packages 'chromium' and 'chromium-driver' "
				+ "(apt-get install -y chromium chromium-driver)";
	}

	/**
	 * Skip each test (an assumption, so that the reason shows in the test report) when
	 * the browser is missing, or start it with a fresh profile.
	 */
	@BeforeEach
	void startBrowser(@TempDir Path userData) {
		Assumptions.assumeTrue(chromiumPresent(), PlaygroundBrowserTests::missingChromiumMessage);
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--user-data-dir=" + userData, "--window-size=1280,1200");
		options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
		// An explicit driver executable: Selenium Manager is skipped entirely
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		this.driver = new ChromeDriver(service, options);
		this.driver.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
		this.wait = new WebDriverWait(this.driver, WAIT);
	}

	@AfterEach
	void stopBrowser() {
		if (this.driver != null) {
			this.driver.quit();
		}
	}

	@Test
	void typedCommandRunsAndItsOutputAppearsOnThePage() throws IOException {
		openPage();
		assertThat(element("server").getAttribute("data-kind")).isEqualTo("embedded");
		assertThat(element("server").getText()).contains("Embedded OpenSandbox server").contains("127.0.0.1:");
		assertThat(element("timeout").getAttribute("value")).isEqualTo("30");
		type("code", "for i in 1 2 3; do echo \"line $i from the browser\"; sleep 0.2; done; echo done >&2");
		element("run").click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("exit"), "Exit code 0"));
		assertThat(element("output").getText()).contains("line 1 from the browser", "line 2 from the browser",
				"line 3 from the browser", "done");
		assertThat(this.driver.findElements(By.cssSelector("#output .stderr"))).extracting(WebElement::getText)
			.containsExactly("done");
		this.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#sandboxes tr.mine")));
		Files.createDirectories(SCREENSHOT.getParent());
		Files.write(SCREENSHOT, this.driver.getScreenshotAs(OutputType.BYTES));
		assertThat(SCREENSHOT).isNotEmptyFile();
		assertThat(severeBrowserLogs()).isEmpty();
	}

	@Test
	void emptyCommandAndTimeLimitAreExplainedOnThePage() {
		openPage();
		type("code", "");
		element("run").click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-message"),
				"The command is empty: type a command first"));
		type("timeout", "1");
		type("code", "sleep 100");
		element("run").click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("exit"),
				"still running after its time limit of 1 s"));
		assertThat(element("exit").getAttribute("data-state")).isEqualTo("timeout");
	}

	@Test
	void pythonProgramRunsAndTheSandboxCanBeKilledFromTheTable() {
		openPage();
		new Select(element("language")).selectByValue("python");
		type("code", "print(sum(range(10)))");
		element("run").click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("exit"), "Exit code 0"));
		assertThat(element("output").getText()).contains("45");
		WebElement mine = this.wait
			.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#sandboxes tr.mine")));
		String id = mine.getAttribute("data-id");
		mine.findElement(By.cssSelector("button.kill")).click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("sandboxes-message"), "Killed " + id));
		this.wait.until(
				ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#sandboxes tr[data-id='" + id + "']")));
	}

	@Test
	void lsTypedIntoTheTerminalListsTheSandboxAndADroppedConnectionReplaysWhatItMissed() throws IOException {
		openPage();
		element("terminal-open").click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("terminal-state"), "Connected"));
		WebElement keyboard = element("terminal").findElement(By.cssSelector("textarea.xterm-helper-textarea"));
		keyboard.sendKeys("mkdir -p /tmp/typed && touch /tmp/typed/hello-terminal && ls /tmp/typed\n");
		this.wait.until((driver) -> screen().matches("(?s).*\\nhello-terminal *\\n.*"));
		// the terminal follows the page's size
		long columns = ((Number) this.driver.executeScript("return arguments[0].terminal.xterm.cols",
				element("terminal")))
			.longValue();
		keyboard.sendKeys("stty size\n");
		this.wait.until((driver) -> screen().matches("(?s).*\\n\\d+ " + columns + "\\s*\\n.*"));
		// output that goes on while the connection is cut
		keyboard.sendKeys("for i in $(seq 1 120); do echo tick-$i; sleep 0.02; done; echo ALL-$((6*7))\n");
		this.wait.until((driver) -> screen().contains("tick-20"));
		this.driver.executeScript("arguments[0].terminal.socket.close()", element("terminal"));
		this.wait.until((driver) -> screen().contains("ALL-42"));
		assertThat(((Number) this.driver.executeScript("return arguments[0].terminal.reconnects", element("terminal")))
			.intValue()).isGreaterThanOrEqualTo(1);
		List<String> ticks = new java.util.ArrayList<>();
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(?m)^tick-(\\d+)\\s*$").matcher(screen());
		while (matcher.find()) {
			ticks.add(matcher.group(1));
		}
		assertThat(ticks).hasSize(120);
		for (int i = 0; i < 120; i++) {
			assertThat(ticks.get(i)).isEqualTo(Integer.toString(i + 1));
		}
		Files.createDirectories(SCREENSHOT.getParent());
		Files.write(Path.of("target", "playground-terminal.png"), this.driver.getScreenshotAs(OutputType.BYTES));
		assertThat(severeBrowserLogs()).isEmpty();
	}

	/*
	 * What the terminal shows, its scrollback included, a line per row.
	 */
	private String screen() {
		return (String) this.driver.executeScript("""
				const buffer = arguments[0].terminal.xterm.buffer.active;
				const lines = [];
				for (let i = 0; i < buffer.length; i++) {
					lines.push(buffer.getLine(i).translateToString(true));
				}
				return lines.join('\\n');""", element("terminal"));
	}

	@Test
	void theAgentRunsCodeInItsSandboxAndThePageShowsTheToolCallItsOutputTheImageAndTheAnswer() throws IOException {
		openPage();
		assertThat(element("agent-setup").isDisplayed()).isFalse();
		type("agent-message", "Make a chart and tell me six times seven.");
		element("agent-send").click();
		this.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("agent-transcript"),
				"Six times seven is 42; the chart is above."));
		assertThat(element("agent-transcript").findElement(By.cssSelector(".turn.user")).getText())
			.isEqualTo("Make a chart and tell me six times seven.");
		WebElement call = element("agent-transcript").findElement(By.cssSelector("details.tool-call"));
		assertThat(call.findElement(By.tagName("summary")).getText()).isEqualTo("Tool sandbox_run_code");
		assertThat(call.findElement(By.cssSelector("pre.tool-input")).getText())
			.startsWith("# language: python\nimport base64\nclass Chart:");
		assertThat(call.findElement(By.cssSelector("pre.tool-output")).getText()).contains("outcome: completed")
			.contains("42 from the sandbox")
			.contains("[image/png, 70 bytes: kept for the application as media #1 of this conversation]");
		WebElement image = call.findElement(By.tagName("img"));
		this.wait.until((driver) -> ((Number) this.driver
			.executeScript("return arguments[0].complete ? arguments[0].naturalWidth : 0", image)).intValue() > 0);
		assertThat(image.getAttribute("src")).endsWith("/api/agent/media/1");
		Files.createDirectories(SCREENSHOT.getParent());
		Files.write(Path.of("target", "playground-agent.png"), this.driver.getScreenshotAs(OutputType.BYTES));
		assertThat(severeBrowserLogs()).isEmpty();
		// the model got the tool's output with the second request
		assertThat(model.findAll(postRequestedFor(urlPathMatching(".*/chat/completions")))).hasSize(2)
			.last()
			.satisfies((request) -> assertThat(request.getBodyAsString()).contains("42 from the sandbox"));
	}

	@DynamicPropertySource
	static void modelUrl(DynamicPropertyRegistry registry) {
		registry.add("spring.ai.openai.base-url", () -> "http://127.0.0.1:" + model.port() + "/v1");
	}

	@AfterAll
	static void stopModel() {
		model.stop();
	}

	/*
	 * First a call of the code tool, whose code prints and shows an image; then, once the
	 * tool result is in the conversation, the answer.
	 */
	private static WireMockServer startModel() {
		WireMockServer server = new WireMockServer(
				WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		server.start();
		String code = "import base64\\\\nclass Chart:\\\\n    def _repr_png_(self):\\\\n        return base64.b64decode('"
				+ PNG + "')\\\\nprint(6 * 7, 'from the sandbox')\\\\nChart()";
		server.stubFor(post(urlPathMatching(".*/chat/completions")).atPriority(5)
			.willReturn(okJson(completion("null", """
					[{"id": "call_1", "type": "function", "function": {"name": "sandbox_run_code",
					  "arguments": "{\\"language\\": \\"python\\", \\"code\\": \\"%s\\"}"}}]""".formatted(code),
					"tool_calls"))));
		server.stubFor(post(urlPathMatching(".*/chat/completions")).atPriority(1)
			.withRequestBody(matchingJsonPath("$.messages[?(@.role == 'tool')]"))
			.willReturn(okJson(completion("\"Six times seven is 42; the chart is above.\"", "null", "stop"))));
		return server;
	}

	private static String completion(String content, String toolCalls, String finishReason) {
		return """
				{"id": "chatcmpl-1", "object": "chat.completion", "created": 1765000000, "model": "test-model",
				 "choices": [{"index": 0, "finish_reason": "%s", "logprobs": null,
				   "message": {"role": "assistant", "content": %s, "refusal": null, "tool_calls": %s}}],
				 "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}""".formatted(finishReason,
				content, toolCalls);
	}

	private void openPage() {
		openPage(this.port);
	}

	private void openPage(int port) {
		this.driver.get("http://127.0.0.1:" + port + "/");
		this.wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-ready", "true"));
	}

	private WebElement element(String id) {
		return this.driver.findElement(By.id(id));
	}

	private void type(String id, String text) {
		WebElement element = element(id);
		element.clear();
		if (!text.isEmpty()) {
			element.sendKeys(text);
		}
	}

	private List<String> severeBrowserLogs() {
		return this.driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((entry) -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
			.map(LogEntry::getMessage)
			.toList();
	}

	/**
	 * The same page in an application without a chat model.
	 */
	@Nested
	@TestPropertySource(properties = "spring.ai.model.chat=none")
	class WithoutAChatModel {

		@LocalServerPort
		private int port;

		@Test
		void theAgentSaysHowToConfigureAModelAndTheRestOfThePageWorks() {
			openPage(this.port);
			WebElement setup = PlaygroundBrowserTests.this.wait
				.until(ExpectedConditions.visibilityOfElementLocated(By.id("agent-setup")));
			assertThat(setup.getText()).startsWith("No chat model is configured")
				.contains("spring.ai.model.chat=openai", "spring.ai.openai.base-url");
			assertThat(element("agent-send").isEnabled()).isFalse();
			assertThat(element("agent-message").isEnabled()).isFalse();
			type("code", "echo still works");
			element("run").click();
			PlaygroundBrowserTests.this.wait
				.until(ExpectedConditions.textToBePresentInElementLocated(By.id("exit"), "Exit code 0"));
			assertThat(element("output").getText()).contains("still works");
			assertThat(severeBrowserLogs()).isEmpty();
		}

	}

}
