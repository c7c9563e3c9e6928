package io.mmfile.faults;

import io.mmfile.support.Backend;
import io.mmfile.support.ChildNode;
import io.mmfile.support.CuttingProxy;
import io.mmfile.support.DaokeClient;
import io.mmfile.support.Images;
import io.mmfile.support.SrvClient;
import io.mmfile.support.TestServer;
import io.mmfile.support.TusHttp;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.mmfile.support.SrvClient.app;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node killed with SIGKILL in the middle of a tus upload (its link stalled mid-PATCH, as a phone
 * that lost its signal), then started again on the same data directory and database: the tus client
 * resumes from the bytes the node had acknowledged, not from zero, and the file is byte for byte what
 * was sent. Runs once per {@link Backend}.
 */
abstract class ResumableKillNineContract {
  static final String PASSWORD = "correct horse";
  static final int PATCH_BYTES = 256 * 1024;

  abstract Backend backend();

  @Test
  void anUploadCutByKillNineResumesAfterTheRestartByteForByte() throws Exception {
    String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Path dir = Files.createTempDirectory("mmfile-tus-kill-");
    Map<String, Object> config = new java.util.LinkedHashMap<>(FaultNodes.config(backend(), id));
    config.put("auth.argon2-memory-kib", 8192);
    config.put("auth.argon2-iterations", 1);
    ExecutorService background = Executors.newSingleThreadExecutor();
    try (ChildNode node = new ChildNode(dir, TestServer.freePort(), config);
         CuttingProxy proxy = new CuttingProxy(node.port())) {
      node.start();
      String username = "k" + id;
      String token = login(node.port(), username, true);
      byte[] bytes = Images.pngOfSize(3_000_000, 31).getBytes();
      TusHttp.Session session = new TusHttp.Session(proxy.port(), token, bytes, Map.of("filename", "kill.png"),
        16 * 1024, PATCH_BYTES);
      // four PATCHes and part of the fifth reach the node, then the link goes silent
      long beforeKill = 4L * PATCH_BYTES + 100_000;
      proxy.arm(beforeKill, CuttingProxy.Fault.STALL);
      Future<TusHttp.ClientRun> first = background.submit(() -> session.run(1, attempt -> { }));
      assertThat(proxy.awaitTripped(120)).as("the upload got that far; node log:%n%s", node.log()).isTrue();
      node.kill9();
      proxy.cutAll();
      assertThatThrownBy(() -> first.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);

      node.start();
      // the embedded node keeps its sessions in memory: log in again (the upload is the account's)
      session.token(login(node.port(), username, false));
      TusHttp.ClientRun run = session.run(20, attempt -> { });
      long resumedFrom = run.resumedAt().get(1);
      System.err.printf("tus kill -9 on %s: %d bytes reached the node before the kill, resumed from %d%n", backend(),
        beforeKill, resumedFrom);
      assertThat(resumedFrom).as("resumed from what the node acknowledged (whole PATCHes), not from 0")
        .isGreaterThanOrEqualTo(3L * PATCH_BYTES).isLessThanOrEqualTo(beforeKill);

      TusHttp tus = new TusHttp(node.port(), login(node.port(), username, false));
      HttpResponse<String> head = tus.head(run.uploadUrl().getPath());
      assertThat(head.statusCode()).isEqualTo(200);
      String fileId = head.headers().firstValue("Mmfile-File-Id").orElseThrow();
      String location = run.uploadUrl().getPath();
      assertThat(node.dataDir().resolve("uploads").resolve(location.substring(location.lastIndexOf('/') + 1) + ".part"))
        .doesNotExist();
      try (DaokeClient client = new DaokeClient(node.port())) {
        var file = client.get("http://127.0.0.1:" + node.port() + "/dfsapi/v2/gainImage?isStorage=true&group=g1&file="
          + System.currentTimeMillis() / 1000 + ":" + fileId + ".png");
        assertThat(file.statusCode()).as("node log:%n%s", node.log()).isEqualTo(200);
        assertThat(file.body().getBytes()).isEqualTo(bytes);
      }
    } finally {
      background.shutdownNow();
      FaultNodes.cleanUp(backend(), id);
      TestServer.deleteTree(dir);
    }
  }

  /** Registers the account the first time, then logs in: an access token. */
  private static String login(int port, String username, boolean register) {
    try (DaokeClient client = new DaokeClient(port)) {
      SrvClient srv = new SrvClient(client.web());
      if (register) {
        JsonObject registered = srv.post("account", app("1").put("username", username).put("password", PASSWORD));
        assertThat(registered.getString("error")).isEqualTo("0");
      }
      JsonObject login = srv.post("login", app("1").put("username", username).put("password", PASSWORD));
      assertThat(login.getString("access_token")).as("a login: %s", login).isNotNull();
      return login.getString("access_token");
    }
  }
}
