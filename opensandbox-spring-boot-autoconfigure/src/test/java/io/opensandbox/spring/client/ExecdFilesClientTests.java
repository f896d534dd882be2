package io.opensandbox.spring.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

import io.opensandbox.spring.error.OpenSandboxApiException;
import io.opensandbox.spring.error.OpenSandboxException;
import io.opensandbox.spring.error.OpenSandboxProtocolException;
import io.opensandbox.spring.error.OpenSandboxStreamException;
import io.opensandbox.spring.error.SandboxFileNotFoundException;
import io.opensandbox.spring.model.FileInfo;
import io.opensandbox.spring.model.FileUpload;
import io.opensandbox.spring.model.Replacement;
import io.opensandbox.spring.model.SandboxEndpoint;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * execd file operations: the exact requests (encoded paths, JSON bodies, multipart shape,
 * ranges), response mapping and errors against WireMock; large and truncated bodies
 * against {@link LoopbackFileServer}.
 *
 * @author OpenSandbox Spring Boot
 */
class ExecdFilesClientTests {

	/**
	 * A path with a space, {@code &} and {@code +}: each would change an unencoded query.
	 */
	private static final String ODD_PATH = "/workspace/a b&c+d.txt";

	private static final String ODD_PATH_ENCODED = "%2Fworkspace%2Fa%20b%26c%2Bd.txt";

	private static final String FILE_NOT_FOUND = "{\"code\":\"FILE_NOT_FOUND\",\"message\":\"file not found\"}";

	private WireMockServer execd;

	private ExecdFilesClient client;

	@BeforeEach
	void startExecd() {
		this.execd = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
		this.execd.start();
		this.client = client(this.execd.port(), "execd-token");
	}

	@AfterEach
	void stopExecd() {
		this.execd.stop();
	}

	private static ExecdFilesClient client(int port, String accessToken) {
		SandboxEndpoint endpoint = new SandboxEndpoint("127.0.0.1:" + port,
				Map.of("OpenSandbox-Secure-Access", "route-token"));
		return new ExecdFilesClient(WebClient.builder(), endpoint, "http", accessToken, Map.of("X-Custom", "v"));
	}

	@Test
	void requestsCarryEndpointHeadersAndAccessTokenButNoApiKey() {
		this.execd.stubFor(post(urlEqualTo("/files/mv")).willReturn(aResponse().withStatus(200)));
		this.client.move("/a", "/b").block();
		this.execd.verify(postRequestedFor(urlEqualTo("/files/mv"))
			.withHeader("OpenSandbox-Secure-Access", equalTo("route-token"))
			.withHeader(ExecdClient.ACCESS_TOKEN_HEADER, equalTo("execd-token"))
			.withHeader("X-Custom", equalTo("v"))
			.withHeader(LifecycleClient.API_KEY_HEADER, absent()));
	}

	@Test
	void noAccessTokenHeaderIsSentWithoutAToken() {
		this.execd.stubFor(post(urlEqualTo("/files/mv")).willReturn(aResponse().withStatus(200)));
		ExecdFilesClient anonymous = new ExecdFilesClient(WebClient.builder(),
				new SandboxEndpoint("127.0.0.1:" + this.execd.port(), Map.of()), "http", null, Map.of());
		anonymous.move("/a", "/b").block();
		this.execd
			.verify(postRequestedFor(urlEqualTo("/files/mv")).withHeader(ExecdClient.ACCESS_TOKEN_HEADER, absent()));
	}

