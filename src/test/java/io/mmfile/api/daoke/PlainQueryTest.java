package io.mmfile.api.daoke;

import io.vertx.core.MultiMap;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** gainImage's reading of a plain query gives what Vert.x's request.params() would give. */
class PlainQueryTest {
  /** What Vert.x does for request.params(): Netty's decoder into a case-insensitive multimap. */
  static String vertx(String query, String name) {
    Map<String, List<String>> decoded =
      new QueryStringDecoder("/dfsapi/v2/gainImage?" + query, StandardCharsets.UTF_8, true, 1024, false).parameters();
    MultiMap params = MultiMap.caseInsensitiveMultiMap();
    decoded.forEach((k, v) -> v.forEach(value -> params.add(k, value)));
    return params.get(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"isStorage=true&group=g1&file=1796137950:a03b74b2ed9911f194efa77214a5a644.jpg", "file=a",
    "FILE=a", "File=a&file=b", "file=b&FILE=a", "file", "file=", "=file", "==file", "file==x", "a=1=2&file=x=y", "&&file=x&",
    "files=x&file=y", "fil=x", "x=file", "", "&", "=", "scaling=1x1&file=y", "file=x&scaling", "fiLe=1&scaling=2x2x1"})
  void readsWhatParamsReads(String query) {
    assertThat(PlainQuery.applies(query)).isTrue();
    assertThat(PlainQuery.first(query, "file")).isEqualTo(vertx(query, "file"));
    assertThat(PlainQuery.first(query, "scaling")).isEqualTo(vertx(query, "scaling"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"file=a%20b", "file=a+b", "file=a;b", "file=a#b", "isStorage=true%26file=x"})
  void leavesQueriesThatNeedDecodingToParams(String query) {
    assertThat(PlainQuery.applies(query)).isFalse();
  }

  @Test
  void leavesQueriesWithMorePairsThanTheDecoderKeepsToParams() {
    String many = "a=1&".repeat(1100) + "file=x";
    assertThat(PlainQuery.applies(many)).isFalse();
    assertThat(PlainQuery.applies("a=1&".repeat(900) + "file=x")).isTrue();
  }

  @Test
  void agreesWithParamsOnRandomPlainQueries() {
    Random random = new Random(3);
    String[] pieces = {"file", "FILE", "File", "scaling", "x", "=", "=", "&", "&", "1", "ab", ":", "."};
    for (int n = 0; n < 20_000; n++) {
      StringBuilder query = new StringBuilder();
      int count = random.nextInt(10);
      for (int i = 0; i < count; i++) {
        query.append(pieces[random.nextInt(pieces.length)]);
      }
      String q = query.toString();
      assertThat(PlainQuery.first(q, "file")).as(q).isEqualTo(vertx(q, "file"));
      assertThat(PlainQuery.first(q, "scaling")).as(q).isEqualTo(vertx(q, "scaling"));
    }
  }
}
