package io.mmfile.api.weidu;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mmfile.accounts.ProfileField;
import io.mmfile.platform.Failure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes as a weidu profile body: a checked profile, or an empty-body, malformed-body or
 * invalid-field failure; never another exception. A profile that passes fits its column.
 */
class WeiduProfileFuzzTest {
  private static final EnumSet<Failure.Kind> CLIENT_FAILURES =
    EnumSet.of(Failure.Kind.EMPTY_BODY, Failure.Kind.MALFORMED_BODY, Failure.Kind.INVALID_PARAMETER);

  @FuzzTest(maxDuration = "5m", maxExecutions = 20_000)
  @DictionaryEntries({"\"user_id\"", "\"avatar_url\"", "\"gender\"", "\"work_list\"", "\"file_infos\"", "\"size\"",
    "\"has_pre_img\"", "\"desc\"", "true", "null", "1e400", "-0", "2147483648", "{", "}", "[", "]", ":", ","})
  void profileBody(byte[] body) {
    try {
      JsonObject profile = WeiduProfile.parse(Buffer.buffer(body));
      assertThat(profile.getValue("user_id")).isInstanceOf(String.class);
      if (profile.getValue("avatar_url") != null) {
        assertThat(profile.getString("avatar_url")).hasSizeLessThanOrEqualTo(ProfileField.IMG.maxLength());
      }
    } catch (Failure f) {
      assertThat(f.kind()).isIn(CLIENT_FAILURES);
    }
  }
}