	@Test
	void writeSendsOneMultipartRequestWithAMetadataFilePartBeforeEachFile() throws IOException {
		this.execd.stubFor(post(urlEqualTo("/files/upload")).willReturn(aResponse().withStatus(200)));
		byte[] binary = { 0, 1, 2, (byte) 0xff, '\r', '\n', '-', '-', 'x' };
		this.client.write(List.of(FileUpload.of("/tmp/x.py", "print('hi')\n").withMode(755),
				FileUpload.of(ODD_PATH, binary).withOwner("admin", "staff").withMode(640)))
			.block();
		List<LoggedRequest> requests = this.execd.findAll(postRequestedFor(urlEqualTo("/files/upload")));
		assertThat(requests).hasSize(1);
		LoggedRequest request = requests.get(0);
		assertThat(request.getHeader("Content-Type")).startsWith("multipart/form-data");
		List<Request.Part> parts = new ArrayList<>(request.getParts());
		assertThat(parts).extracting(Request.Part::getName).containsExactly("metadata", "file", "metadata", "file");
		assertMetadataPart(parts.get(0), "{\"path\":\"/tmp/x.py\",\"mode\":755}");
		assertFilePart(parts.get(1), "print('hi')\n".getBytes(StandardCharsets.UTF_8));
		assertThat(parts.get(1).getFileName()).isEqualTo("x.py");
		assertMetadataPart(parts.get(2),
				"{\"path\":\"" + ODD_PATH + "\",\"owner\":\"admin\",\"group\":\"staff\",\"mode\":640}");
		assertFilePart(parts.get(3), binary);
	}

	private static void assertMetadataPart(Request.Part part, String json) throws IOException {
		assertThat(part.getName()).isEqualTo("metadata");
		assertThat(part.getFileName()).isEqualTo(ExecdFilesClient.METADATA_FILENAME);
		assertThat(part.getHeader("Content-Type").firstValue()).startsWith("application/json");
		assertThat(WireJson.MAPPER.readTree(part.getBody().asBytes())).isEqualTo(WireJson.MAPPER.readTree(json));
	}

	private static void assertFilePart(Request.Part part, byte[] content) {
		assertThat(part.getName()).isEqualTo("file");
		assertThat(part.getFileName()).isNotBlank();
		assertThat(part.getHeader("Content-Type").firstValue()).isEqualTo("application/octet-stream");
		assertThat(part.getBody().asBytes()).isEqualTo(content);
	}

	@Test
	void writeStreamsContentFromLocalFilesResourcesAndStreams(@TempDir Path temp) throws IOException {
		this.execd.stubFor(post(urlEqualTo("/files/upload")).willReturn(aResponse().withStatus(200)));
		Path local = Files.writeString(temp.resolve("local.txt"), "from a file");
		AtomicBoolean streamClosed = new AtomicBoolean();
		FileUpload fromStream = FileUpload.of("/w/stream.txt",
				() -> new ByteArrayInputStream("from a stream".getBytes(StandardCharsets.UTF_8)) {

					@Override
					public void close() throws IOException {
						streamClosed.set(true);
						super.close();
					}

				});
		this.client
			.write(List.of(FileUpload.of("/w/file.txt", local),
					FileUpload.of("/w/resource.txt",
							new ByteArrayResource("from a resource".getBytes(StandardCharsets.UTF_8))),
					fromStream))
			.block();
		List<Request.Part> parts = new ArrayList<>(
				this.execd.findAll(postRequestedFor(urlEqualTo("/files/upload"))).get(0).getParts());
		assertThat(parts).extracting(Request.Part::getName)
			.containsExactly("metadata", "file", "metadata", "file", "metadata", "file");
		assertThat(parts.get(1).getBody().asString()).isEqualTo("from a file");
		assertThat(parts.get(3).getBody().asString()).isEqualTo("from a resource");
		assertThat(parts.get(5).getBody().asString()).isEqualTo("from a stream");
		assertThat(streamClosed).isTrue();
	}

