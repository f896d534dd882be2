package io.opensandbox.spring.samples.playground;

import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link ThreadDumpOnTimeout}.
 *
 * @author OpenSandbox Spring Boot
 */
@ExtendWith(OutputCaptureExtension.class)
class ThreadDumpOnTimeoutTests {

	private final ExtensionContext context = mock(ExtensionContext.class);

	@Test
	void aBlockingReadThatTimedOutPrintsEveryThreadsStackAndFailsAsBefore(CapturedOutput output) {
		given(this.context.getDisplayName()).willReturn("aHangingCall()");
		IllegalStateException failure = new IllegalStateException(
				"Timeout on blocking read for 60000000000 NANOSECONDS", new TimeoutException());
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> new ThreadDumpOnTimeout().handleTestExecutionException(this.context, failure))
			.isSameAs(failure);
		assertThat(output.getErr()).contains("Threads when aHangingCall() timed out:")
			.contains("\"" + Thread.currentThread().getName() + "\" RUNNABLE")
			.contains(ThreadDumpOnTimeoutTests.class.getName()
					+ ".aBlockingReadThatTimedOutPrintsEveryThreadsStackAndFailsAsBefore");
	}

	@Test
	void aTimeoutAnywhereInTheCausesCounts() {
		assertThat(ThreadDumpOnTimeout.isTimeout(new TimeoutException("execution timed out after 3 minutes"))).isTrue();
		assertThat(ThreadDumpOnTimeout.isTimeout(new RuntimeException(new RuntimeException(new TimeoutException()))))
			.isTrue();
	}

	@Test
	void otherFailuresPrintNothing(CapturedOutput output) {
		AssertionError failure = new AssertionError("expected: 503 but was: 500");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> new ThreadDumpOnTimeout().handleTestExecutionException(this.context, failure))
			.isSameAs(failure);
		assertThat(output.getErr()).doesNotContain("timed out");
		assertThat(ThreadDumpOnTimeout.isTimeout(new IllegalStateException("Timeout"))).isFalse();
	}

}
