package io.opensandbox.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations OpenSandbox records. Names start with {@code opensandbox.}, so
 * {@code management.observations.enable.opensandbox=false} turns them all off. Only
 * bounded values are low-cardinality keys; ids and counts are high-cardinality; command
 * text and file paths are never recorded.
 *
 * @author OpenSandbox Spring Boot
 * @since 0.1.0
 */
public enum OpenSandboxObservationDocumentation implements ObservationDocumentation {

	/**
	 * A call to the lifecycle server (create, get, list, kill, pause, resume, renew,
	 * ...).
	 */
	SANDBOX_OPERATION {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultOpenSandboxObservationConvention.class;
		}

		@Override
		public String getName() {
			return "opensandbox.sandbox.operation";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LowCardinalityKeys.OPERATION, LowCardinalityKeys.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeys.SANDBOX_ID };
		}

	},

	/**
	 * Waiting for a new sandbox to be running and ready, from the create request's answer
	 * to readiness.
	 */
	SANDBOX_READY {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultOpenSandboxObservationConvention.class;
		}

		@Override
		public String getName() {
			return "opensandbox.sandbox.ready";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LowCardinalityKeys.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeys.SANDBOX_ID };
		}

	},

	/**
	 * One command, session or code execution, spanning its whole event stream.
	 */
	COMMAND_EXECUTION {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultOpenSandboxObservationConvention.class;
		}

		@Override
		public String getName() {
			return "opensandbox.command.execution";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LowCardinalityKeys.KIND, LowCardinalityKeys.OUTCOME,
					LowCardinalityKeys.EXIT_STATUS };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeys.COMMAND_ID };
		}

	},

	/**
	 * An upload to or download from a sandbox.
	 */
	FILE_TRANSFER {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultOpenSandboxObservationConvention.class;
		}

		@Override
		public String getName() {
			return "opensandbox.file.transfer";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LowCardinalityKeys.DIRECTION, LowCardinalityKeys.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeys.BYTES };
		}

	},

	/**
	 * An acquire from a sandbox pool, from the call until a sandbox is handed out.
	 */
	POOL_ACQUIRE {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultOpenSandboxObservationConvention.class;
		}

		@Override
		public String getName() {
			return "opensandbox.pool.acquire";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LowCardinalityKeys.POOL, LowCardinalityKeys.SOURCE, LowCardinalityKeys.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[0];
		}

	},

	/**
	 * The shutdown sweep that kills the application's tracked sandboxes.
	 */
	CLEANUP {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultOpenSandboxObservationConvention.class;
		}

		@Override
		public String getName() {
			return "opensandbox.cleanup";
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { LowCardinalityKeys.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { HighCardinalityKeys.TRACKED, HighCardinalityKeys.KILLED,
					HighCardinalityKeys.FAILED };
		}

	};

	/**
	 * Low-cardinality keys: a handful of values each.
	 */
	public enum LowCardinalityKeys implements KeyName {

		/** The lifecycle operation, for example {@code create}. */
		OPERATION {
			@Override
			public String asString() {
				return "opensandbox.operation";
			}
		},

		/** {@code success}, {@code error} or {@code cancelled}. */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/** {@code command}, {@code session} or {@code code}. */
		KIND {
			@Override
			public String asString() {
				return "opensandbox.command.kind";
			}
		},

		/** {@code zero}, {@code non-zero} or {@code unknown}. */
		EXIT_STATUS {
			@Override
			public String asString() {
				return "opensandbox.command.exit.status";
			}
		},

		/** {@code upload} or {@code download}. */
		DIRECTION {
			@Override
			public String asString() {
				return "opensandbox.file.direction";
			}
		},

		/** The pool's name (one of the application's configured or built pools). */
		POOL {
			@Override
			public String asString() {
				return "opensandbox.pool.name";
			}
		},

		/**
		 * Where an acquired sandbox came from: {@code idle} (a hit), {@code created} (for
		 * the caller), {@code waited} (idle after a wait) or {@code none} (failed).
		 */
		SOURCE {
			@Override
			public String asString() {
				return "opensandbox.pool.source";
			}
		}

	}

	/**
	 * High-cardinality keys: ids and counts, for traces only.
	 */
	public enum HighCardinalityKeys implements KeyName {

		/** The sandbox id. */
		SANDBOX_ID {
			@Override
			public String asString() {
				return "opensandbox.sandbox.id";
			}
		},

		/** The execution id execd assigned. */
		COMMAND_ID {
			@Override
			public String asString() {
				return "opensandbox.command.id";
			}
		},

		/** The bytes transferred. */
		BYTES {
			@Override
			public String asString() {
				return "opensandbox.file.bytes";
			}
		},

		/** Sandboxes tracked when the sweep started. */
		TRACKED {
			@Override
			public String asString() {
				return "opensandbox.cleanup.tracked";
			}
		},

		/** Sandboxes killed. */
		KILLED {
			@Override
			public String asString() {
				return "opensandbox.cleanup.killed";
			}
		},

		/** Kills that failed. */
		FAILED {
			@Override
			public String asString() {
				return "opensandbox.cleanup.failed";
			}
		}

	}

}
