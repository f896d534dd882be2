package io.opensandbox.spring.test.server.isolation;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.opensandbox.spring.test.server.isolation.ProcFs.ProcStat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading {@code /proc} and choosing whom a kill may hit.
 *
 * @author OpenSandbox Spring Boot
 */
class ProcFsTests {

	@Test
	void statLineWithAnAwkwardCommandNameIsParsed() {
		String line = "1234 (evil) (name) S 1 1234 1234 0 -1 4194560 100 0 0 0 7 3 2 1 20 0 1 0 5555 1000 10";
		ProcStat stat = ProcFs.parseStat(line);
		assertThat(stat).isEqualTo(new ProcStat(1234, 'S', 1, 1234, 1234, 13, 5555));
		assertThat(ProcFs.parseStat("garbage")).isNull();
	}

	@Test
	void ownProcessIsReadable() {
		long self = ProcessHandle.current().pid();
		ProcStat stat = ProcFs.stat(self);
		assertThat(stat).isNotNull();
		assertThat(stat.pid()).isEqualTo(self);
		assertThat(ProcFs.pidNamespace(self)).startsWith("pid:[");
		assertThat(ProcFs.residentKiB(self)).isPositive();
		assertThat(ProcFs.memoryTotalMiB()).isPositive();
		assertThat(ProcFs.pids()).contains(self);
	}

	@Test
	void aCensusBegunAfterTheGivenTimeIsShared() {
		long asked = System.nanoTime();
		ProcFs.Census first = ProcFs.census(asked);
		long taken = ProcFs.censusesTaken();
		assertThat(first.startedNanos() - asked).isNotNegative();
		assertThat(ProcFs.census(asked)).isSameAs(first);
		assertThat(ProcFs.census(first.startedNanos())).isSameAs(first);
		assertThat(ProcFs.censusesTaken()).isEqualTo(taken);
	}

	@Test
	void aCensusBegunBeforeTheGivenTimeIsTakenAgain() {
		ProcFs.Census first = ProcFs.census(System.nanoTime());
		ProcFs.Census second = ProcFs.census(first.startedNanos() + 1);
		assertThat(second).isNotSameAs(first);
		assertThat(second.startedNanos() - first.startedNanos()).isPositive();
	}

	@Test
	void aCensusListsEveryProcessWithItsPidNamespace() {
		long self = ProcessHandle.current().pid();
		ProcFs.Census census = ProcFs.census(System.nanoTime());
		assertThat(census.processes()).anySatisfy((entry) -> {
			assertThat(entry.stat().pid()).isEqualTo(self);
			assertThat(entry.pidNamespace()).isEqualTo(ProcFs.pidNamespace(self));
		});
		assertThat(census.processes()).hasSizeGreaterThan(1);
	}

	@Test
	void mountPathsAreUnescaped() {
		assertThat(ProcFs.unescapeMountPath("/a\\040b\\011c\\134d")).isEqualTo("/a b\tc\\d");
		assertThat(ProcFs.unescapeMountPath("/trailing\\04")).isEqualTo("/trailing\\04");
	}

	@Test
	void descendantsFollowParentLinks() {
		List<ProcStat> table = List.of(stat(10, 1, 10, 'S'), stat(11, 10, 10, 'S'), stat(12, 11, 12, 'S'),
				stat(20, 1, 20, 'S'));
		assertThat(ProcFs.descendants(table, Set.of(10L))).containsExactlyInAnyOrder(10L, 11L, 12L);
	}

	@Test
	void groupMembersAreKilledWhileTheGroupIdIsStillOurs() {
		List<ProcStat> table = List.of(stat(11, 1, 10, 'S'), stat(12, 11, 10, 'S'), stat(13, 1, 10, 'Z'),
				stat(30, 1, 30, 'S'));
		// Leader gone, its pid free: the group's remaining members are ours.
		assertThat(AbstractSandbox.members(table, 10, false)).containsExactlyInAnyOrder(11L, 12L);
	}

	@Test
	void aRecycledLeaderPidProtectsItsNewOwnersGroup() {
		// Pid 10 now belongs to an unrelated process that leads a new group 10.
		List<ProcStat> table = List.of(stat(10, 1, 10, 'S'), stat(11, 10, 10, 'S'));
		assertThat(AbstractSandbox.members(table, 10, false)).isEmpty();
		// While our leader lives, its group, session and descendants are ours.
		List<ProcStat> live = List.of(stat(10, 1, 10, 'S'), stat(11, 10, 11, 'S'), stat(12, 1, 10, 'S'));
		assertThat(AbstractSandbox.members(live, 10, true)).containsExactlyInAnyOrder(10L, 11L, 12L);
	}

	private static ProcStat stat(long pid, long ppid, long group, char state) {
		return new ProcStat(pid, state, ppid, group, group, 0, 0);
	}

}
