package io.opensandbox.spring.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * The store of a pool shared by the instances of an application through Redis. Every
 * change is one Lua script, so it is atomic across instances. Times of leases are the
 * Redis server's, so the instances' clocks need not agree.
 * <p>
 * Keys, all under {@code opensandbox:pool:{<name>}:} (one hash slot): {@code idle} (ids
 * by creation time), {@code data} (an idle sandbox's creation time and expiry),
 * {@code in-use} (ids by lease end), {@code owner} (which instance holds each),
 * {@code creating} (reservations by lease end, each named after its instance) and
 * {@code members} (instances by lease end).
 *
 * @author OpenSandbox Spring Boot
 */
final class RedisSandboxPoolStore implements SandboxPoolStore {

	private static final String NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) ";

	/** KEYS: idle, data, in-use, owner. ARGV: instance, lease. */
	private static final RedisScript<String> CLAIM = script("""
			local popped = redis.call('ZPOPMIN', KEYS[1])
			if #popped == 0 then return '' end
			local id = popped[1]
			local data = redis.call('HGET', KEYS[2], id) or ''
			redis.call('HDEL', KEYS[2], id)
			redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), id)
			redis.call('HSET', KEYS[4], id, ARGV[1])
			return id .. '\\n' .. data
			""");

	/**
	 * KEYS: idle, in-use, creating. ARGV: token, lease, target, max total, for caller.
	 */
	private static final RedisScript<Long> RESERVE = RedisScript.of(NOW + """
			redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
			local idle = redis.call('ZCARD', KEYS[1])
			local creating = redis.call('ZCARD', KEYS[3])
			if idle + redis.call('ZCARD', KEYS[2]) + creating >= tonumber(ARGV[4]) then return 0 end
			if ARGV[5] == '0' and idle + creating >= tonumber(ARGV[3]) then return 0 end
			redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[1])
			return 1
			""", Long.class);

	/** KEYS: creating, idle, data. ARGV: token, id, creation time, data. */
	private static final RedisScript<Long> CREATED = RedisScript.of("""
			if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
			redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), ARGV[2])
			redis.call('HSET', KEYS[3], ARGV[2], ARGV[4])
			return 1
			""", Long.class);

	/** KEYS: creating, in-use, owner. ARGV: token, id, instance, lease. */
	private static final RedisScript<Long> CREATED_IN_USE = RedisScript.of(NOW + """
			redis.call('ZREM', KEYS[1], ARGV[1])
			redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[2])
			redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
			return 1
			""", Long.class);

	/** KEYS: idle, data. ARGV: id. */
	private static final RedisScript<Long> REMOVE = RedisScript.of("""
			if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
			redis.call('HDEL', KEYS[2], ARGV[1])
			return 1
			""", Long.class);

	/** KEYS: idle, data. ARGV: id, data. */
	private static final RedisScript<Long> RENEWED = RedisScript.of("""
			if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
			redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
			return 1
			""", Long.class);

	/** KEYS: idle, data. */
	private static final RedisScript<String> IDLE = RedisScript.of("""
			local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
			local lines = {}
			for i, id in ipairs(ids) do
				lines[i] = id .. '\\n' .. (redis.call('HGET', KEYS[2], id) or '')
			end
			return table.concat(lines, '\\n')
			""", String.class);

	/** KEYS: idle, in-use, creating. */
	private static final RedisScript<String> COUNTS = script("""
			redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
			return redis.call('ZCARD', KEYS[1]) .. ' ' .. redis.call('ZCARD', KEYS[2]) .. ' '
				.. redis.call('ZCARD', KEYS[3])
			""");

	/**
	 * KEYS: in-use, owner, creating, members. ARGV: instance, lease, then the ids this
	 * instance holds.
	 */
	private static final RedisScript<String> UPKEEP = script("""
			local lease = now + tonumber(ARGV[2])
			redis.call('ZADD', KEYS[4], lease, ARGV[1])
			for i = 3, #ARGV do
				if redis.call('HGET', KEYS[2], ARGV[i]) == ARGV[1] then
					redis.call('ZADD', KEYS[1], 'XX', lease, ARGV[i])
				end
			end
			local prefix = ARGV[1] .. ':'
			for _, token in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
				if string.sub(token, 1, #prefix) == prefix then
					redis.call('ZADD', KEYS[3], 'XX', lease, token)
				end
			end
			local lapsed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
			for _, id in ipairs(lapsed) do
				redis.call('ZREM', KEYS[1], id)
				redis.call('HDEL', KEYS[2], id)
			end
			return table.concat(lapsed, '\\n')
			""");

	/** KEYS: members, idle, data. ARGV: instance. */
	private static final RedisScript<String> DRAIN = script("""
			redis.call('ZREM', KEYS[1], ARGV[1])
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
			if redis.call('ZCARD', KEYS[1]) > 0 then return '' end
			local ids = redis.call('ZRANGE', KEYS[2], 0, -1)
			local lines = {}
			for i, id in ipairs(ids) do
				lines[i] = id .. '\\n' .. (redis.call('HGET', KEYS[3], id) or '')
			end
			redis.call('DEL', KEYS[2], KEYS[3])
			return table.concat(lines, '\\n')
			""");

	/** KEYS: members. ARGV: instance, lease. */
	private static final RedisScript<Long> JOIN = RedisScript.of(NOW + """
			redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
			return 1
			""", Long.class);

	private final ReactiveStringRedisTemplate redis;

	private final String instance = UUID.randomUUID().toString();

	private final String lease;

	private final String idle;

	private final String data;

	private final String inUse;

	private final String owner;

	private final String creating;

	private final String members;

	RedisSandboxPoolStore(ReactiveRedisConnectionFactory connectionFactory, String pool, Duration leaseTime) {
		this.redis = new ReactiveStringRedisTemplate(connectionFactory);
		this.lease = String.valueOf(leaseTime.toMillis());
		String prefix = "opensandbox:pool:{" + pool + "}:";
		this.idle = prefix + "idle";
		this.data = prefix + "data";
		this.inUse = prefix + "in-use";
		this.owner = prefix + "owner";
		this.creating = prefix + "creating";
		this.members = prefix + "members";
	}

	private static RedisScript<String> script(String body) {
		return RedisScript.of(NOW + body, String.class);
	}

	private <T> Mono<T> run(RedisScript<T> script, List<String> keys, String... args) {
		return this.redis.execute(script, keys, Arrays.asList(args)).next();
	}

	@Override
	public Mono<Idle> claim() {
		return run(CLAIM, List.of(this.idle, this.data, this.inUse, this.owner), this.instance, this.lease)
			.filter((claimed) -> !claimed.isEmpty())
			.map((claimed) -> {
				int newline = claimed.indexOf('\n');
				return decode(claimed.substring(0, newline), claimed.substring(newline + 1));
			});
	}

	@Override
	public Mono<String> reserve(int target, int maxTotal, boolean forCaller) {
		String token = this.instance + ":" + UUID.randomUUID();
		return run(RESERVE, List.of(this.idle, this.inUse, this.creating), token, this.lease, String.valueOf(target),
				String.valueOf(maxTotal), forCaller ? "1" : "0")
			.filter((reserved) -> reserved == 1)
			.map((reserved) -> token);
	}

	@Override
	public Mono<Boolean> created(String token, Idle sandbox) {
		return run(CREATED, List.of(this.creating, this.idle, this.data), token, sandbox.id(),
				String.valueOf(sandbox.createdAt().toEpochMilli()), encode(sandbox))
			.map((added) -> added == 1);
	}

	@Override
	public Mono<Void> createdInUse(String token, String sandboxId) {
		return run(CREATED_IN_USE, List.of(this.creating, this.inUse, this.owner), token, sandboxId, this.instance,
				this.lease)
			.then();
	}

	@Override
	public Mono<Void> cancel(String token) {
		return this.redis.opsForZSet().remove(this.creating, token).then();
	}

	@Override
	public Mono<Void> done(String sandboxId) {
		return this.redis.opsForZSet()
			.remove(this.inUse, sandboxId)
			.then(this.redis.opsForHash().remove(this.owner, sandboxId))
			.then();
	}

	@Override
	public Mono<Boolean> remove(String sandboxId) {
		return run(REMOVE, List.of(this.idle, this.data), sandboxId).map((removed) -> removed == 1);
	}

	@Override
	public Mono<Void> renewed(String sandboxId, Instant expiresAt) {
		return this.redis.<String, String>opsForHash()
			.get(this.data, sandboxId)
			.map((encoded) -> decode(sandboxId, encoded))
			.flatMap((sandbox) -> run(RENEWED, List.of(this.idle, this.data), sandboxId,
					encode(new Idle(sandboxId, sandbox.createdAt(), expiresAt))))
			.then();
	}

	@Override
	public Mono<List<Idle>> idle() {
		return run(IDLE, List.of(this.idle, this.data)).map(RedisSandboxPoolStore::decodeAll);
	}

	@Override
	public Mono<Counts> counts() {
		return run(COUNTS, List.of(this.idle, this.inUse, this.creating)).map((counts) -> {
			String[] parts = counts.split(" ");
			return new Counts(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
		});
	}

	@Override
	public Mono<List<String>> upkeep(List<String> held) {
		List<String> args = new ArrayList<>(held.size() + 2);
		args.add(this.instance);
		args.add(this.lease);
		args.addAll(held);
		return run(UPKEEP, List.of(this.inUse, this.owner, this.creating, this.members), args.toArray(String[]::new))
			.map((lapsed) -> lapsed.isEmpty() ? List.of() : List.of(lapsed.split("\n")));
	}

	@Override
	public Mono<List<Idle>> drain() {
		return run(DRAIN, List.of(this.members, this.idle, this.data), this.instance)
			.map(RedisSandboxPoolStore::decodeAll);
	}

	@Override
	public Mono<Void> join() {
		return run(JOIN, List.of(this.members), this.instance, this.lease).then();
	}

	private static String encode(Idle sandbox) {
		Instant expiresAt = sandbox.expiresAt();
		return sandbox.createdAt().toEpochMilli() + " " + ((expiresAt != null) ? expiresAt.toEpochMilli() : "-");
	}

	/*
	 * An idle sandbox from its entry; an entry without data (a claim that raced a drain)
	 * counts as created now and never expiring.
	 */
	private static Idle decode(String id, String encoded) {
		String[] parts = encoded.split(" ");
		if (parts.length != 2) {
			return new Idle(id, Instant.now(), null);
		}
		@Nullable Instant expiresAt = parts[1].equals("-") ? null : Instant.ofEpochMilli(Long.parseLong(parts[1]));
		return new Idle(id, Instant.ofEpochMilli(Long.parseLong(parts[0])), expiresAt);
	}

	private static List<Idle> decodeAll(String lines) {
		if (lines.isEmpty()) {
			return List.of();
		}
		String[] parts = lines.split("\n", -1);
		List<Idle> sandboxes = new ArrayList<>();
		for (int i = 0; i < parts.length; i += 2) {
			sandboxes.add(decode(parts[i], parts[i + 1]));
		}
		return sandboxes;
	}

}
