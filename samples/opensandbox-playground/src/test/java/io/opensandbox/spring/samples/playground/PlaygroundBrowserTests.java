package io.opensandbox.spring.samples.playground;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
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

import io.opensandbox.spring.test.EmbeddedOpenSandbox;

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
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@EmbeddedOpenSandbox
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PlaygroundBrowserTests {

	static final String MODE_PROPERTY = "opensandbox.browser-tests";

	private static final Path CHROMIUM = Path.of(System.getProperty("opensandbox.chromium", "/usr/bin/chromium"));

	private static final Path CHROMEDRIVER = Path
		.of(System.getProperty("opensandbox.chromedriver", "/usr/bin/chromedriver"));

	private static final Path SCREENSHOT = Path.of("target", "playground.png");

	private static final Duration WAIT = Duration.ofSeconds(30);

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

	private void openPage() {
		this.driver.get("http://127.0.0.1:" + this.port + "/");
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

}
