package io.mmfile.platform;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedactedUrlTest {

  @Test
  void hidesThePasswordOfTheUserInfo() {
    assertThat(RedactedUrl.of("mysql://mmfile:s3cret@db:3306/mmfile")).isEqualTo("mysql://mmfile:***@db:3306/mmfile");
    assertThat(RedactedUrl.of("redis://:s3cret@cache:6379/0")).isEqualTo("redis://:***@cache:6379/0");
  }

  @Test
  void hidesAPasswordParameter() {
    assertThat(RedactedUrl.of("mysql://db/mmfile?user=u&password=s3cret&x=1")).isEqualTo("mysql://db/mmfile?user=u&password=***&x=1");
  }

  @Test
  void leavesUrlsWithoutPasswordsAlone() {
    assertThat(RedactedUrl.of("mysql://root@127.0.0.1:3306/mmfile")).isEqualTo("mysql://root@127.0.0.1:3306/mmfile");
    assertThat(RedactedUrl.of("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
  }

  @Test
  void configurationErrorsDoNotEchoPasswords() throws IOException {
    for (String key : new String[] {"database.url", "redis.url"}) {
      JsonObject config = defaults();
      String[] path = key.split("\\.");
      config.getJsonObject(path[0]).put(path[1], "postgres://mmfile:s3cret@db:5432/mmfile");

      assertThatThrownBy(() -> MmfileConfig.from(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining("mmfile:***@db")
        .hasMessageNotContaining("s3cret");
    }
  }

  @Test
  void anUnparsableDatabaseUrlIsNamedWithoutItsPassword() throws IOException {
    JsonObject config = defaults();
    config.getJsonObject("database").put("url", "mysql://mmfile:s3cret@db:notaport/mmfile");

    assertThatThrownBy(() -> new Database(MmfileConfig.from(config)))
      .hasMessageContaining("database.url")
      .hasMessageNotContaining("s3cret");
  }

  private static JsonObject defaults() throws IOException {
    try (InputStream in = RedactedUrlTest.class.getResourceAsStream("/" + ConfigLoader.DEFAULTS_RESOURCE)) {
      JsonObject defaults = new JsonObject(new org.yaml.snakeyaml.Yaml().<java.util.Map<String, Object>>load(in));
      // A MySQL URL with the log SMS sender is refused on its own; this test is about the URL.
      defaults.getJsonObject("sms").put("allow-log-sender", true);
      return defaults;
    }
  }
}
