package io.mmfile.api.srv;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mmfile.platform.Failure;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any srv request body (JSON, form-encoded or neither) and query, as {@link SrvParams} reads them, then
 * every field read the way the routes read it: strings or an invalid-parameter or malformed-body
 * failure (srv error 12 and its kin), never another exception.
 */
class SrvParamsFuzzTest {
  private static final String[] CONTENT_TYPES = {"application/json", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x", "text/plain", null};
  private static final String[] FIELDS = {"platid", "vercode", "channel", "username", "phonenumber", "mailaddress",
    "password", "oldpassword", "newpassword", "verificationcode", "registersource", "authorizationcode",
    "client_id", "client_secret", "refresh_token", "access_token", "file"};
  private static final EnumSet<Failure.Kind> CLIENT_FAILURES =
    EnumSet.of(Failure.Kind.INVALID_PARAMETER, Failure.Kind.MALFORMED_BODY);

  @FuzzTest(maxDuration = "5m", maxExecutions = 20_000)
  @DictionaryEntries({"\"platid\"", "\"vercode\"", "\"channel\"", "\"newpassword\"", "\"data\"", "\"username\"",
    "platid=", "vercode=", "channel=", "&", "%", "{", "}", "[", "]", ":", ",", "null", "1e400"})
  void body(FuzzedDataProvider input) {
    String contentType = input.pickValue(CONTENT_TYPES);
    boolean needsClientTriple = input.consumeBoolean();
    MultiMap query = decode(input.consumeString(200));
    byte[] body = input.consumeRemainingAsBytes();
    try {
      // a form body is decoded before the route sees it; here as application/x-www-form-urlencoded is
      SrvParams params = SrvParams.of(query, contentType, () -> decode(new String(body, StandardCharsets.UTF_8)),
        Buffer.buffer(body), needsClientTriple);
      for (String field : FIELDS) {
        params.get(field);
        params.raw(field);
      }
      params.object("data");
    } catch (Failure f) {
      assertThat(f.kind()).isIn(CLIENT_FAILURES);
    }
  }

  private static MultiMap decode(String encoded) {
    MultiMap values = MultiMap.caseInsensitiveMultiMap();
    try {
      new QueryStringDecoder(encoded, StandardCharsets.UTF_8, false).parameters().forEach(values::add);
    } catch (IllegalArgumentException e) {
      // a broken escape: the HTTP layer answers 400 before srv sees it
    }
    return values;
  }
}
