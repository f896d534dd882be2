package io.opensandbox.spring.samples.playground;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Prints every thread's stack to standard error when a test fails by waiting too long (a
 * blocking read that timed out, a test over its time limit), so that a hang seen once in
 * a CI log says where everything waited. The failure itself is passed on unchanged.
 *
 * @author OpenSandbox Spring Boot
 */
class ThreadDumpOnTimeout implements TestExecutionExceptionHandler {

	@Override
	public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
		if (isTimeout(failure)) {
			System.err.println("Threads when " + context.getDisplayName() + " timed out:\n" + threads());
		}
		throw failure;
	}

	static boolean isTimeout(Throwable failure) {
		Throwable cause = failure;
		for (int depth = 0; cause != null && depth < 32; depth++) {
			String message = cause.getMessage();
			if (cause instanceof TimeoutException
					|| (message != null && message.startsWith("Timeout on blocking read"))) {
				return true;
			}
			cause = cause.getCause();
		}
		return false;
	}

	static String threads() {
		StringBuilder dump = new StringBuilder();
		for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
			dump.append('"').append(thread.getThreadName()).append("\" ").append(thread.getThreadState());
			if (thread.getLockName() != null) {
				dump.append(" on ").append(thread.getLockName());
			}
			dump.append('\n');
			for (StackTraceElement frame : thread.getStackTrace()) {
				dump.append("\tat ").append(frame).append('\n');
			}
			dump.append('\n');
		}
		return dump.toString();
	}

}
