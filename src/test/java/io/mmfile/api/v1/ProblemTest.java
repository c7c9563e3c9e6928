package io.mmfile.api.v1;

import io.mmfile.files.MultipartBody;
import io.mmfile.platform.Failure;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one table from domain failures to problems, and what a problem body carries. */
class ProblemTest {
  @Test
  void aBodyIsTheRfc9457MembersWithTheStableCode() {
    JsonObject json = Problem.invalidParameter("limit", "limit is invalid").toJson("/api/v1/files", "abc");

    assertThat(json.fieldNames()).containsExactly("type", "title", "status", "detail", "instance", "code", "parameter",
      "request_id");
    assertThat(json.getString("type")).isEqualTo("urn:mmfile:problem:invalid_parameter");
    assertThat(json.getInteger("status")).isEqualTo(400);
    assertThat(json.getString("parameter")).isEqualTo("limit");
  }

  @Test
  void limitsAreTooLargeNotInvalid() {
    assertThat(Problem.of(Failure.invalid(MultipartBody.BODY_SIZE)).status()).isEqualTo(413);
    assertThat(Problem.of(Failure.invalid("file length")).status()).isEqualTo(413);
    assertThat(Problem.of(Failure.invalid("ttl_seconds")).status()).isEqualTo(400);
  }

  @Test
  void throttlingAndOverloadSayWhenToRetry() {
    Problem limited = Problem.of(Failure.rateLimited("slow down", 42));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.code()).isEqualTo("rate_limited");
    assertThat(limited.toJson("/", null).getString("detail")).isEqualTo("slow down");

    assertThat(Problem.of(Failure.of(Failure.Kind.OVERLOADED, "busy")).status()).isEqualTo(503);
    assertThat(Problem.of(Failure.of(Failure.Kind.SQL_UNAVAILABLE, "jdbc:mysql://secret-host")).toJson("/", null)
      .getString("detail")).doesNotContain("secret-host");
  }

  @Test
  void anUnexpectedErrorIs500NamingNothingOfIt() {
    JsonObject json = Problem.from(new IllegalStateException("password=hunter2 at line 3"), 500).toJson("/api/v1/x", null);

    assertThat(json.getInteger("status")).isEqualTo(500);
    assertThat(json.getString("code")).isEqualTo("internal_error");
    assertThat(json.encode()).doesNotContain("hunter2").doesNotContain("IllegalStateException");
  }

  @Test
  void everyKindHasAStatusAndACode() {
    for (Failure.Kind kind : Failure.Kind.values()) {
      Failure failure = kind == Failure.Kind.INVALID_PARAMETER ? Failure.invalid("x") : Failure.of(kind, "m");
      Problem problem = Problem.of(failure);
      assertThat(problem.status()).as(kind.name()).isBetween(400, 599);
      assertThat(problem.code()).as(kind.name()).matches("[a-z_]+");
    }
  }
}
