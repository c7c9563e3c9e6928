package io.mmfile.faults;

import io.mmfile.support.UploadLoad;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.ArrayList;
import java.util.List;

import static io.mmfile.support.TestServer.await;

/** What the outage tests check before, during and after a service is down. */
final class OutageChecks {
  private OutageChecks() {
  }

  static int readiness(WebClient web) {
    try {
      return await(web.get("/health/ready").timeout(10_000).send()).statusCode();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Acknowledged uploads that do not come back byte for byte, described. */
  static List<String> notReadable(WebClient web, List<UploadLoad.Acked> files) {
    List<String> bad = new ArrayList<>();
    for (UploadLoad.Acked file : files) {
      HttpResponse<Buffer> response = await(web.getAbs(file.url()).send());
      if (response.statusCode() != 200 || !UploadLoad.sha256(response.body()).equals(file.sha256())) {
        bad.add(file.url() + " -> " + response.statusCode());
      }
    }
    return bad;
  }
}
