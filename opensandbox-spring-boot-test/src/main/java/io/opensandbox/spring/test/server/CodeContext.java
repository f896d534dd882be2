package io.opensandbox.spring.test.server;

import java.util.Map;

/**
 * A code-interpreter context: a language and the interpreter process whose state persists
 * between runs.
 *
 * @param id the context id
 * @param language the language
 * @param interpreter the interpreter
 * @author OpenSandbox Spring Boot
 */
record CodeContext(String id, String language, Interpreter interpreter) {

	Map<String, Object> toJson() {
		return Json.object("id", this.id, "language", this.language);
	}

	/**
	 * Runs code in one persistent process.
	 */
	interface Interpreter {

		/**
		 * Run code and stream its events; blocks while a previous run of the same context
		 * is still going.
		 * @param code the code
		 * @param events where the events go
		 * @param executionId the id for the {@code init} event
		 */
		void run(String code, EventSink events, String executionId);

		/**
		 * Interrupt the running code, if any.
		 */
		void interrupt();

		/**
		 * Stop the interpreter.
		 */
		void close();

	}

}