	@Test
	void writeRejectedByExecdIsTranslated() {
		this.execd.stubFor(post(urlEqualTo("/files/upload")).willReturn(aResponse().withStatus(400)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"code\":\"INVALID_FILE_METADATA\",\"message\":\"metadata file is missing\"}")));
		assertThatExceptionOfType(OpenSandboxApiException.Rejected.class)
			.isThrownBy(() -> this.client.write(FileUpload.of("/tmp/x", "x")).block())
			.satisfies((ex) -> assertThat(ex.getErrorCode()).isEqualTo("INVALID_FILE_METADATA"));
	}

	@Test
	void invalidArgumentsAreRejectedBeforeAnyRequest() {
		assertThatIllegalArgumentException().isThrownBy(() -> FileUpload.of("/tmp/x.py", "x").withMode(758));
		assertThatIllegalArgumentException().isThrownBy(() -> FileUpload.of(" ", "x"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.write(List.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.read(""));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.read("/x", -1, null));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.read("/x", 0, 0L));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.readText(" "));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.info(List.of("/a", " ")));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.search("", "*.py"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.list("/w", -1));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.delete(List.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.deleteDirectories(List.of("\t")));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.move("/a", " "));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.client.chmod(Map.of(" ", FileInfo.Permission.of(644))));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.mkdirs(List.of("/w", ""), null));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.client.replace(Map.of("", Replacement.of("a", "b"))));
		assertThat(this.execd.getAllServeEvents()).isEmpty();
	}

	@Test
	void readSendsThePathAsAnEncodedQueryParameterWithoutRange() {
		this.execd.stubFor(get(urlEqualTo("/files/download?path=" + ODD_PATH_ENCODED))
			.willReturn(aResponse().withHeader("Content-Type", "application/octet-stream").withBody("0123456789")));
		assertThat(bytesOf(this.client.read(ODD_PATH))).isEqualTo("0123456789".getBytes(StandardCharsets.UTF_8));
		this.execd.verify(getRequestedFor(urlEqualTo("/files/download?path=" + ODD_PATH_ENCODED))
			.withHeader(HttpHeaders.RANGE, absent()));
	}

	@Test
	void readOfARangeSendsTheRangeHeaderAndAcceptsPartialContent() {
		this.execd.stubFor(get(urlEqualTo("/files/download?path=%2Fw%2Fdata.bin"))
			.withHeader(HttpHeaders.RANGE, equalTo("bytes=5-9"))
			.willReturn(aResponse().withStatus(206)
				.withHeader("Content-Type", "application/octet-stream")
				.withHeader("Content-Range", "bytes 5-9/20")
				.withBody("56789")));
		assertThat(bytesOf(this.client.read("/w/data.bin", 5, 5L))).isEqualTo("56789".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void readFromAnOffsetToTheEndSendsAnOpenRange() {
		this.execd.stubFor(get(urlEqualTo("/files/download?path=%2Fw%2Fdata.bin"))
			.withHeader(HttpHeaders.RANGE, equalTo("bytes=15-"))
			.willReturn(aResponse().withStatus(206).withHeader("Content-Range", "bytes 15-19/20").withBody("fghij")));
		assertThat(bytesOf(this.client.read("/w/data.bin", 15, null)))
			.isEqualTo("fghij".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void rangeThatCannotBeSatisfiedIsRejected() {
		this.execd
			.stubFor(get(urlEqualTo("/files/download?path=%2Fw%2Fdata.bin")).willReturn(aResponse().withStatus(416)
				.withHeader("Content-Type", "text/plain; charset=utf-8")
				.withBody("invalid range: failed to overlap")));
		assertThatExceptionOfType(OpenSandboxApiException.Rejected.class)
			.isThrownBy(() -> bytesOf(this.client.read("/w/data.bin", 100, 10L)))
			.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(416))
			.withMessageContaining("failed to overlap");
	}

	@Test
	void rangeAnsweredWithTheWholeFileIsAProtocolError() {
		this.execd.stubFor(get(urlEqualTo("/files/download?path=%2Fw%2Fdata.bin"))
			.willReturn(aResponse().withStatus(200).withBody("0123456789")));
		assertThatExceptionOfType(OpenSandboxProtocolException.class)
			.isThrownBy(() -> bytesOf(this.client.read("/w/data.bin", 5, 5L)))
			.withMessageContaining("206");
	}

	@Test
	void missingFileIsASandboxFileNotFoundException() {
		this.execd.stubFor(any(anyUrl()).willReturn(
				aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody(FILE_NOT_FOUND)));
		assertThatExceptionOfType(SandboxFileNotFoundException.class)
			.isThrownBy(() -> this.client.readText("/nope.txt").block());
		assertThatExceptionOfType(SandboxFileNotFoundException.class)
			.isThrownBy(() -> this.client.info(List.of("/nope.txt")).block());
		assertThatExceptionOfType(SandboxFileNotFoundException.class)
			.isThrownBy(() -> this.client.move("/nope.txt", "/other.txt").block())
			.withMessageNotContaining("nope");
	}

	@Test
	void readTextDecodesUtf8AndReadBytesKeepsBytes() {
		this.execd.stubFor(get(urlEqualTo("/files/download?path=%2Fw%2Ftext.txt"))
			.willReturn(aResponse().withBody("héllo wörld".getBytes(StandardCharsets.UTF_8))));
		this.execd.stubFor(get(urlEqualTo("/files/download?path=%2Fw%2Fempty.txt")).willReturn(aResponse()));
		assertThat(this.client.readText("/w/text.txt").block()).isEqualTo("héllo wörld");
		assertThat(this.client.readBytes("/w/text.txt").block())
			.isEqualTo("héllo wörld".getBytes(StandardCharsets.UTF_8));
		assertThat(this.client.readText("/w/empty.txt").block()).isEmpty();
		assertThat(this.client.readBytes("/w/empty.txt").block()).isEmpty();
	}

	@Test
	void readTextDecodesTheCharsetItIsGiven() {
		this.execd.stubFor(get(urlEqualTo("/files/download?path=%2Fw%2Flatin.txt"))
			.willReturn(aResponse().withBody("héllo".getBytes(StandardCharsets.ISO_8859_1))));
		assertThat(this.client.readText("/w/latin.txt", StandardCharsets.ISO_8859_1).block()).isEqualTo("héllo");
		assertThat(this.client.readText("/w/latin.txt").block()).isNotEqualTo("héllo");
	}

	@Test
	void readLinesAsksExecdForTheLinesAndSplitsThem() {
		this.execd.stubFor(get(urlEqualTo("/files/download?path=%2Fw%2Flog.txt&offset=3&limit=2")).willReturn(
				aResponse().withHeader("Content-Type", "text/plain; charset=utf-8").withBody("thrée\r\nfour\n")));
		this.execd.stubFor(get(urlEqualTo("/files/download?path=%2Fw%2Flog.txt&offset=90&limit=2"))
			.willReturn(aResponse().withHeader("Content-Type", "text/plain; charset=utf-8")));
		assertThat(this.client.readLines("/w/log.txt", 3, 2).block()).containsExactly("thrée", "four");
		assertThat(this.client.readLines("/w/log.txt", 90, 2).block()).isEmpty();
		this.execd.verify(getRequestedFor(urlEqualTo("/files/download?path=%2Fw%2Flog.txt&offset=3&limit=2"))
			.withHeader("Range", absent()));
	}

	@Test
	void readLinesFromAnExecdThatSendsTheWholeFileFails() {
		this.execd.stubFor(get(urlPathEqualTo("/files/download")).willReturn(
				aResponse().withHeader("Content-Type", "application/octet-stream").withBody("one\ntwo\nthree\n")));
		assertThatExceptionOfType(OpenSandboxProtocolException.class)
			.isThrownBy(() -> this.client.readLines("/w/log.txt", 2, 1).block())
			.withMessageContaining("cannot read by lines");
	}

	@Test
	void linesKeepEmptyLinesAndALastLineWithoutTerminator() {
		assertThat(ExecdFilesClient.lines("a\n\nb")).containsExactly("a", "", "b");
		assertThat(ExecdFilesClient.lines("a\n\n")).containsExactly("a", "");
		assertThat(ExecdFilesClient.lines("\n")).containsExactly("");
		assertThat(ExecdFilesClient.lines("")).isEmpty();
	}

	@Test
	void readLinesChecksItsArgumentsBeforeSending() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.readLines("/w/a", 0, 1));
		assertThatIllegalArgumentException().isThrownBy(() -> this.client.readLines("/w/a", 1, 0));
		this.execd.verify(0, getRequestedFor(urlPathEqualTo("/files/download")));
	}

	@Test
	void readBytesOfAFileLargerThanTheLimitFails() {
		this.execd.stubFor(
				get(urlEqualTo("/files/download?path=%2Fw%2Fbig.bin")).willReturn(aResponse().withBody("0123456789")));
		assertThatExceptionOfType(OpenSandboxException.class)
			.isThrownBy(() -> this.client.readBytes("/w/big.bin", 4).block())
			.withMessageContaining("larger than 4 bytes");
		assertThat(this.client.readBytes("/w/big.bin", 10).block()).hasSize(10);
	}

	@Test
	void downloadOfAMissingFileLeavesAnExistingTargetUntouched(@TempDir Path temp) throws IOException {
		this.execd.stubFor(get(urlEqualTo("/files/download?path=%2Fnope.bin")).willReturn(
				aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody(FILE_NOT_FOUND)));
		Path target = Files.writeString(temp.resolve("keep.txt"), "precious");
		assertThatExceptionOfType(SandboxFileNotFoundException.class)
			.isThrownBy(() -> this.client.download("/nope.bin", target).block());
		assertThat(target).hasContent("precious");
	}

	@Test
	void downloadWritesTheFileAndReturnsItsSize(@TempDir Path temp) {
		this.execd.stubFor(get(urlEqualTo("/files/download?path=" + ODD_PATH_ENCODED))
			.willReturn(aResponse().withBody("downloaded content")));
		Path target = temp.resolve("out.txt");
		assertThat(this.client.download(ODD_PATH, target).block()).isEqualTo(18L);
		assertThat(target).hasContent("downloaded content");
	}

	@Test
	void infoSendsEveryPathAsARepeatedEncodedParameterAndMapsTheMetadata() {
		this.execd.stubFor(get(urlEqualTo("/files/info?path=" + ODD_PATH_ENCODED + "&path=%2Fw%2Fsrc"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
					{"%s":{"path":"%s","type":"file","size":2048,"modified_at":"2025-11-16T14:30:45Z",
					  "created_at":"2025-11-16T14:30:45.123456789+08:00","owner":"admin","group":"staff","mode":644,
					  "extra":true},
					 "/w/src":{"size":0,"modified_at":"2025-11-16T14:30:45","created_at":"2025-11-16T14:30:45Z",
					  "owner":"root","group":"root","mode":755}}""".formatted(ODD_PATH, ODD_PATH))));
		Map<String, FileInfo> infos = this.client.info(List.of(ODD_PATH, "/w/src")).block();
		assertThat(infos).containsOnlyKeys(ODD_PATH, "/w/src");
		FileInfo file = infos.get(ODD_PATH);
		assertThat(file)
			.isEqualTo(new FileInfo(ODD_PATH, FileInfo.Type.FILE, 2048, Instant.parse("2025-11-16T14:30:45Z"),
					Instant.parse("2025-11-16T06:30:45.123456789Z"), "admin", "staff", 644));
		FileInfo dir = infos.get("/w/src");
		assertThat(dir.path()).isEqualTo("/w/src");
		assertThat(dir.type()).isNull();
		assertThat(dir.modifiedAt()).isEqualTo(Instant.parse("2025-11-16T14:30:45Z"));
		assertThat(dir.mode()).isEqualTo(755);
	}

	@Test
	void infoOfOnePathReturnsItsMetadata() {
		this.execd.stubFor(get(urlEqualTo("/files/info?path=%2Fw%2Fa.txt"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody("{\"/w/a.txt\":{\"path\":\"/w/a.txt\",\"type\":\"symlink\",\"size\":7,\"mode\":777}}")));
		FileInfo info = this.client.info("/w/a.txt").block();
		assertThat(info.type()).isEqualTo(FileInfo.Type.SYMLINK);
		assertThat(info.size()).isEqualTo(7);
	}

	@Test
	void searchSendsDirectoryAndPatternAndMapsTheFiles() {
		this.execd.stubFor(get(urlEqualTo("/files/search?path=%2Fw%20s&pattern=%2A.py"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
					[{"path":"/w s/a.py","type":"file","size":10,"mode":644},
					 {"path":"/w s/sub/b.py","type":"socket","size":0,"mode":600}]""")));
		List<FileInfo> files = this.client.search("/w s", "*.py").block();
		assertThat(files).extracting(FileInfo::path).containsExactly("/w s/a.py", "/w s/sub/b.py");
		assertThat(files).extracting(FileInfo::type).containsExactly(FileInfo.Type.FILE, FileInfo.Type.OTHER);
	}

	@Test
	void searchWithoutPatternSendsNone() {
		this.execd.stubFor(get(urlEqualTo("/files/search?path=%2Fw"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("[]")));
		assertThat(this.client.search("/w", null).block()).isEmpty();
	}

	@Test
	void listSendsDirectoryAndDepthAndMapsTheEntries() {
		this.execd.stubFor(get(urlEqualTo("/directories/list?path=%2Fworkspace%2Fproject&depth=2"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("""
					[{"path":"/workspace/project/src","type":"directory","size":0,
					  "modified_at":"2025-11-16T14:30:45Z","created_at":"2025-11-16T14:30:45Z",
					  "owner":"admin","group":"admin","mode":755},
					 {"path":"/workspace/project/src/main.py","type":"file","size":2048,
					  "modified_at":"2025-11-16T14:30:45Z","created_at":"2025-11-16T14:30:45Z",
					  "owner":"admin","group":"admin","mode":644}]""")));
		List<FileInfo> entries = this.client.list("/workspace/project", 2).block();
		assertThat(entries).extracting(FileInfo::path)
			.containsExactly("/workspace/project/src", "/workspace/project/src/main.py");
		assertThat(entries.get(0).isDirectory()).isTrue();
		assertThat(entries.get(1).isFile()).isTrue();
		assertThat(entries.get(1).size()).isEqualTo(2048);
	}

	@Test
	void listDefaultsToTheImmediateEntries() {
		this.execd.stubFor(get(urlEqualTo("/directories/list?path=%2Fw&depth=1"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("[]")));
		assertThat(this.client.list("/w").block()).isEmpty();
	}

	@Test
	void mkdirsSendsAPermissionForEachDirectory() {
		this.execd.stubFor(post(urlEqualTo("/directories")).willReturn(aResponse().withStatus(200)));
		Map<String, FileInfo.Permission> dirs = new LinkedHashMap<>();
		dirs.put("/w/a b", FileInfo.Permission.of(700).withOwner("admin", "staff"));
		dirs.put("/w/c", FileInfo.Permission.of(755));
		this.client.mkdirs(dirs).block();
		this.execd.verify(postRequestedFor(urlEqualTo("/directories")).withRequestBody(equalToJson("""
				{"/w/a b":{"mode":700,"owner":"admin","group":"staff"},"/w/c":{"mode":755}}""")));
	}

	@Test
	void mkdirsWithoutPermissionUsesMode755() {
		this.execd.stubFor(post(urlEqualTo("/directories")).willReturn(aResponse().withStatus(200)));
		this.client.mkdirs(List.of("/w/x", "/w/y"), null).block();
		this.execd.verify(postRequestedFor(urlEqualTo("/directories"))
			.withRequestBody(equalToJson("{\"/w/x\":{\"mode\":755},\"/w/y\":{\"mode\":755}}")));
	}

	@Test
	void deleteSendsEveryFileAsARepeatedEncodedParameter() {
		this.execd.stubFor(delete(urlEqualTo("/files?path=" + ODD_PATH_ENCODED + "&path=%2Fw%2Fb.txt"))
			.willReturn(aResponse().withStatus(200)));
		this.client.delete(List.of(ODD_PATH, "/w/b.txt")).block();
		this.execd.verify(deleteRequestedFor(urlEqualTo("/files?path=" + ODD_PATH_ENCODED + "&path=%2Fw%2Fb.txt")));
	}

	@Test
	void deleteDirectoriesSendsEveryDirectoryAsARepeatedParameter() {
		this.execd.stubFor(delete(urlEqualTo("/directories?path=%2Fw%2Ftmp&path=%2Fw%2Fcache%3F"))
			.willReturn(aResponse().withStatus(200)));
		this.client.deleteDirectories(List.of("/w/tmp", "/w/cache?")).block();
		this.execd.verify(deleteRequestedFor(urlEqualTo("/directories?path=%2Fw%2Ftmp&path=%2Fw%2Fcache%3F")));
	}

	@Test
	void moveSendsSourceAndDestinationPairsInOrder() {
		this.execd.stubFor(post(urlEqualTo("/files/mv")).willReturn(aResponse().withStatus(200)));
		Map<String, String> moves = new LinkedHashMap<>();
		moves.put("/w/old.txt", "/w/new.txt");
		moves.put(ODD_PATH, "/archive/odd.txt");
		this.client.move(moves).block();
		this.execd.verify(postRequestedFor(urlEqualTo("/files/mv")).withRequestBody(equalToJson("""
				[{"src":"/w/old.txt","dest":"/w/new.txt"},{"src":"%s","dest":"/archive/odd.txt"}]"""
			.formatted(ODD_PATH))));
	}

	@Test
	void chmodSendsThePermissionOfEachFile() {
		this.execd.stubFor(post(urlEqualTo("/files/permissions")).willReturn(aResponse().withStatus(200)));
		Map<String, FileInfo.Permission> permissions = new LinkedHashMap<>();
		permissions.put("/w/run.sh", FileInfo.Permission.of(755).withOwner("admin", null));
		permissions.put("/w/secret", FileInfo.Permission.of(600));
		this.client.chmod(permissions).block();
		this.execd.verify(postRequestedFor(urlEqualTo("/files/permissions")).withRequestBody(equalToJson("""
				{"/w/run.sh":{"mode":755,"owner":"admin"},"/w/secret":{"mode":600}}""")));
	}

	@Test
	void replaceAsksForCountsAndReturnsThem() {
		this.execd.stubFor(post(urlEqualTo("/files/replace?verbose=true"))
			.willReturn(aResponse().withHeader("Content-Type", "application/json")
				.withBody("{\"/w/config.yaml\":{\"replacedCount\":2},\"/w/app.py\":{\"replacedCount\":0}}")));
		Map<String, Replacement> replacements = new LinkedHashMap<>();
		replacements.put("/w/config.yaml", Replacement.of("localhost:8080", "0.0.0.0:9090"));
		replacements.put("/w/app.py", Replacement.of("DEBUG = True", ""));
		Map<String, Integer> counts = this.client.replace(replacements).block();
		assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("/w/config.yaml", 2, "/w/app.py", 0));
		this.execd.verify(postRequestedFor(urlEqualTo("/files/replace?verbose=true")).withRequestBody(equalToJson("""
				{"/w/config.yaml":{"old":"localhost:8080","new":"0.0.0.0:9090"},
				 "/w/app.py":{"old":"DEBUG = True","new":""}}""")));
	}

	@Test
	void replaceWithoutCountsInTheAnswerReturnsNoCounts() {
		this.execd.stubFor(post(urlEqualTo("/files/replace?verbose=true")).willReturn(aResponse().withStatus(200)));
		assertThat(this.client.replace(Map.of("/w/a", Replacement.of("a", "b"))).block()).isEmpty();
	}

	@Test
	void bodyEndingBeforeTheAnnouncedLengthFailsInsteadOfCompleting() {
		HttpHeaders headers = new HttpHeaders();
		headers.setContentLength(10);
		Flux<DataBuffer> shortBody = Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(new byte[4]));
		Flux<DataBuffer> checked = ExecdFilesClient.checkedBody(new ResponseEntity<>(shortBody, headers, HttpStatus.OK),
				null, "GET /files/download");
		assertThatExceptionOfType(OpenSandboxStreamException.class).isThrownBy(() -> bytesOf(checked))
			.withMessageContaining("4 of the 10 bytes");
	}

	@Test
	void readOfATruncatedBodyFails() throws IOException {
		try (LoopbackFileServer server = new LoopbackFileServer()) {
			ExecdFilesClient truncating = client(server.truncatingPort(), "t");
			AtomicLong received = new AtomicLong();
			assertThatExceptionOfType(OpenSandboxStreamException.class)
				.isThrownBy(() -> truncating.read("/w/data.bin").doOnNext((buffer) -> {
					received.addAndGet(buffer.readableByteCount());
					DataBufferUtils.release(buffer);
				}).blockLast(Duration.ofSeconds(30)));
			assertThat(received.get()).isLessThan(LoopbackFileServer.ANNOUNCED_LENGTH);
		}
	}

	@Test
	void downloadOfATruncatedBodyFailsAndLeavesNoPartialFile(@TempDir Path temp) throws IOException {
		try (LoopbackFileServer server = new LoopbackFileServer()) {
			ExecdFilesClient truncating = client(server.truncatingPort(), "t");
			Path target = temp.resolve("partial.bin");
			assertThatExceptionOfType(OpenSandboxStreamException.class)
				.isThrownBy(() -> truncating.download("/w/data.bin", target).block(Duration.ofSeconds(30)));
			assertThat(target).doesNotExist();
		}
	}

	@Test
	void largeUploadIsStreamedIntactInOneRequestWithOtherFiles(@TempDir Path temp) throws IOException {
		long size = 64L * 1024 * 1024;
		Path local = temp.resolve("big.bin");
		try (OutputStream out = Files.newOutputStream(local)) {
			LoopbackFileServer.generate(7, size, out);
		}
		try (LoopbackFileServer server = new LoopbackFileServer()) {
			client(server.port(), "t")
				.write(List.of(FileUpload.of("/w/notes.txt", "small"),
						FileUpload.of("/w/big.bin", local).withMode(644)))
				.block(Duration.ofMinutes(2));
			List<LoopbackFileServer.ReceivedPart> parts = server.uploadedParts();
			assertThat(parts).extracting(LoopbackFileServer.ReceivedPart::name)
				.containsExactly("metadata", "file", "metadata", "file");
			assertThat(parts.get(0).filename()).isEqualTo(ExecdFilesClient.METADATA_FILENAME);
			assertThat(parts.get(1).text()).isEqualTo("small");
			assertThat(WireJson.MAPPER.readTree(parts.get(2).text()))
				.isEqualTo(WireJson.MAPPER.readTree("{\"path\":\"/w/big.bin\",\"mode\":644}"));
			assertThat(parts.get(3).filename()).isEqualTo("big.bin");
			assertThat(parts.get(3).size()).isEqualTo(size);
			assertThat(parts.get(3).sha256()).isEqualTo(sha256(local));
		}
	}

	@Test
	void largeDownloadIsStreamedIntactToDisk(@TempDir Path temp) throws IOException {
		try (LoopbackFileServer server = new LoopbackFileServer()) {
			Path target = temp.resolve("downloaded.bin");
			Long written = client(server.port(), "t").download("/w/big.bin", target).block(Duration.ofMinutes(2));
			assertThat(written).isEqualTo(LoopbackFileServer.DOWNLOAD_SIZE);
			assertThat(Files.size(target)).isEqualTo(LoopbackFileServer.DOWNLOAD_SIZE);
			assertThat(sha256(target)).isEqualTo(LoopbackFileServer.sha256OfGenerated(LoopbackFileServer.DOWNLOAD_SEED,
					LoopbackFileServer.DOWNLOAD_SIZE));
		}
	}

	private static byte[] bytesOf(Flux<DataBuffer> content) {
		return DataBufferUtils.join(content).map((buffer) -> {
			try {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				return bytes;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		}).defaultIfEmpty(new byte[0]).block(Duration.ofSeconds(30));
	}

	private static String sha256(Path file) throws IOException {
		MessageDigest digest = LoopbackFileServer.sha256();
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
			byte[] chunk = new byte[64 * 1024];
			while (in.read(chunk) >= 0) {
				// digesting
			}
		}
		return HexFormat.of().formatHex(digest.digest());
	}

}
